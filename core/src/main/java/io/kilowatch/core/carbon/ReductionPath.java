package io.kilowatch.core.carbon;

import java.time.LocalDate;
import java.time.YearMonth;
import java.util.Map;
import java.util.NavigableMap;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * A carbon-reduction target against a baseline year, as public-sector plans set them: an annual reduction
 * (compounding: year n's target is baseline x (1 - r)^n) and milestones (e.g. 20 % below baseline by 2030,
 * 30 % by 2035). Between milestones the required cut grows in a straight line from the baseline year's 0 %;
 * after the last it holds. A year's target is the stricter of the two paths, so the plan meets both.
 *
 * @param milestoneReductions year to fraction below baseline (0.20 for -20 %)
 */
public record ReductionPath(int baselineYear, double baselineKg, double annualReduction, NavigableMap<Integer, Double> milestoneReductions) {
    /** Days before today used for the run rate in {@link #projectYearEnd}. */
    public static final int RUN_RATE_DAYS = 28;

    public ReductionPath {
        if (!(baselineKg >= 0) || Double.isInfinite(baselineKg)) {
            throw new IllegalArgumentException("baseline must be a finite number >= 0 kgCO2e: " + baselineKg);
        }
        if (!(annualReduction >= 0 && annualReduction < 1)) {
            throw new IllegalArgumentException("annual reduction must be 0 to under 100 %: " + annualReduction);
        }
        for (Map.Entry<Integer, Double> m : milestoneReductions.entrySet()) {
            if (m.getKey() <= baselineYear) {
                throw new IllegalArgumentException("milestone year " + m.getKey() + " must be after the baseline year " + baselineYear);
            }
            if (!(m.getValue() >= 0 && m.getValue() <= 1)) {
                throw new IllegalArgumentException("milestone " + m.getKey() + " must be 0..100 %: " + m.getValue());
            }
        }
        milestoneReductions = new TreeMap<>(milestoneReductions);
    }

    /** The year's target, kgCO2e. Years up to the baseline year have the baseline as target. */
    public double targetKg(int year) {
        if (year <= baselineYear) {
            return baselineKg;
        }
        double annual = baselineKg * Math.pow(1 - annualReduction, year - baselineYear);
        return Math.min(annual, baselineKg * (1 - milestoneReduction(year)));
    }

    /** The cut the milestones require by a year, interpolated from 0 at the baseline year. */
    double milestoneReduction(int year) {
        if (milestoneReductions.isEmpty()) {
            return 0;
        }
        Map.Entry<Integer, Double> after = milestoneReductions.ceilingEntry(year);
        if (after == null) {
            return milestoneReductions.lastEntry().getValue();
        }
        Map.Entry<Integer, Double> before = milestoneReductions.lowerEntry(year);
        int fromYear = before == null ? baselineYear : before.getKey();
        double fromCut = before == null ? 0 : before.getValue();
        return fromCut + (after.getValue() - fromCut) * (year - fromYear) / (after.getKey() - fromYear);
    }

    /** A month's share of its year's target, by days: a 31-day month of a 365-day year gets 31/365. */
    public double targetKg(YearMonth month) {
        return targetKg(month.getYear()) * month.lengthOfMonth() / month.lengthOfYear();
    }

    /**
     * Projected year-end total: the days of the year completed before {@code today} as measured, and every
     * day from today to 31 December at the run rate (the mean of the last {@value #RUN_RATE_DAYS} completed
     * days, or of all completed days if fewer). Empty on 1 January, when no day is complete.
     *
     * @param dailyKg measured kgCO2e per local day of that year (days missing count as 0)
     */
    public static OptionalDouble projectYearEnd(LocalDate today, Map<LocalDate, Double> dailyKg) {
        LocalDate first = today.withDayOfYear(1);
        int completed = today.getDayOfYear() - 1;
        if (completed == 0) {
            return OptionalDouble.empty();
        }
        double toDate = 0;
        double recent = 0;
        int window = Math.min(RUN_RATE_DAYS, completed);
        for (LocalDate d = first; d.isBefore(today); d = d.plusDays(1)) {
            double kg = dailyKg.getOrDefault(d, 0.0);
            toDate += kg;
            if (!d.isBefore(today.minusDays(window))) {
                recent += kg;
            }
        }
        int remaining = today.lengthOfYear() - completed;
        return OptionalDouble.of(toDate + recent / window * remaining);
    }
}
