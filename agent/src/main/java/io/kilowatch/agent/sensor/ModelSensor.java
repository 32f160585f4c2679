package io.kilowatch.agent.sensor;

import io.kilowatch.core.energy.PowerModel;
import java.time.Instant;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/** The fallback that always answers: the class's utilisation model plus attached displays. */
public final class ModelSensor implements PowerSensor {
    private final PowerModel model;
    private final DoubleSupplier displayWatts;

    public ModelSensor(PowerModel model, DoubleSupplier displayWatts) {
        this.model = model;
        this.displayWatts = displayWatts;
    }

    @Override
    public String source() {
        return "model";
    }

    @Override
    public Optional<PowerReading> read(Instant now, double cpuUtilisation) {
        return Optional.of(PowerReading.ofWatts(source(), model.watts(cpuUtilisation) + displayWatts.getAsDouble()));
    }
}
