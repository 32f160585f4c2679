package io.kilowatch.agent.sensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SysfsBatteriesTest {
    @Test
    void aLaptopOnBatteryReportsItsDischargeRate(@TempDir Path supplies) throws Exception {
        supply(supplies, "AC", Map.of("type", "Mains", "online", "0"));
        supply(supplies, "BAT0", Map.of("type", "Battery", "status", "Discharging", "power_now", "8420000"));
        // a battery reporting charge: 1.2 A at 11.1 V
        supply(supplies, "BAT1", Map.of("type", "Battery", "status", "Discharging", "current_now", "1200000", "voltage_now", "11100000"));
        supply(supplies, "hidpp_battery_0", Map.of("type", "Battery", "scope", "Device", "status", "Discharging"));
        List<BatterySensor.BatteryState> batteries = new SysfsBatteries(supplies).get();
        assertEquals(2, batteries.size());
        assertEquals(8.42 + 13.32, BatterySensor.dischargeWatts(batteries).orElseThrow(), 1e-9);
    }

    @Test
    void onMainsTheBatterySaysNothing(@TempDir Path supplies) throws Exception {
        supply(supplies, "AC", Map.of("type", "Mains", "online", "1"));
        supply(supplies, "BAT0", Map.of("type", "Battery", "status", "Charging", "power_now", "20000000"));
        assertEquals(Optional.empty(), BatterySensor.dischargeWatts(new SysfsBatteries(supplies).get()));
        assertEquals(List.of(), new SysfsBatteries(supplies.resolve("none")).get(), "a desktop has no power_supply class at all");
    }

    private static void supply(Path supplies, String name, Map<String, String> attributes) throws Exception {
        Path dir = Files.createDirectories(supplies.resolve(name));
        for (var attribute : attributes.entrySet()) {
            Files.writeString(dir.resolve(attribute.getKey()), attribute.getValue() + "\n");
        }
    }
}
