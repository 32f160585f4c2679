package io.kilowatch.collector.estate;

/**
 * One stored report: its readings, the agent's energy counter, and the energy and carbon it added
 * (zero for a report that arrived after a newer one, whose interval was already counted). Keeping the
 * counter lets anyone check a device's energy against its agent's counters.
 */
public record SampleRow(
        String deviceId,
        long sequence,
        long timestampMs,
        long receivedMs,
        double powerWatts,
        String powerSource,
        double cpuRatio,
        Long memoryUsedBytes,
        long bootTimeMs,
        double counterJoules,
        double energyJoules,
        double carbonGrams) {
}
