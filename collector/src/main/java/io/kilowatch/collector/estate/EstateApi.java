package io.kilowatch.collector.estate;

import static io.kilowatch.collector.http.Responses.error;
import static io.kilowatch.collector.http.Responses.json;
import static io.kilowatch.collector.http.Responses.respond;

import io.kilowatch.collector.feature.Maths;
import io.kilowatch.collector.http.ApiModule;
import io.kilowatch.collector.security.Role;
import io.kilowatch.core.carbon.CarbonPolicy;
import io.kilowatch.core.carbon.EnergyFootprint;
import io.kilowatch.core.energy.Units;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The estate's read API: devices (paged and filtered), one device, series, the estate summary and live updates. */
public final class EstateApi implements ApiModule {
    private static final int MAX_LIVE_DEVICES = 500;

    private final EstateStore store;
    private final Maths maths;
    private final Estate estate;
    private final CarbonPolicy carbon;
    private final ZoneId zone;
    private final Clock clock;
    private final LiveUpdates live;
    /** Each device's state as the live clients last heard it, so a device going down with time alone is sent; read on ticks only. */
    private final java.util.Map<String, Estate.State> sentStates = new java.util.HashMap<>();

    public EstateApi(Vertx vertx, EstateStore store, Maths maths, Estate estate, CarbonPolicy carbon, ZoneId zone, Clock clock,
                     long pushIntervalMillis) {
        this.store = store;
        this.maths = maths;
        this.estate = estate;
        this.carbon = carbon;
        this.zone = zone;
        this.clock = clock;
        this.live = new LiveUpdates(vertx, pushIntervalMillis, this::statesChangedWithTime, this::liveSnapshot);
        estate.onUpdate(plan -> live.deviceChanged(plan.device().deviceId()));
    }

    /** Tells live clients something changed: after stored reports and after a reload from the store. */
    public void markChanged() {
        live.markChanged();
    }

    /** Tells live clients these devices changed: reports another collector stored, read back from the store. */
    void devicesChanged(java.util.Collection<String> deviceIds) {
        deviceIds.forEach(live::deviceChanged);
    }

    @Override
    public void mount(Router router, Function<Role, Handler<RoutingContext>> require) {
        router.get("/api/v1/devices*").handler(require.apply(Role.VIEWER));
        router.get("/api/v1/estate*").handler(require.apply(Role.VIEWER));
        router.get("/api/v1/events").handler(require.apply(Role.VIEWER));
        router.get("/api/v1/devices").handler(this::devices);
        router.get("/api/v1/devices/:id").handler(this::device);
        router.get("/api/v1/devices/:id/series").handler(this::deviceSeries);
        router.get("/api/v1/estate").handler(ctx -> summary().onComplete(r -> respond(ctx, r.succeeded() ? r.result() : null, r.cause())));
        router.get("/api/v1/estate/series").handler(this::estateSeries);
        router.get("/api/v1/events").handler(live::subscribe);
    }

    private void devices(RoutingContext ctx) {
        DeviceQuery query;
        try {
            query = DeviceQuery.parse(ctx.queryParams());
        } catch (IllegalArgumentException e) {
            error(ctx, 400, List.of(e.getMessage()));
            return;
        }
        Instant now = clock.instant();
        List<DeviceRow> rows = estate.rows();
        List<DeviceRow> matching = query.select(rows, estate, now);
        if (!query.paged()) {
            json(ctx, 200, devices(matching, estate, carbon, now));
            return;
        }
        JsonObject labels = new JsonObject();
        DeviceQuery.labelValues(rows).forEach((name, values) -> labels.put(name, new JsonArray(List.copyOf(values))));
        json(ctx, 200, new JsonObject().put("total", matching.size()).put("offset", query.offset()).put("limit", query.limit())
                .put("devices", devices(query.page(matching), estate, carbon, now)).put("labels", labels));
    }

    private void device(RoutingContext ctx) {
        DeviceRow row = estate.row(ctx.pathParam("id"));
        if (row == null) {
            error(ctx, 404, List.of("no device with id '" + ctx.pathParam("id") + "'"));
            return;
        }
        json(ctx, 200, device(row, estate, carbon, clock.instant(), true));
    }

    private void deviceSeries(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        if (estate.row(id) == null) {
            error(ctx, 404, List.of("no device with id '" + id + "'"));
            return;
        }
        withRange(ctx, (range, from, to) -> store.deviceSeries(id, from, to, range.step.toMillis(), range.fromRaw));
    }

