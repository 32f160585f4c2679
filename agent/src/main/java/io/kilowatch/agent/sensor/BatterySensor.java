package io.kilowatch.agent.sensor;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A laptop on battery measures its own draw: the discharge rate of its batteries. On mains, or while
 * charging, the rate says nothing about the wall and this sensor stays silent.
 */
public final class BatterySensor implements PowerSensor {
    /** One battery as the platform reports it (OSHI's PowerSource, or {@link SysfsBatteries} on Linux). */
    public record BatteryState(boolean powerOnLine, boolean discharging, double powerUsageRateMilliwatts) {
    }

    private final Supplier<List<BatteryState>> batteries;

    public BatterySensor(Supplier<List<BatteryState>> batteries) {
        this.batteries = batteries;
    }

    @Override
    public String source() {
        return "battery";
    }

    @Override
    public Optional<PowerReading> read(Instant now, double cpuUtilisation) {
        return dischargeWatts(batteries.get()).map(w -> PowerReading.ofWatts(source(), w));
    }

    /** Total discharge in watts when running on battery; OSHI gives the rate in mW, negative when discharging. */
    static Optional<Double> dischargeWatts(List<BatteryState> states) {
        if (states.isEmpty() || states.stream().anyMatch(BatteryState::powerOnLine)) {
            return Optional.empty();
        }
        double watts = states.stream()
                .filter(BatteryState::discharging)
                .mapToDouble(s -> Math.abs(s.powerUsageRateMilliwatts()) / 1000.0)
                .filter(w -> w > 0 && Double.isFinite(w))
                .sum();
        return watts > 0 ? Optional.of(watts) : Optional.empty();
    }
}
