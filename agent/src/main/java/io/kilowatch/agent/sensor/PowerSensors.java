package io.kilowatch.agent.sensor;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/** The configured sensors in order of preference; the model last, so there is always a reading. */
public final class PowerSensors {
    private final List<PowerSensor> ordered;
    private final ModelSensor fallback;

    public PowerSensors(List<PowerSensor> ordered, ModelSensor fallback) {
        this.ordered = List.copyOf(ordered);
        this.fallback = fallback;
    }

    public PowerReading read(Instant now, double cpuUtilisation) {
        for (PowerSensor sensor : ordered) {
            var reading = sensor.read(now, cpuUtilisation);
            if (reading.isPresent()) {
                return reading.get();
            }
        }
        return fallback.read(now, cpuUtilisation).orElseThrow();
    }

    public List<String> sources() {
        return Stream.concat(ordered.stream(), Stream.of(fallback))
                .map(PowerSensor::source).toList();
    }
}
