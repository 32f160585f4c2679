package io.kilowatch.core.carbon;

import io.kilowatch.core.service.Span;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Carbon-aware scheduling: the lowest-carbon start for a job of known power and duration, among the
 * starts its allowed hours and deadline permit, from a half-hourly intensity forecast (NESO's 48-hour
 * regional forecast). Starts are the beginning of each allowed stretch and every UTC half-hour after it,
 * because the forecast changes only at half-hours. A slot's carbon is the job's energy in each half-hour
 * it overlaps times that half-hour's intensity. Where no start is covered by the forecast the plan falls
 * back to the annual factor, under which every start costs the same, and says so.
 */
public final class CarbonWindows {
    private static final long HALF_HOUR_MS = IntensitySeries.HALF_HOUR.toMillis();

    private CarbonWindows() {
    }

    /**
     * @param allowed stretches the job may run in (e.g. a service's maintenance windows); it must fit
     *     wholly in one of them, start at or after {@code earliest} and end by {@code deadline}
     * @param defaultStart when it would run if not moved (now, or its usual time), to compare against
     */
    public record Job(String name, Duration duration, double watts, List<Span> allowed, Instant earliest, Instant deadline,
                      Instant defaultStart) {
        public Job {
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("job " + name + " needs a positive duration");
            }
            if (!(watts >= 0) || Double.isInfinite(watts)) {
                throw new IllegalArgumentException("job " + name + " needs a power of 0 W or more, got " + watts);
            }
            allowed = Span.normalise(allowed);
        }

        public double kwh() {
            return watts * duration.toMillis() / 3_600_000.0 / 1000.0;
        }
    }

    /**
     * One way to run the job.
     *
     * @param grams its operational carbon, gCO2e
     * @param forecastCovered every half-hour it overlaps has a half-hourly value
     */
    public record Slot(Instant start, Instant end, double grams, boolean forecastCovered) {
        /** Mean intensity over the slot, gCO2e per kWh (NaN for a job of no energy). */
        public double meanGramsPerKwh(Job job) {
            return grams / job.kwh();
        }
    }

    /**
     * @param best the lowest-carbon start (ties: the earliest), or empty when no start fits
     * @param atDefault the job run at its default start
     * @param forecast whether the choice was made on the half-hourly forecast (false: annual factor only)
     * @param basis what the figures rest on, in words
     */
    public record Plan(Job job, Optional<Slot> best, Slot atDefault, boolean forecast, String basis) {
        /** Carbon saved by running at the best start instead of the default, gCO2e (0 without a forecast or a start). */
        public double savingGrams() {
            return best.map(b -> atDefault.grams() - b.grams()).orElse(0.0);
        }
    }

    /**
     * @param annualGramsPerKwh the annual factor where no half-hourly value covers a half-hour
     * @param region how the series' region reads, for the basis
     */
    public static Plan plan(Job job, IntensitySeries series, double annualGramsPerKwh, String region) {
        List<Instant> starts = starts(job);
        Slot best = null;
        for (Instant start : starts) {
            Slot s = slot(job, start, series, annualGramsPerKwh);
            if (s.forecastCovered() && (best == null || s.grams() < best.grams())) {
                best = s;
            }
        }
        Slot atDefault = slot(job, job.defaultStart(), series, annualGramsPerKwh);
        String annual = String.format(java.util.Locale.ROOT, "annual factor %.1f gCO2e/kWh", annualGramsPerKwh);
        if (best != null) {
            return new Plan(job, Optional.of(best), atDefault, true, "half-hourly forecast for " + region
                    + (atDefault.forecastCovered() ? "" : "; the default start is partly past the forecast, taken at the " + annual));
        }
        if (starts.isEmpty()) {
            return new Plan(job, Optional.empty(), atDefault, false, "no allowed start lets the job finish by its deadline");
        }
        Slot first = slot(job, starts.get(0), series, annualGramsPerKwh);
        return new Plan(job, Optional.of(new Slot(first.start(), first.end(), atDefault.grams(), false)), atDefault, false,
                "no half-hourly forecast for " + region + " covers a start: " + annual + ", so every start costs the same "
                        + "and the earliest allowed one is shown");
    }

    /** Every start the job's allowed stretches, earliest time and deadline permit, in time order. */
    static List<Instant> starts(Job job) {
        List<Instant> starts = new ArrayList<>();
        long duration = job.duration().toMillis();
        long earliest = job.earliest().toEpochMilli();
        long deadline = job.deadline().toEpochMilli();
        for (Span a : job.allowed()) {
            long from = Math.max(a.startMs(), earliest);
            long lastStart = Math.min(a.endMs(), deadline) - duration;
            for (long t = from; t <= lastStart; t = nextHalfHour(t)) {
                starts.add(Instant.ofEpochMilli(t));
            }
        }
        return starts;
    }

    private static long nextHalfHour(long t) {
        return Math.floorDiv(t, HALF_HOUR_MS) * HALF_HOUR_MS + HALF_HOUR_MS;
    }

    /** The job run from {@code start}: its energy in each half-hour it overlaps at that half-hour's intensity. */
    public static Slot slot(Job job, Instant start, IntensitySeries series, double annualGramsPerKwh) {
        long s = start.toEpochMilli();
        long e = s + job.duration().toMillis();
        double kwhPerMs = job.kwh() / (e - s);
        double grams = 0;
        boolean covered = true;
        for (long t = s; t < e; ) {
            long next = Math.min(nextHalfHour(t), e);
            Optional<IntensitySeries.Point> p = series.at(Instant.ofEpochMilli(t));
            covered &= p.isPresent();
            grams += (next - t) * kwhPerMs * p.map(IntensitySeries.Point::gramsPerKwh).orElse(annualGramsPerKwh);
            t = next;
        }
        return new Slot(start, Instant.ofEpochMilli(e), grams, covered);
    }
}
