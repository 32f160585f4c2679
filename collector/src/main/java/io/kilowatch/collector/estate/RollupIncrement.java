package io.kilowatch.collector.estate;

import io.kilowatch.core.carbon.EnergyFootprint;

/**
 * Energy, carbon and cost to add to one device's hourly or daily bucket.
 *
 * @param period {@code hour} (UTC hours) or {@code day} (local days in the collector's time zone)
 * @param firstHalfHourJoules of an hour bucket, the IT energy in its first half-hour (carbon can be
 *     recomputed exactly when half-hourly intensity arrives later); null for a day bucket
 * @param measuredRatio the part of the energy a meter measured (RAPL, battery, the device's own SNMP power, a PDU outlet or
 *     a UPS feeding it), from 0 to 1; the rest came from a power model: data quality in reports
 */
public record RollupIncrement(String deviceId, String period, long bucketStartMs, EnergyFootprint footprint, Double firstHalfHourJoules,
                              double measuredRatio) {
    public static final String HOUR = "hour";
    public static final String DAY = "day";

    public double energyJoules() {
        return footprint.itJoules();
    }

    public double measuredJoules() {
        return footprint.itJoules() * measuredRatio;
    }

    public double modelledJoules() {
        return footprint.itJoules() - measuredJoules();
    }

    public double carbonGrams() {
        return footprint.carbonGrams();
    }
}
