package io.kilowatch.collector.carbon;

import io.kilowatch.collector.estate.EstateStore;
import io.kilowatch.core.carbon.EnergyFootprint;
import io.kilowatch.core.carbon.IntensitySeries;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;

/**
 * Half-hourly grid intensity, and the carbon figures of the rollups split the way carbon reports need
 * them. Same portable SQL and store as {@link EstateStore}; each method works on the store's single writer and answers on
 * the caller's context.
 */
public interface CarbonStore {

    /** An hourly rollup as a recompute needs it, with the device's site and the figures it holds now. */
    record HourRollup(String deviceId, String site, long bucketStartMs, Double firstHalfHourJoules, EnergyFootprint figures) {
    }

    /** New figures for an hourly rollup; the day that holds it changes by the same amounts. */
    record Recomputed(HourRollup before, long dayStartMs, EnergyFootprint after) {
    }

    /** Works out hourly rollups' figures again; rows it leaves out of its answer stay as they are. */
    interface Recomputer {
        /**
         * @param intensity the stored half-hourly series over the rows' hours, by region key
         */
        List<Recomputed> recompute(List<HourRollup> rows, Map<String, IntensitySeries> intensity);
    }

    /**
     * @param stored half-hours written (a forecast never replaces a stored actual)
     * @param recomputedRollups hourly rollups whose carbon changed with the new data
     */
    record ImportOutcome(int points, int stored, int recomputedRollups) {
    }

    /** Energy, carbon and cost summed over rollups of one site (null: devices without one). */
    record Breakdown(String site, EnergyFootprint totals) {
    }

    /**
     * Stores half-hours by region and recomputes the carbon of hourly and daily rollups they cover, all in
     * one transaction: on any failure nothing is stored or changed.
     */
    Future<ImportOutcome> importIntensity(Map<String, List<IntensitySeries.Point>> byRegion, long nowMs, Recomputer recomputer);

    /**
     * Works the hourly rollups with bucket start in [fromMs, toMs) out again from their stored energy,
     * and their days by the same amounts, in one transaction; returns how many hourly rollups changed.
     */
    Future<Integer> recomputeRollups(long fromMs, long toMs, Recomputer recomputer);

    /** Every stored series, by region key. */
    Future<Map<String, IntensitySeries>> intensity();

    /** Changes whenever an import stored something, also by another process sharing the store. */
    Future<String> intensityVersion();

    /** Rollups of a period ({@code hour} or {@code day}) with bucket start in [fromMs, toMs), one device or all (null). */
    Future<List<Breakdown>> breakdown(String period, long fromMs, long toMs, String deviceId);
}
