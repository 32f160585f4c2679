package io.kilowatch.collector.estate;

import io.kilowatch.collector.feature.Maths;
import io.kilowatch.core.carbon.CarbonPolicy;
import io.kilowatch.core.carbon.EnergyFootprint;
import io.vertx.core.Future;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The overview: power now, devices by state, the mean 24-hour availability, energy and carbon for today, this month
 * and this year.
 */
record EstateSummary(Instant time, ZoneId zone, double powerWatts, int devices, Map<Estate.State, Long> states, OptionalDouble availability24h,
                     EnergyFootprint today, EnergyFootprint month, EnergyFootprint year, String carbonMethod) {

    /** Reads the day rollups' totals, then counts the devices with {@code maths}. */
    static Future<EstateSummary> compute(EstateStore store, Estate estate, CarbonPolicy carbon, ZoneId zone, Instant now, Maths maths) {
        LocalDate today = now.atZone(zone).toLocalDate();
        long end = today.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
        long dayStart = today.atStartOfDay(zone).toInstant().toEpochMilli();
        long monthStart = today.withDayOfMonth(1).atStartOfDay(zone).toInstant().toEpochMilli();
        long yearStart = today.withDayOfYear(1).atStartOfDay(zone).toInstant().toEpochMilli();
        Future<EnergyFootprint> day = store.totals("day", dayStart, end);
        Future<EnergyFootprint> month = store.totals("day", monthStart, end);
        Future<EnergyFootprint> year = store.totals("day", yearStart, end);
        return Future.all(day, month, year).compose(read -> maths.run(() -> of(estate, carbon, zone, now, day.result(), month.result(),
                year.result())));
    }

    private static EstateSummary of(Estate estate, CarbonPolicy carbon, ZoneId zone, Instant now, EnergyFootprint today, EnergyFootprint month,
                                    EnergyFootprint year) {
        List<DeviceRow> rows = estate.rows();
        Map<Estate.State, Long> states = new EnumMap<>(Estate.State.class);
        double watts = 0;
        for (DeviceRow r : rows) {
            Estate.State state = estate.state(r, now);
            states.merge(state, 1L, Long::sum);
            watts += state == Estate.State.UP ? r.power().watts() : 0;
        }
        OptionalDouble availability = rows.stream()
                .map(r -> estate.availability(r, Estate.WINDOWS.get("24h"), now))
                .filter(OptionalDouble::isPresent).mapToDouble(OptionalDouble::getAsDouble).average();
        return new EstateSummary(now, zone, watts, rows.size(), states, availability, today, month, year,
                carbon.method(null, carbon.yearOf(now)) + " (offices); per-site PUE and factors where configured");
    }
}
