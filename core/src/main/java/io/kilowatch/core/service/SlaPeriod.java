package io.kilowatch.core.service;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;

/** Calendar periods in a service's own time zone, as SLAs are reported: weeks start on Monday (ISO). */
public enum SlaPeriod {
    DAY, WEEK, MONTH, QUARTER, YEAR;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static SlaPeriod fromLabel(String label) {
        for (SlaPeriod p : values()) {
            if (p.label().equals(label)) {
                return p;
            }
        }
        throw new IllegalArgumentException("period must be day, week, month, quarter or year, got '" + label + "'");
    }

    /** The first day of the period that holds {@code date}. */
    public LocalDate firstDay(LocalDate date) {
        return switch (this) {
            case DAY -> date;
            case WEEK -> date.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            case MONTH -> date.withDayOfMonth(1);
            case QUARTER -> date.withMonth((date.getMonthValue() - 1) / 3 * 3 + 1).withDayOfMonth(1);
            case YEAR -> date.withDayOfYear(1);
        };
    }

    public LocalDate next(LocalDate firstDay) {
        return switch (this) {
            case DAY -> firstDay.plusDays(1);
            case WEEK -> firstDay.plusWeeks(1);
            case MONTH -> firstDay.plusMonths(1);
            case QUARTER -> firstDay.plusMonths(3);
            case YEAR -> firstDay.plusYears(1);
        };
    }

    /** The period holding {@code date}, from local midnight to local midnight. */
    public Span of(LocalDate date, ZoneId zone) {
        LocalDate first = firstDay(date);
        return Span.of(first.atStartOfDay(zone).toInstant(), next(first).atStartOfDay(zone).toInstant());
    }

    public Span containing(Instant t, ZoneId zone) {
        return of(t.atZone(zone).toLocalDate(), zone);
    }

    /** A name people use for the period: 2026-11-25, 2026-W48, 2026-11, 2026-Q4, 2026. */
    public String name(LocalDate date) {
        LocalDate d = firstDay(date);
        return switch (this) {
            case DAY -> d.toString();
            case WEEK -> String.format(Locale.ROOT, "%d-W%02d", d.get(IsoFields.WEEK_BASED_YEAR), d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
            case MONTH -> String.format(Locale.ROOT, "%d-%02d", d.getYear(), d.getMonthValue());
            case QUARTER -> d.getYear() + "-Q" + d.get(IsoFields.QUARTER_OF_YEAR);
            case YEAR -> Integer.toString(d.getYear());
        };
    }
}
