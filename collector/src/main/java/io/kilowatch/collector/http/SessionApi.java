package io.kilowatch.collector.http;

import io.kilowatch.collector.security.Role;
import io.kilowatch.collector.security.Sessions;
import io.kilowatch.collector.security.Users;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/v1/session}: who is logged in (GET), logging in with a user name and password (POST) and out
 * (DELETE). The session is a cookie that {@link AccessControl} checks on every request. docs/api.md.
 */
final class SessionApi implements ApiModule {
    private static final Logger LOG = LoggerFactory.getLogger(SessionApi.class);

    private final Users users;
    private final Sessions sessions;
    private final boolean anonymousRead;
    private final boolean secureCookies;
    private final RateLimiter loginLimiter;

    SessionApi(Vertx vertx, Users users, Sessions sessions, boolean anonymousRead, boolean secureCookies, Clock clock) {
        this.users = users;
        this.sessions = sessions;
        this.anonymousRead = anonymousRead;
        this.secureCookies = secureCookies;
        // Password guessing is slow anyway (PBKDF2); ten tries a minute per address makes it hopeless. Kept per collector,
        // not in the store: N collectors allow N times as many tries, still hopeless, and a shared count would let a flood
        // of attempts write to the store every collector depends on (docs/security.md).
        this.loginLimiter = new RateLimiter(10, 10, clock);
        vertx.setPeriodic(60_000, id -> {
            sessions.forgetExpired().onFailure(e -> LOG.atWarn().addKeyValue("error", e.getMessage()).log("deleting expired sessions failed"));
            loginLimiter.forgetIdle();
        });
    }

    @Override
    public void mount(Router router, Function<Role, Handler<RoutingContext>> require) {
        router.get("/api/v1/session").handler(this::whoAmI);
        router.post("/api/v1/session").handler(BodyHandler.create(false).setBodyLimit(4_096)).handler(this::login);
        router.delete("/api/v1/session").handler(require.apply(Role.VIEWER)).handler(ctx -> {
            Cookie cookie = ctx.request().getCookie(AccessControl.COOKIE);
            Responses.onStore(ctx, sessions.close(cookie == null ? null : cookie.getValue()), Responses.STORE_UNREADABLE).onSuccess(v -> {
                ctx.response().addCookie(sessionCookie("").setMaxAge(0));
                ctx.response().setStatusCode(204).end();
            });
        });
    }

    private void whoAmI(RoutingContext ctx) {
        Cookie cookie = ctx.request().getCookie(AccessControl.COOKIE);
        Future<Optional<Sessions.Session>> found = cookie == null ? Future.succeededFuture(Optional.empty()) : sessions.find(cookie.getValue());
        Responses.onStore(ctx, found, Responses.STORE_UNREADABLE).onSuccess(session -> answerWhoAmI(ctx, session));
    }

    private void answerWhoAmI(RoutingContext ctx, Optional<Sessions.Session> session) {
        if (session.isPresent()) {
            Responses.json(ctx, 200, new JsonObject().put("username", session.get().username()).put("role", session.get().role().label())
                    .put("anonymous_read", anonymousRead));
        } else if (anonymousRead) {
            Responses.json(ctx, 200, new JsonObject().putNull("username").putNull("role").put("anonymous_read", true));
        } else {
            Responses.error(ctx, 401, List.of("not logged in"));
        }
    }

    private void login(RoutingContext ctx) {
        String address = ctx.request().remoteAddress() == null ? "?" : ctx.request().remoteAddress().hostAddress();
        long retryAfter = loginLimiter.acquire(address);
        if (retryAfter > 0) {
            ctx.response().putHeader("Retry-After", Long.toString(retryAfter));
            Responses.error(ctx, 429, List.of("too many login attempts; retry after " + retryAfter + " s"));
            return;
        }
        String contentType = ctx.request().getHeader("Content-Type");
        if (contentType == null || !contentType.toLowerCase().startsWith("application/json")) {
            Responses.error(ctx, 415, List.of("log in with Content-Type: application/json"));
            return;
        }
        JsonObject body;
        try {
            body = new JsonObject(ctx.body().asString() == null ? "" : ctx.body().asString());
        } catch (RuntimeException e) {
            Responses.error(ctx, 400, List.of("the body must be {\"username\": ..., \"password\": ...}"));
            return;
        }
        Object username = body.getValue("username");
        Object password = body.getValue("password");
        if (!(username instanceof String name) || !(password instanceof String secret)) {
            Responses.error(ctx, 400, List.of("the body must be {\"username\": ..., \"password\": ...}"));
            return;
        }
        // PBKDF2 is deliberately slow: off the event loop.
        ctx.vertx().executeBlocking(() -> users.login(name, secret.toCharArray()), false).onComplete(result -> {
            if (result.succeeded() && result.result().isPresent()) {
                Role role = result.result().get();
                Responses.onStore(ctx, sessions.open(name, role), Responses.STORE_UNREADABLE).onSuccess(id -> {
                    ctx.response().addCookie(sessionCookie(id));
                    LOG.atInfo().addKeyValue("user", name).log("logged in");
                    Responses.json(ctx, 200, new JsonObject().put("username", name).put("role", role.label()));
                });
            } else {
                LOG.atWarn().addKeyValue("user", name).addKeyValue("from", address).log("login refused");
                Responses.error(ctx, 401, List.of("wrong user name or password"));
            }
        });
    }

    private Cookie sessionCookie(String value) {
        return Cookie.cookie(AccessControl.COOKIE, value).setHttpOnly(true).setSameSite(CookieSameSite.STRICT).setPath("/").setSecure(secureCookies);
    }
}
