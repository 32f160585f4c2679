package io.kilowatch.collector.estate;

import io.kilowatch.collector.estate.DeviceRow;
import io.kilowatch.collector.estate.Estate;
import io.kilowatch.collector.estate.EstateStore;
import io.kilowatch.core.carbon.CarbonPolicy;
import io.kilowatch.core.carbon.EnergyFootprint;
import io.kilowatch.core.energy.Units;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The JSON shapes of the REST API (docs/api.md). Units are in the names; times are RFC 3339 UTC.
 */
public final class Views {
    private Views() {
    }

    static JsonObject device(DeviceRow d, Estate estate, CarbonPolicy carbon, Instant now, boolean withInventory) {
        JsonObject availability = new JsonObject();
        Estate.WINDOWS.forEach((label, window) -> {
            var ratio = estate.availability(d, window, now);
            availability.put(label, ratio.isPresent() ? ratio.getAsDouble() : null);
        });
        JsonObject json = new JsonObject()
                .put("device_id", d.deviceId())
                .put("hostname", d.hostname())
                .put("os", d.os())
                .put("labels", new JsonObject().put("org", d.org()).put("site", d.site())
                        .put("department", d.department()).put("class", d.deviceClass()))
                .put("up", estate.isUp(d, now))
                .put("expected_off", estate.silenceExpected(d, now))
                .put("last_seen", Instant.ofEpochMilli(d.lastSeenMs()).toString())
                .put("first_seen", Instant.ofEpochMilli(d.firstSeenMs()).toString())
                .put("boot_time", Instant.ofEpochMilli(d.bootTimeMs()).toString())
                .put("uptime_seconds", Math.max(0, Duration.between(Instant.ofEpochMilli(d.bootTimeMs()), Instant.ofEpochMilli(d.lastSeenMs())).toSeconds()))
                .put("report_interval_seconds", d.intervalMs() / 1000.0)
                .put("power_watts", d.powerWatts())
                .put("power_source", d.powerSource())
                .put("cpu_ratio", d.cpuRatio())
                .put("memory_used_bytes", d.memoryUsedBytes())
                .put("memory_total_bytes", d.memoryTotalBytes())
                .put("sessions", d.sessions())
                .put("energy_joules_total", d.energyJoulesTotal())
                .put("energy_kwh_total", Units.joulesToKwh(d.energyJoulesTotal()))
                .put("carbon_grams_total", d.carbonGramsTotal())
                .put("carbon_method", carbon.method(d.site(), carbon.yearOf(now)))
                .put("availability_ratio", availability)
                .put("last_sequence", d.lastSequence())
                .put("agent", new JsonObject().put("version", d.agentVersion()).put("cpu_ratio", d.agentCpuRatio())
                        .put("rss_bytes", d.agentRssBytes()).put("backlog_reports", d.agentBacklogReports())
                        .put("dropped_reports_total", d.agentDroppedReportsTotal()));
        if (withInventory) {
            json.put("inventory", d.inventoryJson() == null ? null : new JsonObject(d.inventoryJson()));
        }
        return json;
    }

    static JsonArray devices(List<DeviceRow> rows, Estate estate, CarbonPolicy carbon, Instant now) {
        JsonArray array = new JsonArray();
        rows.forEach(r -> array.add(device(r, estate, carbon, now, false)));
        return array;
    }

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
}
