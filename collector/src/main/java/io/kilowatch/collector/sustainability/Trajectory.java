package io.kilowatch.collector.sustainability;

import io.kilowatch.core.carbon.EnergyFootprint;
import io.kilowatch.core.carbon.ReductionPath;
import io.kilowatch.core.carbon.report.CarbonReport;
import io.kilowatch.core.carbon.report.ReportFigures;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.ToDoubleFunction;

/**
 * Actual carbon beside the reduction path, per year from the baseline and per month of one year, estate-wide
 * or for one organisation (its own devices plus its share of shared services), with the projected year-end
 * and met/missed. What counts is operational carbon (scope 2 generation with PUE overhead, and scope 3
 * T&D), plus embodied if the target includes it.
 */
final class Trajectory {
    /** A target's figures for one scope of the estate: the path and the actuals it is judged on. */
    /** @param energyByYear each year's energy by provenance, for its data quality */
    record Target(ReductionPath path, String baselineSource, Map<Integer, Double> actualKgByYear, Map<LocalDate, Double> dailyKg,
                  Map<Integer, Double> embodiedKgByYear, Map<Integer, EnergyFootprint> energyByYear) {
    }

    private final SustainabilityConfig config;
    private final ZoneId zone;

    Trajectory(SustainabilityConfig config, ZoneId zone) {
        this.config = config;
        this.zone = zone;
    }

    /** Weights of org labels for an organisation: 1 for its own, its share for shared services it is a partner of. */
    ToDoubleFunction<String> weightFor(String org) {
        if (org == null) {
            return null;
        }
        return label -> {
            if (label.equals(org)) {
                return 1.0;
            }
            Map<String, Double> partners = config.sharedServices().get(label);
            if (partners == null || !partners.containsKey(org)) {
                return 0.0;
            }
            return partners.get(org) / partners.values().stream().mapToDouble(Double::doubleValue).sum();
        };
    }

    /** The target for the estate (org null) or an org; empty when no baseline year is configured or it has no data. */
    Optional<Target> target(CarbonLedger ledger, String org, int lastYear) {
        if (config.baselineYear().isEmpty()) {
            return Optional.empty();
        }
        int baselineYear = config.baselineYear().get();
        ToDoubleFunction<String> weight = weightFor(org);
        Map<LocalDate, Double> dailyKg = new HashMap<>();
        Map<Integer, Double> actual = new HashMap<>();
        ledger.dailyOperationalGrams(weight).forEach((day, grams) -> {
            dailyKg.put(day, grams / 1000);
            actual.merge(day.getYear(), grams / 1000, Double::sum);
        });
        Map<Integer, Double> embodied = new HashMap<>();
        for (int y = baselineYear; y <= lastYear; y++) {
            Instant from = LocalDate.of(y, 1, 1).atStartOfDay(zone).toInstant();
            Instant to = LocalDate.of(y + 1, 1, 1).atStartOfDay(zone).toInstant();
            double grams = 0;
            for (DeviceProfile p : ledger.profiles()) {
                grams += p.embodiedGramsIn(from, to, zone) * (weight == null ? 1 : weight.applyAsDouble(p.org()));
            }
            embodied.put(y, grams / 1000);
        }
        OptionalDouble entered = org == null ? config.baselineKg()
                : config.orgBaselineKg().containsKey(org) ? OptionalDouble.of(config.orgBaselineKg().get(org)) : OptionalDouble.empty();
        double baseline;
        String source;
        if (entered.isPresent()) {
            baseline = entered.getAsDouble();
            source = "entered by hand (sustainability.targets" + (org == null ? "" : ".orgs." + org) + ".baseline_kgco2e)";
        } else {
            baseline = actual.getOrDefault(baselineYear, 0.0) + (config.targetIncludesEmbodied() ? embodied.getOrDefault(baselineYear, 0.0) : 0);
            double importedKwh = ledger.importedKwhIn(baselineYear);
            source = "measured by Kilowatch in " + baselineYear
                    + (importedKwh > 0 ? " (including " + ReportFigures.round(importedKwh, 3).toPlainString() + " kWh of imported history)" : "");
            if (baseline <= 0) {
                return Optional.empty();
            }
        }
        return Optional.of(new Target(new ReductionPath(baselineYear, baseline, config.annualReduction(), config.milestoneReductions()),
                source, actual, dailyKg, embodied, ledger.yearlyEnergy(weight)));
    }

    double actualKg(Target t, int year) {
        return t.actualKgByYear().getOrDefault(year, 0.0) + (config.targetIncludesEmbodied() ? t.embodiedKgByYear().getOrDefault(year, 0.0) : 0);
    }

    /** Projected year-end of the current year: operational by run rate, embodied in full (its amortisation is known). */
    OptionalDouble projected(Target t, LocalDate today) {
        OptionalDouble operational = ReductionPath.projectYearEnd(today, t.dailyKg());
        if (operational.isEmpty()) {
            return operational;
        }
        return OptionalDouble.of(operational.getAsDouble() + (config.targetIncludesEmbodied() ? t.embodiedKgByYear().getOrDefault(today.getYear(), 0.0) : 0));
    }

