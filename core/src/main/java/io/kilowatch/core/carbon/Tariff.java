package io.kilowatch.core.carbon;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An electricity tariff in £ per kWh: a flat rate, or time-of-use bands by local time of day and day of
 * week in a zone (day/night, weekend, peak), with a default rate outside every band. Bands may not
 * overlap, so which rate applies is never a matter of order. Local times follow the zone's clock, so a
 * night band of 00:00-07:00 lasts 6 real hours on the night clocks go forward and 8 when they go back.
 */
public final class Tariff {
    private static final int MINUTES_PER_DAY = 24 * 60;

    /**
     * Rate for [from, to) local time on the listed days. {@code to} of 00:00 means midnight at the end of
     * the day; {@code from} after {@code to} wraps: [from, 24:00) and [00:00, to) of each listed day.
     */
    public record Band(String name, Set<DayOfWeek> days, LocalTime from, LocalTime to, double gbpPerKwh) {
        public Band {
            days = Set.copyOf(days);
            if (days.isEmpty()) {
                throw new IllegalArgumentException("tariff band " + name + " needs at least one day");
            }
            if (from.getSecond() != 0 || from.getNano() != 0 || to.getSecond() != 0 || to.getNano() != 0) {
                throw new IllegalArgumentException("tariff band " + name + " times must be whole minutes");
            }
            if (from.equals(to)) {
                throw new IllegalArgumentException("tariff band " + name + " is empty: from equals to (" + from + ")");
            }
            checkRate(name, gbpPerKwh);
        }

        boolean covers(DayOfWeek day, int minuteOfDay) {
            if (!days.contains(day)) {
                return false;
            }
            int start = from.toSecondOfDay() / 60;
            int end = to.equals(LocalTime.MIDNIGHT) ? MINUTES_PER_DAY : to.toSecondOfDay() / 60;
            return start < end ? minuteOfDay >= start && minuteOfDay < end : minuteOfDay >= start || minuteOfDay < end;
        }
    }

    private final String name;
    private final double defaultGbpPerKwh;
    private final List<Band> bands;
    private final ZoneId zone;

    public Tariff(String name, double defaultGbpPerKwh, List<Band> bands, ZoneId zone) {
        checkRate(name + " default", defaultGbpPerKwh);
        this.name = name;
        this.defaultGbpPerKwh = defaultGbpPerKwh;
        this.bands = List.copyOf(bands);
        this.zone = zone;
        for (DayOfWeek day : DayOfWeek.values()) {
            for (int minute = 0; minute < MINUTES_PER_DAY; minute++) {
                int m = minute;
                List<String> matching = this.bands.stream().filter(b -> b.covers(day, m)).map(Band::name).toList();
                if (matching.size() > 1) {
                    throw new IllegalArgumentException("tariff bands " + matching + " overlap on " + day.toString().toLowerCase(Locale.ROOT)
                            + " at " + LocalTime.ofSecondOfDay(m * 60L));
                }
            }
        }
    }

    public static Tariff flat(String name, double gbpPerKwh) {
        return new Tariff(name, gbpPerKwh, List.of(), ZoneId.of("UTC"));
    }

    private static void checkRate(String what, double gbpPerKwh) {
        if (!(gbpPerKwh >= 0) || gbpPerKwh > 10) {
            throw new IllegalArgumentException("tariff rate " + what + " must be between 0 and 10 £/kWh, got " + gbpPerKwh);
        }
    }

    /** The rate in force at an instant. */
    public double gbpPerKwhAt(Instant t) {
        LocalDateTime local = LocalDateTime.ofInstant(t, zone);
        int minute = local.getHour() * 60 + local.getMinute();
        return bands.stream().filter(b -> b.covers(local.getDayOfWeek(), minute)).mapToDouble(Band::gbpPerKwh)
                .findFirst().orElse(defaultGbpPerKwh);
    }

    /**
     * The first instant after {@code t} at which the rate may change (a band edge or midnight, on either
     * side of a clock change), or null for a flat tariff.
     */
    public Instant nextChangeAfter(Instant t) {
        if (bands.isEmpty()) {
            return null;
        }
        List<LocalTime> edges = new ArrayList<>();
        edges.add(LocalTime.MIDNIGHT);
        bands.forEach(b -> {
            edges.add(b.from());
            edges.add(b.to());
        });
        LocalDate today = LocalDate.ofInstant(t, zone);
        Instant next = null;
        for (int d = 0; d <= 2; d++) {
            for (LocalTime edge : edges) {
                ZonedDateTime at = ZonedDateTime.of(today.plusDays(d), edge, zone);
                for (Instant candidate : List.of(at.withEarlierOffsetAtOverlap().toInstant(), at.withLaterOffsetAtOverlap().toInstant())) {
                    if (candidate.isAfter(t) && (next == null || candidate.isBefore(next))) {
                        next = candidate;
                    }
                }
            }
        }
        return next;
    }

    /** What the tariff is, for the source of a cost figure. */
    public String description() {
        if (bands.isEmpty()) {
            return "tariff " + name + ": flat " + defaultGbpPerKwh + " £/kWh";
        }
        String parts = bands.stream().map(b -> b.name() + " " + b.gbpPerKwh()).collect(Collectors.joining(", "));
        return "tariff " + name + ": " + parts + ", otherwise " + defaultGbpPerKwh + " £/kWh (local time, " + zone.getId() + ")";
    }
}
