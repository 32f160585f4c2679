package io.kilowatch.collector.calibration;

import io.kilowatch.core.energy.MeteredLoad;
import io.kilowatch.core.energy.ModelCalibration;
import io.kilowatch.core.energy.UpstreamMeter;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;

/**
 * Measured samples summed per device class, upstream meters' readings and the energy they measured of the devices they
 * name, and the calibrated power models operators accepted; each method works on the store's single writer.
 */
public interface CalibrationStore {

    /** An accepted model, with the one it replaced and what it was fitted on. */
    record Accepted(String deviceClass, double idleWatts, double maxWatts, double previousIdleWatts, double previousMaxWatts, long samples,
                    int devices, long acceptedMs, String acceptedBy) {
    }

    /**
     * The sums of one class's measured readings: its devices' own measured samples (power source other than the
     * model) and upstream meters' readings of its modelled devices, one fit's worth.
     *
     * @param devices how many devices measured themselves
     * @param meters how many meters (a UPS, a PDU inlet, one PDU outlet) gave readings
     */
    record ClassSums(ModelCalibration.GroupSums sums, int devices, int meters) {
    }

    /** A meter's reading of the modelled devices it feeds at one poll; {@code sourceId} names the meter (a UPS's id, or {@code <pdu>/<device>} for a device's outlets). */
    record MeterReading(String sourceId, long tsMs, MeteredLoad.Reading reading) {
    }

    /** Raw samples and meter readings with time in [fromMs, toMs) whose power was measured, by device class. */
    Future<Map<String, ClassSums>> measuredSums(long fromMs, long toMs);

    /** Keeps meters' readings (as long as raw samples); a second reading of one meter at one time replaces the first. */
    Future<Void> record(List<MeterReading> readings);

    /**
     * Adds what an upstream meter measured of the devices it names to what their next reports count as measured energy
     * (estate.MeteredEnergy). A device counts one meter: increments from another one are ignored while the first has
     * measured the device within {@link #METER_TAKEOVER_MS}.
     *
     * @param meterId the meter (a PDU's or UPS's device id)
     */
    Future<Void> addMeteredEnergy(String meterId, long atMs, List<UpstreamMeter.Increment> increments);

    /** How long a device's meter must have been silent before another meter's readings of the device count. */
    long METER_TAKEOVER_MS = 10 * 60_000;

    Future<Map<String, Accepted>> accepted();

    Future<Void> accept(Accepted model);

    /** False when the class had no accepted model. */
    Future<Boolean> revert(String deviceClass);
}
