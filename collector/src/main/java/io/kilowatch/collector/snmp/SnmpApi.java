package io.kilowatch.collector.snmp;

import io.kilowatch.collector.events.DeviceEvent;
import io.kilowatch.collector.events.DeviceEvents;
import io.kilowatch.collector.http.ApiModule;
import io.kilowatch.collector.http.Responses;
import io.kilowatch.collector.security.Role;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/** {@code /api/v1/snmp/...}: targets with what each profile read, discovered devices, and the device events API (docs/api.md). */
public final class SnmpApi implements ApiModule {
    private static final Pattern KIND = Pattern.compile("[a-z][a-z0-9_]{0,31}");

    private final SnmpService snmp;
    private final DeviceEvents events;
    private final Clock clock;

    public SnmpApi(SnmpService snmp, DeviceEvents events, Clock clock) {
        this.snmp = snmp;
        this.events = events;
        this.clock = clock;
    }

    @Override
    public void mount(Router router, Function<Role, Handler<RoutingContext>> require) {
        router.get("/api/v1/events/devices").handler(require.apply(Role.VIEWER)).handler(this::listEvents);
        router.get("/api/v1/snmp/*").handler(require.apply(Role.VIEWER));
        router.post("/api/v1/snmp/*").handler(require.apply(Role.ADMIN));
        router.get("/api/v1/snmp/targets").handler(this::listTargets);
        router.get("/api/v1/snmp/discovered").handler(ctx -> Responses.json(ctx, 200, new JsonObject()
                .put("discovered", discovered(snmp.discovery()))));
        router.post("/api/v1/snmp/discovered/:address/accept").handler(this::accept);
    }

    private void listEvents(RoutingContext ctx) {
        String device = ctx.queryParams().get("device");
        String kind = ctx.queryParams().get("kind");
        List<String> problems = new ArrayList<>();
        if (kind != null && !KIND.matcher(kind).matches()) {
            problems.add("kind must be snake_case, such as link_down");
        }
        int limit = 100;
        Instant since = clock.instant().minus(Duration.ofDays(7));
        try {
            if (ctx.queryParams().get("limit") != null) {
                limit = Integer.parseInt(ctx.queryParams().get("limit"));
                if (limit < 1 || limit > 1000) {
                    problems.add("limit must be 1..1000");
                }
            }
            if (ctx.queryParams().get("since") != null) {
                since = Instant.parse(ctx.queryParams().get("since"));
            }
        } catch (NumberFormatException | java.time.format.DateTimeParseException e) {
            problems.add("limit is a whole number and since an ISO-8601 instant such as 2026-03-01T00:00:00Z");
        }
        if (!problems.isEmpty()) {
            Responses.error(ctx, 400, problems);
            return;
        }
        Responses.onStore(ctx, events.recent(device, kind, since, limit), Responses.STORE_UNREADABLE).onSuccess(recent -> {
            JsonArray out = new JsonArray();
            recent.forEach(e -> out.add(eventJson(e)));
            Responses.json(ctx, 200, new JsonObject().put("events", out));
        });
    }

    static JsonObject eventJson(DeviceEvent e) {
        return new JsonObject().put("id", e.id()).put("device_id", e.deviceId()).put("time", e.time().toString())
                .put("kind", e.kind()).put("severity", e.severity()).put("source", e.source()).put("message", e.message());
    }

    private void listTargets(RoutingContext ctx) {
        JsonArray out = new JsonArray();
        // ?device= asks for one target only: a device page needs its own, not every target's readings
        String device = ctx.queryParams().get("device");
        if (snmp.poller() != null) {
            snmp.poller().status().stream().filter(s -> device == null || device.equals(s.deviceId())).forEach(s -> out.add(new JsonObject().put("device_id", s.deviceId()).put("address", s.address())
                    .put("port", s.port()).put("auth", s.auth()).put("sys_object_id", s.sysObjectId())
                    .put("profile", s.powerFrom() != null ? s.powerFrom() : s.profiles().isEmpty() ? null : s.profiles().get(0))
                    .put("profiles", profilesJson(s)).put("power_from", s.powerFrom() == null && !s.profiles().isEmpty() ? "model" : s.powerFrom())
                    .put("last_poll", s.lastPoll() == null ? null : s.lastPoll().toString())
                    .put("last_poll_seconds", s.lastPollSeconds()).put("last_poll_succeeded", s.lastPollSucceeded())
                    .put("consecutive_failures", s.consecutiveFailures()).put("last_error", s.lastError())
                    .put("polled_here", s.polledHere())));
        }
        Responses.json(ctx, 200, new JsonObject().put("enabled", snmp.config().enabled()).put("targets", out));
    }

    /** Each matched profile with what it read: its figures for Kilowatch and every value by metric and row. */
    private static JsonArray profilesJson(SnmpPoller.Status s) {
        JsonArray out = new JsonArray();
        for (String name : s.profiles()) {
            io.kilowatch.core.snmp.ProfileReading r = s.readings().get(name);
            JsonObject read = new JsonObject();
            if (r != null) {
                r.samples().forEach(sample -> read.put(sample.metric() + (sample.index().isEmpty() ? "" : "." + sample.index()), sample.value()));
            }
            out.add(new JsonObject().put("name", name).put("power_watts", r == null ? null : r.powerWatts())
                    .put("delivered_watts", r == null ? null : r.addedWatts()).put("outlets_watts", r == null ? null : r.outletsWatts())
                    .put("energy_kwh_total", r == null ? null : r.energyKwhTotal())
                    .put("read", read));
        }
        return out;
    }

    private void accept(RoutingContext ctx) {
        if (snmp.discovery() == null) {
            Responses.error(ctx, 404, List.of("discovery is off (snmp.discovery.cidr)"));
            return;
        }
        Responses.onStore(ctx, snmp.discovery().accept(ctx.pathParam("address")), "the store is unavailable; nothing was accepted; try again")
                .onSuccess(accepted -> {
            if (accepted.error() != null) {
                Responses.error(ctx, accepted.status(), List.of(accepted.error()));
            } else {
                Responses.json(ctx, 200, new JsonObject().put("device_id", accepted.deviceId()).put("status", "accepted"));
            }
        });
    }

    private static JsonArray discovered(Discovery discovery) {
        JsonArray out = new JsonArray();
        if (discovery != null) {
            discovery.found().forEach(f -> out.add(new JsonObject().put("address", f.address()).put("device_id", f.deviceId())
                    .put("sys_name", f.sysName()).put("sys_object_id", f.sysObjectId()).put("sys_descr", f.sysDescr())
                    .put("first_seen", f.firstSeen().toString()).put("last_seen", f.lastSeen().toString())
                    .put("state", f.accepted() == null ? "pending" : "accepted")
                    .put("accepted", f.accepted() == null ? null : f.accepted().toString())));
        }
        return out;
    }
}
