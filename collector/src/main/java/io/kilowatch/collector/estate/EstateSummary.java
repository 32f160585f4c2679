package io.kilowatch.collector.estate;


import io.kilowatch.collector.estate.DeviceRow;
import io.kilowatch.collector.estate.Estate;
import io.kilowatch.collector.estate.EstateStore;
import io.kilowatch.core.carbon.CarbonPolicy;
import io.kilowatch.core.carbon.EnergyFootprint;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/** The overview: power now, devices up, down and expected off, energy and carbon for today, this month and this year. */
final class EstateSummary {
    private EstateSummary() {
    }

    /** Runs on the store's worker: it reads day rollups. */
    static JsonObject compute(EstateStore store, Estate estate, CarbonPolicy carbon, ZoneId zone, Instant now) {
        List<DeviceRow> rows = estate.rows();
        Map<Estate.State, Long> states = new EnumMap<>(Estate.State.class);
        double watts = 0;
        for (DeviceRow r : rows) {
            Estate.State state = estate.state(r, now);
            states.merge(state, 1L, Long::sum);
            watts += state == Estate.State.UP ? r.powerWatts() : 0;
        }
        OptionalDouble availability = rows.stream()
                .map(r -> estate.availability(r, Estate.WINDOWS.get("24h"), now))
                .filter(OptionalDouble::isPresent).mapToDouble(OptionalDouble::getAsDouble).average();

        LocalDate today = now.atZone(zone).toLocalDate();
        long end = today.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
        long dayStart = today.atStartOfDay(zone).toInstant().toEpochMilli();
        long monthStart = today.withDayOfMonth(1).atStartOfDay(zone).toInstant().toEpochMilli();
        long yearStart = today.withDayOfYear(1).atStartOfDay(zone).toInstant().toEpochMilli();
        return new JsonObject()
                .put("time", now.toString())
                .put("time_zone", zone.getId())
                .put("power_watts", watts)
                .put("devices", new JsonObject().put("total", rows.size()).put("up", states.getOrDefault(Estate.State.UP, 0L))
                        .put("down", states.getOrDefault(Estate.State.DOWN, 0L))
                        .put("expected_off", states.getOrDefault(Estate.State.EXPECTED_OFF, 0L)))
                .put("availability_24h_ratio", availability.isPresent() ? availability.getAsDouble() : null)
                .put("today", period(store, dayStart, end))
                .put("month", period(store, monthStart, end))
                .put("year", period(store, yearStart, end))
                .put("carbon_method", carbon.method(null, carbon.yearOf(now)) + " (offices); per-site PUE and factors where configured");
    }

    /** A period's totals with their data quality: the share of the energy measured, modelled, imported and unknown. */
    private static JsonObject period(EstateStore store, long fromMs, long toMs) {
        EnergyFootprint t = store.totals("day", fromMs, toMs);
        double total = t.itJoules();
        JsonObject quality = new JsonObject();
        for (Map.Entry<String, Double> e : Map.of("measured", t.measuredJoules(), "modelled", t.modelledJoules(), "imported",
                t.importedJoules(), "unknown", t.unknownJoules()).entrySet()) {
            quality.put(e.getKey() + "_ratio", total > 0 ? e.getValue() / total : null);
        }
        return Views.totals(t).put("data_quality", quality);
    }
}