    /** met, missed, on_track, off_track, baseline or future. */
    String status(Target t, int year, LocalDate today) {
        int baselineYear = t.path().baselineYear();
        if (year == baselineYear) {
            return "baseline";
        }
        if (year > today.getYear()) {
            return "future";
        }
        double target = t.path().targetKg(year);
        if (year < today.getYear()) {
            return actualKg(t, year) <= target ? "met" : "missed";
        }
        OptionalDouble projected = projected(t, today);
        return projected.isEmpty() || projected.getAsDouble() <= target ? "on_track" : "off_track";
    }

    /** The year's report against the target: per year from the baseline, per milestone, and per month of {@code year}. */
    TrajectoryReport.Tracked report(Target t, String org, int year, LocalDate today) {
        ReductionPath path = t.path();
        List<TrajectoryReport.Year> years = new ArrayList<>();
        int last = Math.max(today.getYear(), path.milestoneReductions().isEmpty() ? today.getYear() : path.milestoneReductions().lastKey());
        for (int y = path.baselineYear(); y <= last; y++) {
            years.add(new TrajectoryReport.Year(y, round(path.targetKg(y)), actualUpTo(t, y, today), status(t, y, today), dataQuality(t, y)));
        }
        List<TrajectoryReport.Milestone> milestones = new ArrayList<>();
        path.milestoneReductions().forEach((y, cut) -> milestones.add(new TrajectoryReport.Milestone(y, cut * 100,
                round(path.baselineKg() * (1 - cut)), actualUpTo(t, y, today), status(t, y, today))));
        List<TrajectoryReport.Month> months = new ArrayList<>();
        double cumulativeTarget = 0;
        double cumulativeActual = 0;
        for (int m = 1; m <= 12; m++) {
            YearMonth month = YearMonth.of(year, m);
            double actual = 0;
            for (LocalDate d = month.atDay(1); !d.isAfter(month.atEndOfMonth()); d = d.plusDays(1)) {
                actual += t.dailyKg().getOrDefault(d, 0.0);
            }
            if (config.targetIncludesEmbodied()) {
                actual += t.embodiedKgByYear().getOrDefault(year, 0.0) * month.lengthOfMonth() / month.lengthOfYear();
            }
            boolean started = !month.atDay(1).isAfter(today);
            cumulativeTarget += path.targetKg(month);
            cumulativeActual += started ? actual : 0;
            months.add(new TrajectoryReport.Month(month, round(path.targetKg(month)),
                    started ? OptionalDouble.of(round(actual)) : OptionalDouble.empty(), round(cumulativeTarget),
                    started ? OptionalDouble.of(round(cumulativeActual)) : OptionalDouble.empty()));
        }
        OptionalDouble projected = year == today.getYear() ? projected(t, today) : OptionalDouble.empty();
        return new TrajectoryReport.Tracked(org, year, zone, path.baselineYear(), round(path.baselineKg()), t.baselineSource(),
                path.annualReduction() * 100, config.targetIncludesEmbodied(), round(path.targetKg(year)), actualUpTo(t, year, today),
                projected.isPresent() ? OptionalDouble.of(round(projected.getAsDouble())) : OptionalDouble.empty(), status(t, year, today),
                dataQuality(t, year), years, milestones, months,
                "Target for a year: the stricter of baseline x (1 - annual reduction)^(years since baseline) and the "
                        + "milestone path (straight line from 0 % at the baseline year through each milestone, held after the last). "
                        + "A month's target is its share of the year by days. Projected year-end: completed days as measured, plus the "
                        + "mean of the last " + ReductionPath.RUN_RATE_DAYS + " completed days for every day left"
                        + (config.targetIncludesEmbodied() ? ", plus the year's embodied carbon in full." : ".")
                        + " Counted: operational carbon (scope 2 generation incl. PUE overhead and off-time energy, scope 3 T&D)"
                        + (config.targetIncludesEmbodied() ? " and embodied carbon." : "; embodied carbon is reported apart."));
    }

    /** The share of a year's energy measured, modelled, imported and unknown, as the carbon report gives it; null shares without energy. */
    private static Map<String, BigDecimal> dataQuality(Target t, int year) {
        return ReportFigures.of(t.energyByYear().getOrDefault(year, EnergyFootprint.ZERO)).dataQuality();
    }

    /** A year's actual, rounded; empty for a year that has not started. */
    private OptionalDouble actualUpTo(Target t, int year, LocalDate today) {
        return year > today.getYear() ? OptionalDouble.empty() : OptionalDouble.of(round(actualKg(t, year)));
    }

    static double round(double kg) {
        return CarbonReport.kg(kg);
    }
}
