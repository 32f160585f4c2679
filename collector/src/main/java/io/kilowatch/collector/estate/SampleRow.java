package io.kilowatch.collector.estate;

/**
 * One stored report: its readings and the energy and carbon it added (zero for a report that
 * arrived after a newer one, whose interval was already counted).
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
        double energyJoules,
        double carbonGrams) {
}
