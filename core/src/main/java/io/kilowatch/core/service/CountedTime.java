package io.kilowatch.core.service;

/**
 * Time that counted toward a service's availability, and of it the time charged as down, summed over
 * evaluations: what the {@code kilowatch.service.counted} and {@code .down} counters publish.
 */
public record CountedTime(long countedMs, long chargedDownMs) {
    public static final CountedTime ZERO = new CountedTime(0, 0);

    public CountedTime plus(Figures f) {
        return new CountedTime(countedMs + f.countedMs(), chargedDownMs + f.chargedDownMs());
    }
}
