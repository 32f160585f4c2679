package io.kilowatch.collector.estate;

/**
 * Energy and carbon to add to one device's hourly or daily bucket.
 *
 * @param period {@code hour} (UTC hours) or {@code day} (local days in the collector's time zone)
 */
public record RollupIncrement(String deviceId, String period, long bucketStartMs, double energyJoules, double carbonGrams) {
    public static final String HOUR = "hour";
    public static final String DAY = "day";
}
