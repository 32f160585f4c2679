package io.kilowatch.collector.http;

import io.kilowatch.collector.security.Role;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/** API routes a feature serves from its own class, mounted by {@link HttpApi} under the same access rules. */
public interface ApiModule {
    /** Who made a request: the user name of a session, or "api token". */
    String PRINCIPAL = "kilowatch.principal";

    /**
     * @param require a handler that lets a request on only with at least the role (and, for changes made
     *     with a session cookie, the CSRF header)
     */
    void mount(Router router, Function<Role, Handler<RoutingContext>> require);
}
