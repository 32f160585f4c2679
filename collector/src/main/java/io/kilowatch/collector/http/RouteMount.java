package io.kilowatch.collector.http;

import io.kilowatch.collector.security.Role;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/** A feature's own API routes, mounted by {@link HttpApi} before its catch-all 404 for unknown API paths. */
public interface RouteMount {
    /** @param require gives the handler that lets a request on only with at least that role (and CSRF header for cookie writes) */
    void mount(Router router, Function<Role, Handler<RoutingContext>> require);
}
