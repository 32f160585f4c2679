package io.kilowatch.core.carbon;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.Set;

/**
 * A site's working hours on its own wall clock: the days and the local start and end time. Time is cut at
 * local boundaries computed through the zone's rules, so a night that loses or gains an hour to daylight
 * saving counts the hours that really passed.
 */
public record WorkingHours(Set<DayOfWeek> days, LocalTime start, LocalTime end, ZoneId zone) {
    public WorkingHours {
        if (!end.isAfter(start)) {
            throw new IllegalArgumentException("working hours must end after they start: " + start + "-" + end);
        }
        days = days.isEmpty() ? Set.of() : EnumSet.copyOf(days);
    }

    /** Monday to Friday, 08:00 to 18:00. */
    public static WorkingHours officeHours(ZoneId zone) {
        return new WorkingHours(EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), LocalTime.of(8, 0), LocalTime.of(18, 0), zone);
    }

    public boolean isWorking(Instant t) {
        ZonedDateTime local = t.atZone(zone);
        LocalTime time = local.toLocalTime();
        return days.contains(local.getDayOfWeek()) && !time.isBefore(start) && time.isBefore(end);
    }

    /** Seconds of [from, to) outside working hours. */
    public double outOfHoursSeconds(Instant from, Instant to) {
        double seconds = 0;
        Instant cursor = from;
        while (cursor.isBefore(to)) {
            Instant next = nextBoundary(cursor);
            Instant pieceEnd = next.isBefore(to) ? next : to;
            if (!isWorking(cursor)) {
                seconds += Duration.between(cursor, pieceEnd).toNanos() / 1e9;
            }
            cursor = pieceEnd;
        }
        return seconds;
    }

    /** The first local start, end or midnight after {@code t}. */
    private Instant nextBoundary(Instant t) {
        LocalDate date = t.atZone(zone).toLocalDate();
        Instant best = date.plusDays(1).atStartOfDay(zone).toInstant();
        for (LocalTime boundary : new LocalTime[] {start, end}) {
            Instant candidate = ZonedDateTime.of(date, boundary, zone).toInstant();
            if (candidate.isAfter(t) && candidate.isBefore(best)) {
                best = candidate;
            }
        }
        return best;
    }
}
