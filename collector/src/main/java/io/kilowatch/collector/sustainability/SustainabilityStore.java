package io.kilowatch.collector.sustainability;

import io.kilowatch.collector.estate.EstateStore;
import io.vertx.core.Future;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * What carbon reporting reads beside the main {@link EstateStore}: rollups split the way a report needs them,
 * hourly summaries of raw samples for the savings finder, devices' purchase dates and their known-off time.
 * Portable SQL; each method works on the store's single writer and answers on the caller's context.
 */
public interface SustainabilityStore {

    /**
     * Day rollups summed over the devices sharing an org, site and class label (null where unset, or
     * where the device is no longer known), with imported history under its own labels: local day in the
     * collector's zone, all the split columns, and the IT energy by provenance (measured, modelled,
     * imported; the rest is from rollups older than that split).
     */
    record GroupDay(String org, String site, String deviceClass, long dayStartMs, double energyJoules, double carbonGrams,
                    double overheadJoules, double overheadCarbonGrams, double tdCarbonGrams, double fallbackJoules, double costGbp,
                    double measuredJoules, double modelledJoules, double importedJoules) {
    }

    /** Known-off seconds summed over the devices sharing an org, site and class label, for one local day. */
    record GroupOffDay(String org, String site, String deviceClass, long dayStartMs, double offSeconds) {
    }

    /** One device's hour from raw samples: energy in it and its CPU, mean and highest. */
    record DeviceHour(String deviceId, long hourStartMs, double energyJoules, double meanCpuRatio, double maxCpuRatio) {
    }

    /** Seconds a device was known to be off in one local day. */
    record OffDay(String deviceId, long dayStartMs, double offSeconds) {
    }

    /** Day rollups and imported history with day start in [fromMs, toMs), by labels and day (a group and day may come twice: add them). */
    Future<List<GroupDay>> groupDays(long fromMs, long toMs);

    /** Raw samples with time in [fromMs, toMs), summarised per device and UTC hour. */
    Future<List<DeviceHour>> deviceHours(long fromMs, long toMs);

    /** Off time with day start in [fromMs, toMs), by labels and day. */
    Future<List<GroupOffDay>> groupOffDays(long fromMs, long toMs);

    /** Replaces these days' off time (recomputed from uptime spans, so writing again is harmless). */
    Future<Void> putOffDays(List<OffDay> days);

    Future<Map<String, LocalDate>> purchaseDates();

    Future<Void> setPurchaseDate(String deviceId, LocalDate date, long nowMs);

    /** False when the device had no purchase date. */
    Future<Boolean> clearPurchaseDate(String deviceId);
}
