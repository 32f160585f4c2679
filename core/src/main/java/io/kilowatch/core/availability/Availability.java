package io.kilowatch.core.availability;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Time-weighted availability of a device from its uptime spans, A = T_up / (T_up + T_down):
 * <ul>
 *   <li>a report with boot time b at time t proves the device up over [b, t];</li>
 *   <li>after its latest report a device counts as up for {@code downAfter} (its missed-report allowance),
 *       then as down until it reports again;</li>
 *   <li>time between spans is down: a reboot's gap runs from the last report before it to the new boot;</li>
 *   <li>the observed period starts at the window's start or the earliest evidence, whichever is later,
 *       so a device first seen today is not charged for last month.</li>
 * </ul>
 * docs/availability.md states the definition for users.
 */
public final class Availability {
    private Availability() {
    }

    /** Whether a device whose latest report is at {@code lastReport} counts as up at {@code now}. */
    public static boolean isUp(Instant lastReport, Instant now, Duration downAfter) {
        return lastReport != null && !now.isAfter(lastReport.plus(downAfter));
    }

    /** Availability over [windowStart, now), or empty when there is no evidence in it at all. */
    public static OptionalDouble ratio(List<UptimeSpan> spans, Instant windowStart, Instant now, Duration downAfter) {
        return ratio(spans, List.of(), false, windowStart, now, downAfter);
    }

    /**
     * Availability with the periods a device was known asleep or cleanly stopped ({@code off}): never up;
     * for a class that may sleep ({@code offIsExpected}: desktops, laptops, thin clients) left out of the
     * observed time altogether, as neither up nor down; for others (servers) down.
     */
    public static OptionalDouble ratio(List<UptimeSpan> spans, List<UptimeSpan> off, boolean offIsExpected, Instant windowStart, Instant now,
                                       Duration downAfter) {
        if (spans.isEmpty()) {
            return OptionalDouble.empty();
        }
        List<UptimeSpan> sorted = new ArrayList<>(spans);
        sorted.sort(Comparator.comparing(UptimeSpan::start));
        UptimeSpan latest = sorted.stream().max(Comparator.comparing(UptimeSpan::end)).orElseThrow();
        Instant graceEnd = latest.end().plus(downAfter);
        sorted.add(new UptimeSpan(latest.end(), graceEnd.isBefore(now) ? graceEnd : now.isAfter(latest.end()) ? now : latest.end()));
        sorted.sort(Comparator.comparing(UptimeSpan::start));

        Instant observedStart = sorted.get(0).start().isAfter(windowStart) ? sorted.get(0).start() : windowStart;
        if (!now.isAfter(observedStart)) {
            return OptionalDouble.empty();
        }
        List<UptimeSpan> up = union(sorted, observedStart, now);
        List<UptimeSpan> offs = union(off, observedStart, now);
        long upNanos = length(up) - overlap(up, offs);
        long observedNanos = Duration.between(observedStart, now).toNanos() - (offIsExpected ? length(offs) : 0);
        return observedNanos <= 0 ? OptionalDouble.empty() : OptionalDouble.of((double) upNanos / observedNanos);
    }

    /** The union of the intervals, clipped to [from, to], as disjoint intervals in order. */
    static List<UptimeSpan> union(List<UptimeSpan> intervals, Instant from, Instant to) {
        List<UptimeSpan> sorted = new ArrayList<>(intervals);
        sorted.sort(Comparator.comparing(UptimeSpan::start));
        List<UptimeSpan> merged = new ArrayList<>();
        for (UptimeSpan i : sorted) {
            Instant start = i.start().isAfter(from) ? i.start() : from;
            Instant end = i.end().isBefore(to) ? i.end() : to;
            if (!end.isAfter(start)) {
                continue;
            }
            UptimeSpan last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && !start.isAfter(last.end())) {
                merged.set(merged.size() - 1, new UptimeSpan(last.start(), end.isAfter(last.end()) ? end : last.end()));
            } else {
                merged.add(new UptimeSpan(start, end));
            }
        }
        return merged;
    }

    private static long length(List<UptimeSpan> disjoint) {
        return disjoint.stream().mapToLong(i -> Duration.between(i.start(), i.end()).toNanos()).sum();
    }

    /**
     * Time two sets of disjoint intervals in order (as {@link #union} gives them) share: one pass over both, as
     * this runs for every device and window at each scrape, and a laptop's month holds many sleeps.
     */
    private static long overlap(List<UptimeSpan> a, List<UptimeSpan> b) {
        long nanos = 0;
        int i = 0;
        int j = 0;
        while (i < a.size() && j < b.size()) {
            UptimeSpan x = a.get(i);
            UptimeSpan y = b.get(j);
            Instant start = x.start().isAfter(y.start()) ? x.start() : y.start();
            Instant end = x.end().isBefore(y.end()) ? x.end() : y.end();
            if (end.isAfter(start)) {
                nanos += Duration.between(start, end).toNanos();
            }
            // the one that ends first can share nothing with what follows the other
            if (x.end().isBefore(y.end())) {
                i++;
            } else {
                j++;
            }
        }
        return nanos;
    }

    /**
     * Boot times derived from "now minus uptime" (Windows, some SNMP agents) wobble by a second or two
     * between reports; a boot time this close to a span's start, and not after its latest report, is the
     * same boot. A real reboot always boots after the latest report of the previous boot.
     */
    public static final Duration BOOT_TIME_JITTER = Duration.ofSeconds(30);

    /**
     * Adds a report to a device's spans: the span of the same boot grows, a new boot starts a new span.
     * Spans keep their order of boot. Returns the span that changed.
     */
    public static UptimeSpan record(List<UptimeSpan> spans, Instant bootTime, Instant reportTime) {
        for (int i = spans.size() - 1; i >= 0; i--) {
            UptimeSpan span = spans.get(i);
            if (isSameBoot(span, bootTime)) {
                UptimeSpan grown = span.extendTo(reportTime);
                spans.set(i, grown);
                return grown;
            }
        }
        UptimeSpan fresh = new UptimeSpan(bootTime, reportTime.isBefore(bootTime) ? bootTime : reportTime);
        spans.add(fresh);
        spans.sort(Comparator.comparing(UptimeSpan::start));
        return fresh;
    }

    static boolean isSameBoot(UptimeSpan span, Instant bootTime) {
        return !bootTime.isAfter(span.end())
                && Duration.between(span.start(), bootTime).abs().compareTo(BOOT_TIME_JITTER) <= 0;
    }
}
