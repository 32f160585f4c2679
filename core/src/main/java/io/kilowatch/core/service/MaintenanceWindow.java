package io.kilowatch.core.service;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Planned maintenance: once, or repeating every day, week or month from its first start, in the service's
 * wall-clock time (a weekly 02:00 window stays at 02:00 across DST), until an optional last date.
 *
 * @param components the components it covers; empty for the whole service
 */
public record MaintenanceWindow(String name, LocalDateTime start, Duration duration, Recurrence every,
                                Optional<LocalDate> until, Set<String> components) {
    public enum Recurrence {
        NONE(null), DAY(ChronoUnit.DAYS), WEEK(ChronoUnit.WEEKS), MONTH(ChronoUnit.MONTHS);

        private final ChronoUnit unit;

        Recurrence(ChronoUnit unit) {
            this.unit = unit;
        }
    }

    public MaintenanceWindow {
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("maintenance window " + name + " needs a positive duration");
        }
        components = Set.copyOf(components);
    }

    public boolean coversWholeService() {
        return components.isEmpty();
    }

    /** Occurrences overlapping the range, clipped to it. */
    public List<Span> occurrences(ZoneId zone, Span range) {
        List<Span> out = new ArrayList<>();
        for (long n = firstCandidate(zone, range); ; n++) {
            LocalDateTime local = every == Recurrence.NONE ? start : start.plus(n, every.unit);
            if (until.isPresent() && local.toLocalDate().isAfter(until.get())) {
                break;
            }
            long s = local.atZone(zone).toInstant().toEpochMilli();
            long e = local.atZone(zone).plus(duration).toInstant().toEpochMilli();
            if (s >= range.endMs()) {
                break;
            }
            if (e > range.startMs()) {
                out.add(new Span(Math.max(s, range.startMs()), Math.min(e, range.endMs())));
            }
            if (every == Recurrence.NONE) {
                break;
            }
        }
        return out;
    }

    public boolean activeAt(ZoneId zone, Instant t) {
        return !occurrences(zone, new Span(t.toEpochMilli(), t.toEpochMilli() + 1)).isEmpty();
    }

    /** The number of the first repetition that can reach the range, so a years-old weekly window costs nothing. */
    private long firstCandidate(ZoneId zone, Span range) {
        if (every == Recurrence.NONE) {
            return 0;
        }
        LocalDateTime from = Instant.ofEpochMilli(range.startMs()).atZone(zone).toLocalDateTime().minus(duration).minusDays(1);
        return Math.max(0, every.unit.between(start, from) - 1);
    }
}
