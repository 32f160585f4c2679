package io.kilowatch.core.service;

import java.util.OptionalDouble;

/**
 * Availability figures of a service over a range, in milliseconds of its service time (its calendar's
 * hours within the range, from its first observation on). Planned maintenance is left out of both up and
 * down time; time without data is reported apart and counted as the policy says.
 *
 * @param serviceMs service time observed in the range, maintenance included
 * @param maintenanceMs of that, time in planned maintenance
 * @param upMs of the rest, time up
 * @param downMs time down
 * @param noDataMs time with no data (neither proven up nor down)
 */
public record Figures(long serviceMs, long maintenanceMs, long upMs, long downMs, long noDataMs, NoDataPolicy policy) {
    public static Figures none(NoDataPolicy policy) {
        return new Figures(0, 0, 0, 0, 0, policy);
    }

    /** Time that counts toward availability: the denominator. */
    public long countedMs() {
        return upMs + downMs + (policy == NoDataPolicy.EXCLUDED ? 0 : noDataMs);
    }

    /** Time charged as down: the numerator of the error ratio. */
    public long chargedDownMs() {
        return downMs + (policy == NoDataPolicy.DOWN ? noDataMs : 0);
    }

    /** A = up / counted; empty when nothing counted (outside service hours, or never observed). */
    public OptionalDouble ratio() {
        long counted = countedMs();
        return counted == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) (counted - chargedDownMs()) / counted);
    }

    /** The share of counted time charged as down; 0 when nothing counted, so quiet hours burn no budget. */
    public double errorRatio() {
        long counted = countedMs();
        return counted == 0 ? 0 : (double) chargedDownMs() / counted;
    }
}
