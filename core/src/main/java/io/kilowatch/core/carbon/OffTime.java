package io.kilowatch.core.carbon;

import io.kilowatch.core.availability.UptimeSpan;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Time a device is known to have been off. Agents cannot report while their machine is off, so the only
 * proof is a gap between two boot sessions: the device stopped reporting at the end of one and its next
 * report gives a later boot time. Time after the last report is not counted: the device may be off, or
 * up and cut off from the collector, and a report must not guess.
 */
public final class OffTime {
    private OffTime() {
    }

    /** Seconds inside [from, to) between consecutive uptime spans (spans sorted by start). */
    public static double seconds(List<UptimeSpan> spans, Instant from, Instant to) {
        double seconds = 0;
        for (int i = 1; i < spans.size(); i++) {
            Instant gapStart = spans.get(i - 1).end();
            Instant gapEnd = spans.get(i).start();
            Instant a = gapStart.isAfter(from) ? gapStart : from;
            Instant b = gapEnd.isBefore(to) ? gapEnd : to;
            if (b.isAfter(a)) {
                seconds += Duration.between(a, b).toMillis() / 1000.0;
            }
        }
        return seconds;
    }
}
