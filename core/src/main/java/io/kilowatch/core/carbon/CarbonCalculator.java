package io.kilowatch.core.carbon;

import io.kilowatch.core.energy.Units;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Location-based operational carbon, T&D losses, PUE overhead and cost of the energy a device used over
 * an interval. Energy is taken as spread evenly over the interval and split wherever a factor can
 * change: at half-hours (each takes its half-hourly intensity, or else the annual factor of its year,
 * counted as fallback), at new year in the collector's zone (DESNZ: use the factor set of the year the
 * energy was used), and at the tariff's band edges.
 */
public final class CarbonCalculator {
    private final ZoneId zone;

    public CarbonCalculator(ZoneId zone) {
        this.zone = zone;
    }

    /**
     * @param series the site region's half-hourly intensity, or null to use annual factors only
     */
    public EnergyFootprint footprint(double joules, Instant from, Instant to, SiteCarbon site, IntensitySeries series) {
        if (!(joules >= 0) || Double.isInfinite(joules)) {
            throw new IllegalArgumentException("energy must be finite and >= 0 joules: " + joules);
        }
        Accumulator sum = new Accumulator(site, series);
        if (!to.isAfter(from)) {
            sum.add(joules, to, yearOf(to));
            return sum.result();
        }
        double totalNanos = Duration.between(from, to).toNanos();
        Instant cursor = from;
        // The year and its end are worked out once per year, not per half-hour: a day's off energy is 48 pieces, and a
        // carbon report charges thousands of group-days (bench/carbon-report.sh).
        Instant yearEnd = nextYear(cursor);
        int year = yearOf(cursor);
        while (cursor.isBefore(to)) {
            if (!cursor.isBefore(yearEnd)) {
                yearEnd = nextYear(cursor);
                year = yearOf(cursor);
            }
            Instant end = earliest(to, yearEnd, series == null ? null : IntensitySeries.halfHourOf(cursor).plus(IntensitySeries.HALF_HOUR),
                    site.tariff() == null ? null : site.tariff().nextChangeAfter(cursor));
            sum.add(joules * (Duration.between(cursor, end).toNanos() / totalNanos), cursor, year);
            cursor = end;
        }
        return sum.result();
    }

    /**
     * Generation carbon (overhead included) of energy by annual factors only: for a program that knows no
     * half-hourly intensity, T&D losses or tariff (the agent's own counter).
     */
    public double grams(double joules, Instant from, Instant to, AnnualGridFactors factors, double pue) {
        return footprint(joules, from, to, new SiteCarbon(factors, null, null, pue, null), null).carbonGrams();
    }

    private static Instant earliest(Instant first, Instant... others) {
        Instant min = first;
        for (Instant t : others) {
            if (t != null && t.isBefore(min)) {
                min = t;
            }
        }
        return min;
    }

    private Instant nextYear(Instant t) {
        return t.atZone(zone).toLocalDate().withDayOfYear(1).plusYears(1).atStartOfDay(zone).toInstant();
    }

    public int yearOf(Instant instant) {
        return instant.atZone(zone).getYear();
    }

    /** Sums the pieces of one interval; each piece lies in one half-hour, one year and one tariff band. */
    private final class Accumulator {
        private final SiteCarbon site;
        private final IntensitySeries series;
        private final Set<String> sources = new LinkedHashSet<>();
        private double it;
        private double carbon;
        private double td;
        private double fallback;
        private double cost;
        /** The annual factors of the year of the last piece and their sources, looked up once per year rather than per piece. */
        private int factorsYear = Integer.MIN_VALUE;
        private double annualGramsPerKwh;
        private String fallbackSource;
        private double tdGramsPerKwh;
        private String tdSource;

        Accumulator(SiteCarbon site, IntensitySeries series) {
            this.site = site;
            this.series = series;
        }

        /** A piece of energy used at {@code at}, in {@code year} (the collector's zone). */
        void add(double joules, Instant at, int year) {
            double kwh = Units.joulesToKwh(joules);
            if (year != factorsYear) {
                factorsYear = year;
                annualGramsPerKwh = site.factors().gramsPerKwh(year);
                fallbackSource = site.factors().source(year) + (series == null ? "" : " (fallback: no half-hourly intensity)");
                if (site.tdLosses() != null) {
                    tdGramsPerKwh = site.tdLosses().gramsPerKwh(year);
                    tdSource = site.tdLosses().source(year);
                }
            }
            Optional<IntensitySeries.Point> half = series == null ? Optional.empty() : series.at(at);
            double grams;
            if (half.isPresent()) {
                grams = half.get().gramsPerKwh();
                sources.add(half.get().source());
            } else {
                grams = annualGramsPerKwh;
                sources.add(fallbackSource);
                fallback += joules;
            }
            if (site.tdLosses() != null) {
                td += kwh * site.pue() * tdGramsPerKwh;
                sources.add(tdSource);
            }
            if (site.tariff() != null) {
                cost += kwh * site.pue() * site.tariff().gbpPerKwhAt(at);
                sources.add(site.tariff().description());
            }
            it += joules;
            carbon += kwh * site.pue() * grams;
        }

        EnergyFootprint result() {
            double overheadShare = (site.pue() - 1) / site.pue();
            return new EnergyFootprint(it, it * (site.pue() - 1), carbon, carbon * overheadShare, td, fallback, cost,
                    new ArrayList<>(sources));
        }
    }
}