    private void estateSeries(RoutingContext ctx) {
        withRange(ctx, (range, from, to) -> store.estateSeries(from, to, range.step.toMillis(), range.fromRaw));
    }

    private interface SeriesQuery {
        Future<List<EstateStore.SeriesPoint>> run(SeriesRange range, long fromMs, long toMs);
    }

    private void withRange(RoutingContext ctx, SeriesQuery query) {
        String label = ctx.queryParams().get("range") == null ? "1h" : ctx.queryParams().get("range");
        SeriesRange range = SeriesRange.of(label).orElse(null);
        if (range == null) {
            error(ctx, 400, List.of("range must be one of " + SeriesRange.labels() + ", got '" + label + "'"));
            return;
        }
        long step = range.step.toMillis();
        long to = (clock.millis() / step + 1) * step;
        long from = to - range.length.toMillis();
        query.run(range, from, to).map(points -> new JsonObject()
                        .put("range", range.label)
                        .put("from", Instant.ofEpochMilli(from).toString())
                        .put("to", Instant.ofEpochMilli(to).toString())
                        .put("step_seconds", step / 1000)
                        .put("source", range.fromRaw ? "samples" : "hourly rollups")
                        .put("points", series(points)))
                .onComplete(r -> respond(ctx, r.succeeded() ? r.result() : null, r.cause()));
    }

    private Future<JsonObject> summary() {
        Instant now = clock.instant();
        return EstateSummary.compute(store, estate, carbon, zone, now, maths).map(EstateApi::summary);
    }

    /** The devices whose state changed with time alone since the last tick: silent past their allowance, or their site's hours began or ended. */
    private List<String> statesChangedWithTime() {
        Instant now = clock.instant();
        List<String> ids = new java.util.ArrayList<>();
        for (DeviceRow row : estate.rows()) {
            Estate.State state = estate.state(row, now);
            Estate.State before = sentStates.put(row.deviceId(), state);
            if (before != null && before != state) {
                ids.add(row.deviceId());
            }
        }
        return ids;
    }

    /**
     * The live event: the summary and the rows of the devices that changed, at most {@link #MAX_LIVE_DEVICES};
     * beyond that {@code devices_truncated} tells clients to re-read what they show. The rows are read when
     * the summary is ready, just before sending, so an event is never older than a page served meanwhile.
     * Encoded once here for every client.
     */
    private Future<String> liveSnapshot(java.util.Collection<String> ids) {
        List<String> sent = ids.stream().limit(MAX_LIVE_DEVICES).toList();
        return summary().map(summary -> new JsonObject()
                .put("estate", summary)
                .put("devices", devices(sent.stream().map(estate::row).filter(java.util.Objects::nonNull).toList(), estate, carbon,
                        clock.instant()))
                .put("devices_truncated", ids.size() > MAX_LIVE_DEVICES).encode());
    }

    /** A device as the API shows it (docs/api.md): units in the names, times RFC 3339 UTC. */
    static JsonObject device(DeviceRow d, Estate estate, CarbonPolicy carbon, Instant now, boolean withInventory) {
        JsonObject availability = new JsonObject();
        Estate.WINDOWS.forEach((label, window) -> {
            var ratio = estate.availability(d, window, now);
            availability.put(label, ratio.isPresent() ? ratio.getAsDouble() : null);
        });
        JsonObject json = new JsonObject()
                .put("device_id", d.deviceId())
                .put("hostname", d.host().hostname())
                .put("os", d.host().os())
                .put("labels", labelsAsStored(d))
                .put("up", estate.isUp(d, now))
                .put("expected_off", estate.silenceExpected(d, now))
                .put("last_seen", Instant.ofEpochMilli(d.reporting().lastSeenMs()).toString())
                .put("first_seen", Instant.ofEpochMilli(d.reporting().firstSeenMs()).toString())
                .put("boot_time", Instant.ofEpochMilli(d.host().bootTimeMs()).toString())
                .put("uptime_seconds", Math.max(0, Duration.between(Instant.ofEpochMilli(d.host().bootTimeMs()),
                        Instant.ofEpochMilli(d.reporting().lastSeenMs())).toSeconds()))
                .put("report_interval_seconds", d.reporting().intervalMs() / 1000.0)
                .put("power_watts", d.power().watts())
                .put("power_source", d.power().source())
                .put("cpu_ratio", d.utilisation().cpuRatio())
                .put("memory_used_bytes", d.utilisation().memoryUsedBytes())
                .put("memory_total_bytes", d.utilisation().memoryTotalBytes())
                .put("sessions", d.host().sessions())
                .put("energy_joules_total", d.counted().energyJoulesTotal())
                .put("energy_kwh_total", Units.joulesToKwh(d.counted().energyJoulesTotal()))
                .put("carbon_grams_total", d.counted().carbonGramsTotal())
                .put("carbon_method", carbon.method(d.identity().site(), carbon.yearOf(now)))
                .put("availability_ratio", availability)
                .put("last_sequence", d.reporting().lastSequence())
                .put("agent", new JsonObject().put("version", d.agent().version()).put("cpu_ratio", d.agent().cpuRatio())
                        .put("rss_bytes", d.agent().rssBytes()).put("backlog_reports", d.agent().backlogReports())
                        .put("dropped_reports_total", d.agent().droppedReportsTotal()));
        if (withInventory) {
            json.put("inventory", d.inventory().json() == null ? null : new JsonObject(d.inventory().json()));
        }
        return json;
    }

