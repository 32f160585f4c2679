package io.kilowatch.agent.sensor;

import io.kilowatch.core.energy.PowerModel;
import java.time.Instant;
import java.util.Optional;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/** The fallback that always answers: the class's utilisation model plus attached displays. */
public final class ModelSensor implements PowerSensor {
    private final Supplier<PowerModel> model;
    private final DoubleSupplier displayWatts;

    /** @param model the model in force now: the collector's central settings may change it */
    public ModelSensor(Supplier<PowerModel> model, DoubleSupplier displayWatts) {
        this.model = model;
        this.displayWatts = displayWatts;
    }

    @Override
    public String source() {
        return "model";
    }

    @Override
    public Optional<PowerReading> read(Instant now, double cpuUtilisation) {
        return Optional.of(PowerReading.ofWatts(source(), model.get().watts(cpuUtilisation) + displayWatts.getAsDouble()));
    }
}
