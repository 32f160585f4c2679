package io.kilowatch.core.energy;

import java.time.Instant;

/**
 * A reading of an agent's monotonic energy counter. The collector turns consecutive readings into
 * energy used, so a lost report loses no energy: the next one carries it.
 *
 * @param counterStart when the counter was last at zero; a different value means it was reset.
 *     Compared to the millisecond, the precision stores keep.
 */
public record AgentCounter(Instant counterStart, double joulesTotal) {

    /**
     * Energy used since {@code previous}: the counter's increase; after a reset (new start, or a value
     * lower than before) the whole new value, since the counter began again at zero. With no previous
     * reading there is no baseline, and nothing is counted.
     */
    public double joulesSince(AgentCounter previous) {
        if (previous == null) {
            return 0;
        }
        if (counterStart.toEpochMilli() != previous.counterStart.toEpochMilli()) {
            return joulesTotal;
        }
        return CounterDelta.ofReset(previous.joulesTotal, joulesTotal);
    }
}