    /** Every label, null when unset, so a client sees which labels a device lacks. */
    private static JsonObject labelsAsStored(DeviceRow d) {
        JsonObject labels = new JsonObject();
        DeviceRow.LABELS.forEach(name -> labels.put(name, d.label(name)));
        return labels;
    }

    static JsonArray devices(List<DeviceRow> rows, Estate estate, CarbonPolicy carbon, Instant now) {
        JsonArray array = new JsonArray();
        rows.forEach(r -> array.add(device(r, estate, carbon, now, false)));
        return array;
    }

    /** Energy, carbon and cost totals as every API shows them. */
    public static JsonObject totals(EnergyFootprint t) {
        return new JsonObject()
                .put("energy_kwh", Units.joulesToKwh(t.itJoules()))
                .put("carbon_kg", t.carbonGrams() / 1000.0)
                .put("overhead_energy_kwh", Units.joulesToKwh(t.overheadJoules()))
                .put("overhead_carbon_kg", t.overheadCarbonGrams() / 1000.0)
                .put("td_losses_carbon_kg", t.tdCarbonGrams() / 1000.0)
                .put("fallback_energy_kwh", Units.joulesToKwh(t.fallbackJoules()))
                .put("cost_gbp", t.costGbp());
    }

    static JsonArray series(List<EstateStore.SeriesPoint> points) {
        JsonArray array = new JsonArray();
        for (EstateStore.SeriesPoint p : points) {
            array.add(new JsonObject()
                    .put("time", Instant.ofEpochMilli(p.bucketStartMs()).toString())
                    .put("power_watts", p.powerWatts())
                    .put("cpu_ratio", p.cpuRatio())
                    .put("energy_joules", p.energyJoules()));
        }
        return array;
    }

    private static JsonObject summary(EstateSummary s) {
        return new JsonObject()
                .put("time", s.time().toString())
                .put("time_zone", s.zone().getId())
                .put("power_watts", s.powerWatts())
                .put("devices", new JsonObject().put("total", s.devices()).put("up", s.states().getOrDefault(Estate.State.UP, 0L))
                        .put("down", s.states().getOrDefault(Estate.State.DOWN, 0L))
                        .put("expected_off", s.states().getOrDefault(Estate.State.EXPECTED_OFF, 0L)))
                .put("availability_24h_ratio", s.availability24h().isPresent() ? s.availability24h().getAsDouble() : null)
                .put("today", period(s.today()))
                .put("month", period(s.month()))
                .put("year", period(s.year()))
                .put("carbon_method", s.carbonMethod());
    }

    /** A period's totals with their data quality: the share of the energy measured, modelled, imported and unknown. */
    private static JsonObject period(EnergyFootprint t) {
        double total = t.itJoules();
        JsonObject quality = new JsonObject();
        for (Map.Entry<String, Double> e : Map.of("measured", t.measuredJoules(), "modelled", t.modelledJoules(), "imported",
                t.importedJoules(), "unknown", t.unknownJoules()).entrySet()) {
            quality.put(e.getKey() + "_ratio", total > 0 ? e.getValue() / total : null);
        }
        return totals(t).put("data_quality", quality);
    }
}
