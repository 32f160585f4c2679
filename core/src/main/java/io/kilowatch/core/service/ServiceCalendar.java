package io.kilowatch.core.service;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a service is meant to be available: service hours per weekday in its own time zone (24x7 when
 * none are given), less public holidays. Hours are wall-clock times, so across a DST change a
 * 08:00-18:00 day is still 10 hours long and a 24x7 day is 23 or 25 hours.
 */
public record ServiceCalendar(ZoneId zone, Map<DayOfWeek, List<Hours>> weeklyHours, Set<LocalDate> holidays) {
    private static final Pattern HOURS = Pattern.compile("(\\d{2}):(\\d{2})-(\\d{2}):(\\d{2})");

    /** Hours of one day, [from, to); {@code to} of 24:00 is midnight at the end of the day. */
    public record Hours(LocalTime from, LocalTime to, boolean toEndOfDay) {
        public Hours {
            if (!toEndOfDay && !to.isAfter(from)) {
                throw new IllegalArgumentException("service hours end before they start: " + from + "-" + to);
            }
        }

        /** Parses {@code 08:00-18:00}; {@code 24:00} as the end means the end of the day. */
        public static Hours parse(String text) {
            Matcher m = HOURS.matcher(text.trim());
            if (!m.matches()) {
                throw new IllegalArgumentException("service hours must look like 08:00-18:00, got '" + text + "'");
            }
            LocalTime from = LocalTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
            boolean endOfDay = m.group(3).equals("24") && m.group(4).equals("00");
            LocalTime to = endOfDay ? LocalTime.MIDNIGHT : LocalTime.of(Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)));
            return new Hours(from, to, endOfDay);
        }

        @Override
        public String toString() {
            return from + "-" + (toEndOfDay ? "24:00" : to.toString());
        }
    }

    public ServiceCalendar {
        Map<DayOfWeek, List<Hours>> copy = new EnumMap<>(DayOfWeek.class);
        weeklyHours.forEach((day, hours) -> copy.put(day, List.copyOf(hours)));
        weeklyHours = Map.copyOf(copy);
        holidays = Set.copyOf(holidays);
    }

    /** Every hour of every day, except holidays. */
    public static ServiceCalendar allDay(ZoneId zone, Set<LocalDate> holidays) {
        return new ServiceCalendar(zone, Map.of(), holidays);
    }

    public boolean isAllDay() {
        return weeklyHours.isEmpty();
    }

    /** The service time within [from, to), normalised. */
    public List<Span> serviceTime(Span range) {
        List<Span> out = new ArrayList<>();
        if (range.millis() == 0) {
            return out;
        }
        LocalDate first = Instant.ofEpochMilli(range.startMs()).atZone(zone).toLocalDate();
        LocalDate last = Instant.ofEpochMilli(range.endMs()).atZone(zone).toLocalDate();
        for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
            if (holidays.contains(day)) {
                continue;
            }
            if (isAllDay()) {
                out.add(clip(day.atStartOfDay(zone), day.plusDays(1).atStartOfDay(zone), range));
            } else {
                for (Hours h : weeklyHours.getOrDefault(day.getDayOfWeek(), List.of())) {
                    ZonedDateTime start = ZonedDateTime.of(day, h.from(), zone);
                    ZonedDateTime end = h.toEndOfDay() ? day.plusDays(1).atStartOfDay(zone) : ZonedDateTime.of(day, h.to(), zone);
                    out.add(clip(start, end, range));
                }
            }
        }
        return Span.normalise(out);
    }

    private static Span clip(ZonedDateTime start, ZonedDateTime end, Span range) {
        long s = Math.max(start.toInstant().toEpochMilli(), range.startMs());
        long e = Math.min(end.toInstant().toEpochMilli(), range.endMs());
        return e > s ? new Span(s, e) : new Span(s, s);
    }
}
