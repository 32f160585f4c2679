package io.kilowatch.collector.http;

import io.kilowatch.collector.security.Role;
import io.kilowatch.collector.security.Sessions;
import io.kilowatch.collector.security.Users;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may read and change things: a browser session after a login, or an API token as a bearer token
 * (Prometheus, Grafana, scripts). Reading is open to anyone only when config says so explicitly.
 * <p>
 * CSRF: the session cookie is SameSite=Strict, and requests that change something with a cookie must
 * also carry {@code X-Requested-With: kilowatch}, which a cross-site form cannot send and a cross-site
 * script cannot either without a CORS preflight that the collector never grants.
 */
final class AccessControl {
    private static final Logger LOG = LoggerFactory.getLogger(AccessControl.class);
    static final String COOKIE = "kilowatch_session";
    private static final String CSRF_HEADER = "X-Requested-With";
    private static final String CSRF_VALUE = "kilowatch";

    private final Users users;
    private final Sessions sessions;
    private final boolean anonymousRead;
    private final boolean secureCookies;
    private final RateLimiter loginLimiter;

    AccessControl(Vertx vertx, Users users, Sessions sessions, boolean anonymousRead, boolean secureCookies, Clock clock) {
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

    void routes(Router router) {
        router.get("/api/v1/session").handler(this::whoAmI);
        router.post("/api/v1/session").handler(BodyHandler.create(false).setBodyLimit(4_096)).handler(this::login);
        router.delete("/api/v1/session").handler(require(Role.VIEWER)).handler(ctx -> {
            Cookie cookie = ctx.request().getCookie(COOKIE);
            Responses.onStore(ctx, sessions.close(cookie == null ? null : cookie.getValue()), Responses.STORE_UNREADABLE).onSuccess(v -> {
                ctx.response().addCookie(sessionCookie("").setMaxAge(0));
                ctx.response().setStatusCode(204).end();
            });
        });
    }

    /** A handler that lets the request on only with at least {@code role}. */
    Handler<RoutingContext> require(Role role) {
        return ctx -> Responses.onStore(ctx, roleOf(ctx), Responses.STORE_UNREADABLE).onSuccess(granted -> {
            if (granted.isEmpty() && role == Role.VIEWER && anonymousRead) {
                ctx.next();
            } else if (granted.isEmpty()) {
                Responses.error(ctx, 401, List.of("log in, or send an API token as Authorization: Bearer <token>"));
            } else if (!granted.get().allows(role)) {
                Responses.error(ctx, 403, List.of("this needs the " + role.label() + " role"));
            } else if (ctx.request().method() != HttpMethod.GET && "cookie".equals(ctx.get("kilowatch.via"))
                    && !CSRF_VALUE.equals(ctx.request().getHeader(CSRF_HEADER))) {
                Responses.error(ctx, 403, List.of("a change made with a session cookie needs the header " + CSRF_HEADER + ": " + CSRF_VALUE));
            } else {
                ctx.next();
            }
        });
    }

    /** The role this request carries; a session cookie is looked up in the store (or this collector's short cache). */
    private Future<Optional<Role>> roleOf(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ctx.put("kilowatch.via", "token");
            ctx.put(ApiModule.PRINCIPAL, "api token");
            return Future.succeededFuture(users.token(header.substring(7).trim()));
        }
        Cookie cookie = ctx.request().getCookie(COOKIE);
        if (cookie != null) {
            ctx.put("kilowatch.via", "cookie");
            return sessions.find(cookie.getValue()).map(session -> {
                session.ifPresent(s -> ctx.put(ApiModule.PRINCIPAL, s.username()));
                return session.map(Sessions.Session::role);
            });
        }
        return Future.succeededFuture(Optional.empty());
    }

    private void whoAmI(RoutingContext ctx) {
        Cookie cookie = ctx.request().getCookie(COOKIE);
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
        return Cookie.cookie(COOKIE, value).setHttpOnly(true).setSameSite(CookieSameSite.STRICT).setPath("/").setSecure(secureCookies);
    }
}
