package io.kilowatch.collector.store;

import io.kilowatch.core.carbon.IntensitySeries;
import java.util.List;
import java.util.Map;

/**
 * Half-hourly grid intensity, and the carbon figures of the rollups split the way carbon reports need
 * them. Same portable SQL and store as {@link Store}; methods block, callers run them on the store's worker.
 */
public interface CarbonStore {

    /** An hourly rollup as a recompute needs it, with the device's site. */
    record HourRollup(String deviceId, String site, long bucketStartMs, double energyJoules, Double firstHalfHourJoules,
                      double overheadJoules, double carbonGrams, double overheadCarbonGrams, double fallbackJoules) {
    }

    /** New carbon figures for an hourly rollup; the day that holds it changes by the same amounts. */
    record Recomputed(HourRollup before, long dayStartMs, double carbonGrams, double overheadCarbonGrams, double fallbackJoules) {
    }

    /** Works out hourly rollups' carbon again from a region's series; rows of devices in other regions are left out. */
    interface Recomputer {
        List<Recomputed> recompute(String region, IntensitySeries series, List<HourRollup> rows);
    }

    /**
     * @param stored half-hours written (a forecast never replaces a stored actual)
     * @param recomputedRollups hourly rollups whose carbon changed with the new data
     */
    record ImportOutcome(int points, int stored, int recomputedRollups) {
    }

    /** Energy, carbon and cost summed over rollups of one site (null: devices without one). */
    record Breakdown(String site, Store.Totals totals) {
    }

    /**
     * Stores half-hours by region and recomputes the carbon of hourly and daily rollups they cover, all in
     * one transaction: on any failure nothing is stored or changed.
     */
    ImportOutcome importIntensity(Map<String, List<IntensitySeries.Point>> byRegion, long nowMs, Recomputer recomputer);

    /** Every stored series, by region key. */
    Map<String, IntensitySeries> intensity();

    /** Changes whenever an import stored something, also by another process sharing the store. */
    String intensityVersion();

    /** Rollups of a period ({@code hour} or {@code day}) with bucket start in [fromMs, toMs), one device or all (null). */
    List<Breakdown> breakdown(String period, long fromMs, long toMs, String deviceId);
}
