package io.kilowatch.collector.carbon;

import io.kilowatch.collector.http.ApiModule;
import io.kilowatch.collector.http.Responses;
import io.kilowatch.collector.security.Role;
import io.kilowatch.core.carbon.CarbonWindows;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
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
        router.get("/api/v1/carbon/windows").handler(require.apply(Role.VIEWER)).handler(ctx -> Responses.json(ctx, 200, json(planner, clock.instant())));
        router.get("/api/v1/carbon/windows.ics").handler(require.apply(Role.VIEWER)).handler(ctx -> ctx.response()
                .putHeader("Content-Type", "text/calendar; charset=utf-8")
                .putHeader("Content-Disposition", "inline; filename=\"kilowatch-carbon-windows.ics\"")
                .end(planner.icalendar(clock.instant())));
    }

    static JsonObject json(CarbonWindowPlanner planner, Instant now) {
        JsonArray rows = new JsonArray();
        for (CarbonWindowPlanner.Entry e : planner.plans(now)) {
            CarbonWindows.Plan p = e.plan();
            CarbonWindows.Job job = p.job();
            rows.add(new JsonObject().put("name", job.name()).put("kind", e.kind()).put("service", e.service())
                    .put("region", e.region()).put("power_watts", job.watts()).put("duration_seconds", job.duration().toSeconds())
                    .put("energy_kwh", job.kwh()).put("deadline", job.deadline().toString())
                    .put("allowed", new JsonArray(job.allowed().stream().map(s -> new JsonObject().put("start", s.start().toString())
                            .put("end", s.end().toString())).toList()))
                    .put("default", slotJson(p.atDefault(), job))
                    .put("best", p.best().map(s -> slotJson(s, job)).orElse(null))
                    .put("saving_kgco2e", p.savingGrams() / 1000)
                    .put("forecast", p.forecast())
                    .put("basis", p.basis()));
        }
        return new JsonObject().put("generated_at", now.toString()).put("horizon_seconds", planner.horizon().toSeconds()).put("plans", rows);
    }

    private static JsonObject slotJson(CarbonWindows.Slot s, CarbonWindows.Job job) {
        double mean = s.meanGramsPerKwh(job);
        return new JsonObject().put("start", s.start().toString()).put("end", s.end().toString()).put("kgco2e", s.grams() / 1000)
                .put("gco2e_per_kwh", Double.isNaN(mean) ? null : mean).put("forecast_covered", s.forecastCovered());
    }
}
