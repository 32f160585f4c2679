package io.kilowatch.core.snmp;

import java.time.Duration;
import java.time.Instant;

/**
 * A device's boot time from sysUpTime, kept steady across polls. sysUpTime counts hundredths of a
 * second and wraps after 2^32 (about 497 days). A reboot is only uptime that went back (it is then more
 * than the time since the last poll behind where it should be), other than by the wrap, or an SNMPv3
 * engine whose boot count changed. Agents that keep sysUpTime still between polls (some embedded cards,
 * recordings) and round-trip jitter are not reboots: the known boot time is then kept.
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
     * @param engineBootsChanged whether the SNMPv3 engine's boot count differs from the previous poll's
     * @param tolerance how far a fresh estimate may lie from the known boot and still be that boot, when the
     *        previous uptime is unknown (after a collector restart)
     */
    public static Estimate estimate(Instant previousBoot, long previousTicks, Instant pollTime, long ticks, boolean engineBootsChanged,
                                    Duration tolerance) {
        if (ticks < 0 || ticks >= WRAP_TICKS) {
            throw new IllegalArgumentException("sysUpTime must be 0..2^32-1 hundredths of a second, got " + ticks);
        }
        Instant fresh = pollTime.minusMillis(ticks * 10);
        if (previousBoot == null) {
            return new Estimate(fresh, false);
        }
        boolean wentBack = previousTicks >= 0 && ticks < previousTicks && previousTicks < WRAP_TICKS - WRAP_TICKS / 16;
        if (wentBack || engineBootsChanged) {
            return new Estimate(fresh, true);
        }
        if (previousTicks < 0 && fresh.isAfter(previousBoot.plus(tolerance))) {
            // the collector restarted: the device's boot since is news, but no reboot seen by this poller
            return new Estimate(fresh, false);
        }
        return new Estimate(previousBoot, false);
    }
}
