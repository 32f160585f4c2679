package io.kilowatch.core.carbon;

import io.kilowatch.core.energy.Units;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * Location-based operational carbon of the energy a device used over an interval:
 * gCO2e = kWh x grid intensity of the year the energy was used x site PUE.
 * An interval that crosses a year boundary is split in proportion to time, so each part gets its
 * year's factor. PUE scales IT energy up to the facility energy that hosts it (1.0 for offices).
 */
public final class CarbonCalculator {
    private final ZoneId zone;

    public CarbonCalculator(ZoneId zone) {
        this.zone = zone;
    }

    public double grams(double joules, Instant from, Instant to, AnnualGridFactors factors, double pue) {
        if (!(joules >= 0) || Double.isInfinite(joules)) {
            throw new IllegalArgumentException("energy must be finite and >= 0 joules: " + joules);
        }
        if (!(pue >= 1.0) || pue > 10) {
            throw new IllegalArgumentException("PUE must be between 1.0 and 10: " + pue);
        }
        double kwh = Units.joulesToKwh(joules);
        if (!to.isAfter(from)) {
            return kwh * factors.gramsPerKwh(yearOf(to)) * pue;
        }
        double totalNanos = Duration.between(from, to).toNanos();
        double grams = 0;
        Instant cursor = from;
        while (cursor.isBefore(to)) {
            ZonedDateTime local = cursor.atZone(zone);
            Instant yearEnd = local.withDayOfYear(1).toLocalDate().plusYears(1).atStartOfDay(zone).toInstant();
            Instant partEnd = yearEnd.isBefore(to) ? yearEnd : to;
            double share = Duration.between(cursor, partEnd).toNanos() / totalNanos;
            grams += kwh * share * factors.gramsPerKwh(local.getYear());
            cursor = partEnd;
        }
        return grams * pue;
    }

    public int yearOf(Instant instant) {
        return instant.atZone(zone).getYear();
    }
}
