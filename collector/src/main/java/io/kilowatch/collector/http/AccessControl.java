package io.kilowatch.collector.http;

import io.kilowatch.collector.security.Role;
import io.kilowatch.collector.security.Sessions;
import io.kilowatch.collector.security.Users;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;

/**
 * Who may read and change things: a browser session after a login, or an API token as a bearer token
 * (Prometheus, Grafana, scripts). Reading is open to anyone only when config says so explicitly.
 * <p>
 * CSRF: the session cookie is SameSite=Strict, and requests that change something with a cookie must
 * also carry {@code X-Requested-With: kilowatch}, which a cross-site form cannot send and a cross-site
 * script cannot either without a CORS preflight that the collector never grants.
 */
final class AccessControl {
    static final String COOKIE = "kilowatch_session";
    private static final String CSRF_HEADER = "X-Requested-With";
    private static final String CSRF_VALUE = "kilowatch";

    private final Users users;
    private final Sessions sessions;
    private final boolean anonymousRead;

    /** @param sessions the browser sessions {@link SessionApi} opens at login */
    AccessControl(Users users, Sessions sessions, boolean anonymousRead) {
        this.users = users;
        this.sessions = sessions;
        this.anonymousRead = anonymousRead;
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
}
