package io.kilowatch.core.energy;

/**
 * The increase of a cumulative counter between two readings, the way RAPL's {@code energy_uj} and
 * SNMP energy counters need it: a reading below the previous one is a wraparound when the counter's
 * range is known, otherwise a reset (the counter restarted from zero, so the new reading is the increase).
 */
public final class CounterDelta {
    private CounterDelta() {
    }

    /**
     * @param previous previous reading
     * @param current current reading
     * @param maxRange the value at which the counter wraps to zero; 0 or less when unknown
     */
    public static long of(long previous, long current, long maxRange) {
        if (current >= previous) {
            return current - previous;
        }
        if (maxRange > 0 && previous <= maxRange) {
            return (maxRange - previous) + current;
        }
        return current;
    }

    /** Same rule for counters carried as doubles (joules reported by agents). A drop is a reset. */
    public static double ofReset(double previous, double current) {
        return current >= previous ? current - previous : current;
    }
}
