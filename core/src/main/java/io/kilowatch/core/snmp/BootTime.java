package io.kilowatch.core.snmp;

import java.time.Duration;
import java.time.Instant;

/**
 * A device's boot time from sysUpTime, kept steady across polls. sysUpTime counts hundredths of a
 * second and wraps after 2^32 (about 497 days); each poll's estimate (poll time minus uptime) wobbles by
 * the request's round trip, so an estimate within {@code tolerance} of the known boot keeps the known
 * one (otherwise every poll would look like a reboot). A reboot is uptime going back, other than by the wrap.
 */
public final class BootTime {
    static final long WRAP_TICKS = 1L << 32;

    /** @param reboot whether this poll saw the device restart since the previous one */
    public record Estimate(Instant bootTime, boolean reboot) {
    }

    private BootTime() {
    }

    /**
     * @param previousBoot the boot time known before this poll, or null
     * @param previousTicks sysUpTime at the previous poll, or -1 when unknown
     */
    public static Estimate estimate(Instant previousBoot, long previousTicks, Instant pollTime, long ticks, Duration tolerance) {
        if (ticks < 0 || ticks >= WRAP_TICKS) {
            throw new IllegalArgumentException("sysUpTime must be 0..2^32-1 hundredths of a second, got " + ticks);
        }
        Instant fresh = pollTime.minusMillis(ticks * 10);
        if (previousBoot == null) {
            return new Estimate(fresh, false);
        }
        boolean wentBack = previousTicks >= 0 && ticks < previousTicks;
        if (wentBack && previousTicks < WRAP_TICKS - WRAP_TICKS / 16) {
            return new Estimate(fresh, true);
        }
        // after a wrap the estimate lies a whole number of wrap periods past the boot: still the same boot
        long wrapMs = WRAP_TICKS * 10;
        long offset = Math.floorMod(Duration.between(previousBoot, fresh).toMillis(), wrapMs);
        long tol = tolerance.toMillis();
        if (offset <= tol || wrapMs - offset <= tol) {
            return new Estimate(previousBoot, false);
        }
        // a later boot with uptime that still grew: the device restarted between two polls
        return new Estimate(fresh, fresh.isAfter(previousBoot));
    }
}
