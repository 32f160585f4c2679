package io.kilowatch.collector.carbon;

import io.kilowatch.collector.http.ApiModule;
import io.kilowatch.collector.http.Responses;
import io.kilowatch.collector.security.Role;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.function.Function;

/** {@code /api/v1/carbon/windows}: lowest-carbon slots as JSON, and {@code windows.ics} as an iCalendar feed (docs/api.md). */
public final class CarbonWindowsApi implements ApiModule {
    private final CarbonWindowPlanner planner;
    private final Clock clock;

    public CarbonWindowsApi(CarbonWindowPlanner planner, Clock clock) {
        this.planner = planner;
        this.clock = clock;
    }

    @Override
    public void mount(Router router, Function<Role, Handler<RoutingContext>> require) {
        // In memory and small (a few jobs over 96 half-hours), so answered on the event loop.
        router.get("/api/v1/carbon/windows").handler(require.apply(Role.VIEWER)).handler(ctx -> Responses.json(ctx, 200, planner.json(clock.instant())));
        router.get("/api/v1/carbon/windows.ics").handler(require.apply(Role.VIEWER)).handler(ctx -> ctx.response()
                .putHeader("Content-Type", "text/calendar; charset=utf-8")
                .putHeader("Content-Disposition", "inline; filename=\"kilowatch-carbon-windows.ics\"")
                .end(planner.icalendar(clock.instant())));
    }
}
