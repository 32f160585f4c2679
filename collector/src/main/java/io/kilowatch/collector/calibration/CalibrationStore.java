package io.kilowatch.collector.calibration;

import io.kilowatch.core.energy.ModelCalibration;
import io.vertx.core.Future;
import java.util.Map;

/** Measured samples summed per device class, and the calibrated power models operators accepted; each method works on the store's single writer. */
public interface CalibrationStore {

    /** An accepted model, with the one it replaced and what it was fitted on. */
    record Accepted(String deviceClass, double idleWatts, double maxWatts, double previousIdleWatts, double previousMaxWatts, long samples,
                    int devices, long acceptedMs, String acceptedBy) {
    }

    /** The sums of one class's measured samples (power source other than the model) and how many devices they came from. */
    record ClassSums(ModelCalibration.Sums sums, int devices) {
    }

    /** Raw samples with time in [fromMs, toMs) whose power was measured, by device class. */
    Future<Map<String, ClassSums>> measuredSums(long fromMs, long toMs);

    Future<Map<String, Accepted>> accepted();

    Future<Void> accept(Accepted model);

    /** False when the class had no accepted model. */
    Future<Boolean> revert(String deviceClass);
}
