package io.kilowatch.core.availability;

import java.time.Instant;

/**
 * One boot session of a device as reports prove it: up without a break from {@code start} (the boot
 * time it reported) until {@code end} (its latest report of that boot).
 */
public record UptimeSpan(Instant start, Instant end) {
    public UptimeSpan {
        if (end.isBefore(start)) {
            throw new IllegalArgumentException("uptime span ends before it starts: " + start + " .. " + end);
        }
    }

    /** This span grown to cover a later report of the same boot. */
    public UptimeSpan extendTo(Instant reportTime) {
        return reportTime.isAfter(end) ? new UptimeSpan(start, reportTime) : this;
    }
}
