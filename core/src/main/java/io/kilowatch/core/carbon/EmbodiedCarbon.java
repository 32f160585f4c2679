package io.kilowatch.core.carbon;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * Embodied carbon amortised in a straight line over a device's expected life, as the GHG Protocol's
 * depreciation approach and SCI's M = TE x (time reserved / expected life) do: a device bought on
 * {@code inService} with {@code kgco2e} and a life of L years is charged kgco2e x (overlap of the period
 * with [inService, inService + L years)) / (length of that life). After its life nothing more is charged.
 */
public final class EmbodiedCarbon {
    private EmbodiedCarbon() {
    }

    /** Grams charged to [from, to) for one device. */
    public static double gramsIn(double kgco2e, LocalDate inService, int lifeYears, Instant from, Instant to, ZoneId zone) {
        if (!(kgco2e >= 0) || lifeYears < 1) {
            throw new IllegalArgumentException("embodied carbon must be >= 0 and life >= 1 year");
        }
        Instant start = inService.atStartOfDay(zone).toInstant();
        Instant end = inService.plusYears(lifeYears).atStartOfDay(zone).toInstant();
        Instant a = from.isAfter(start) ? from : start;
        Instant b = to.isBefore(end) ? to : end;
        if (!b.isAfter(a)) {
            return 0;
        }
        return kgco2e * 1000 * Duration.between(a, b).toMillis() / Duration.between(start, end).toMillis();
    }

    /** Whether the device is past its expected life at {@code at}: its embodied carbon is fully charged. */
    public static boolean fullyAmortised(LocalDate inService, int lifeYears, Instant at, ZoneId zone) {
        return !at.isBefore(inService.plusYears(lifeYears).atStartOfDay(zone).toInstant());
    }

    /**
     * What-if: the annual embodied charge saved per device by keeping devices one year longer across the
     * estate's replacement cycle: kgco2e/L - kgco2e/(L+1), in kg a year.
     */
    public static double annualKgSavedByOneMoreYear(double kgco2e, int lifeYears) {
        return kgco2e / lifeYears - kgco2e / (lifeYears + 1);
    }
}
