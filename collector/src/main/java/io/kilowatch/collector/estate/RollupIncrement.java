package io.kilowatch.collector.estate;

import io.kilowatch.core.carbon.EnergyFootprint;

/**
 * Energy, carbon and cost to add to one device's hourly or daily bucket.
 *
 * @param period {@code hour} (UTC hours) or {@code day} (local days in the collector's time zone)
 * @param firstHalfHourJoules of an hour bucket, the IT energy in its first half-hour (carbon can be
 *     recomputed exactly when half-hourly intensity arrives later); null for a day bucket
 * @param modelled the energy came from a power model, not a meter (RAPL, battery, SNMP): data quality in reports
 */
public record RollupIncrement(String deviceId, String period, long bucketStartMs, EnergyFootprint footprint, Double firstHalfHourJoules,
                              boolean modelled) {
    public static final String HOUR = "hour";
    public static final String DAY = "day";

    public double energyJoules() {
        return footprint.itJoules();
    }

    public double carbonGrams() {
        return footprint.carbonGrams();
    }
}
