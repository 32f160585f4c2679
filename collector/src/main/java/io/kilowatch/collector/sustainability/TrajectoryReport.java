package io.kilowatch.collector.sustainability;

import java.math.BigDecimal;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * A year's carbon against its reduction target, estate-wide (org null) or for one organisation; figures in kgCO2e,
 * rounded as reported. An actual is empty for a year or month that has not started. Written by
 * {@link SustainabilityApi}.
 */
public sealed interface TrajectoryReport permits TrajectoryReport.NoTarget, TrajectoryReport.Tracked {
    String org();

    int year();

    /** No target to judge against, and what to configure for one. */
    record NoTarget(String org, int year, String reason) implements TrajectoryReport {
    }

    /**
     * @param status met, missed, on_track, off_track, baseline or future
     * @param dataQuality the share of the year's energy measured, modelled, imported and unknown (ReportFigures#dataQuality)
     * @param method how the targets and the projection are worked out, in words
     */
    record Tracked(String org, int year, ZoneId zone, int baselineYear, double baselineKg, String baselineSource,
                   double annualReductionPercent, boolean includesEmbodied, double targetKg, OptionalDouble actualKg,
                   OptionalDouble projectedYearEndKg, String status, Map<String, BigDecimal> dataQuality, List<Year> years, List<Milestone> milestones,
                   List<Month> months, String method) implements TrajectoryReport {
    }

    /** Every year from the baseline to this one or the last milestone, whichever is later, with the data quality of its energy. */
    record Year(int year, double targetKg, OptionalDouble actualKg, String status, Map<String, BigDecimal> dataQuality) {
    }

    record Milestone(int year, double reductionPercent, double targetKg, OptionalDouble actualKg, String status) {
    }

    /** A month of the year asked for, with the running totals from January. */
    record Month(YearMonth month, double targetKg, OptionalDouble actualKg, double cumulativeTargetKg, OptionalDouble cumulativeActualKg) {
    }
}
