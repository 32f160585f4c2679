package io.kilowatch.agent.sensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.agent.sensor.BatterySensor.BatteryState;
import io.kilowatch.core.energy.PowerModel;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatterySensorTest {
    private static final Instant NOW = Instant.parse("2026-02-02T10:00:00Z");

    @Test
    void onBatteryTheDischargeRateIsThePower() {
        // OSHI reports discharge as a negative rate in mW; a ThinkPad with two packs
        var states = List.of(new BatteryState(false, true, -7_350), new BatteryState(false, true, -1_150));
        assertEquals(8.5, BatterySensor.dischargeWatts(states).orElseThrow(), 1e-9);
    }

    @Test
    void onMainsOrWithoutBatteriesItIsSilent() {
        assertTrue(BatterySensor.dischargeWatts(List.of(new BatteryState(true, false, 12_000))).isEmpty());
        assertTrue(BatterySensor.dischargeWatts(List.of()).isEmpty());
        assertTrue(BatterySensor.dischargeWatts(List.of(new BatteryState(false, true, 0))).isEmpty());
    }

    @Test
    void sensorsFallBackInOrder() {
        BatterySensor onMains = new BatterySensor(() -> List.of(new BatteryState(true, false, 0)));
        BatterySensor onBattery = new BatterySensor(() -> List.of(new BatteryState(false, true, -9_000)));
        ModelSensor model = new ModelSensor(() -> new PowerModel(6, 35), () -> 20);
        assertEquals("model", new PowerSensors(List.of(onMains), model).read(NOW, 0).source());
        assertEquals(26.0, new PowerSensors(List.of(onMains), model).read(NOW, 0).watts(), 1e-9);
        PowerReading battery = new PowerSensors(List.of(onBattery), model).read(NOW, 0);
        assertEquals("battery", battery.source());
        assertEquals(9.0, battery.watts(), 1e-9);
        assertEquals(List.of("battery", "model"), new PowerSensors(List.of(onBattery), model).sources());
    }
}
