package io.kilowatch.agent.sensor;

import java.time.Instant;
import java.util.Optional;

/**
 * A source of a device's power. Sensors are tried in a configured order and the first that has a
 * reading wins, so a measured figure always beats a modelled one.
 */
public interface PowerSensor {
    /** The label reports and metrics carry: rapl, battery or model. */
    String source();

    /**
     * The device's wall power now, or empty when this sensor has nothing to say at this moment
     * (a laptop on mains has no discharge rate).
     *
     * @param cpuUtilisation the machine's CPU utilisation over the last sample, 0..1
     */
    Optional<PowerReading> read(Instant now, double cpuUtilisation);
}
