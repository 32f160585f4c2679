package io.kilowatch.core.carbon.report;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/** A calendar year or quarter (1 to 4; null for the year) in the collector's zone. */
public record ReportPeriod(int year, Integer quarter, ZoneId zone) {
    public LocalDate firstDay() {
        return quarter == null ? LocalDate.of(year, 1, 1) : LocalDate.of(year, 3 * quarter - 2, 1);
    }

    public LocalDate endDay() {
        return quarter == null ? firstDay().plusYears(1) : firstDay().plusMonths(3);
    }

    public Instant from() {
        return firstDay().atStartOfDay(zone).toInstant();
    }

    public Instant to() {
        return endDay().atStartOfDay(zone).toInstant();
    }

    public String label() {
        return quarter == null ? Integer.toString(year) : year + " Q" + quarter;
    }

    /** The period's share of its year by days, for a quarter's share of the annual target. */
    public double shareOfYear() {
        return (double) (endDay().toEpochDay() - firstDay().toEpochDay()) / firstDay().lengthOfYear();
    }
}
