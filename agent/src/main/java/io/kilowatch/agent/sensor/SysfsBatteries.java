package io.kilowatch.agent.sensor;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Batteries on Linux from /sys/class/power_supply, the files OSHI's Linux power sources read, without OSHI.
 * A supply of type Battery that powers the system (not a mouse's: scope Device) counts; the machine is on
 * line when any Mains supply reports online. The rate is power_now (µW), or current_now (µA) times
 * voltage_now (µV) where the driver reports charge instead of energy.
 */
public final class SysfsBatteries implements Supplier<List<BatterySensor.BatteryState>> {
    private final Path powerSupplies;

    public SysfsBatteries(Path powerSupplies) {
        this.powerSupplies = powerSupplies;
    }

    @Override
    public List<BatterySensor.BatteryState> get() {
        List<Path> supplies = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(powerSupplies)) {
            dir.forEach(supplies::add);
        } catch (IOException e) {
            return List.of();
        }
        boolean onLine = supplies.stream().anyMatch(s -> text(s, "type").equals("Mains") && text(s, "online").equals("1"));
        List<BatterySensor.BatteryState> batteries = new ArrayList<>();
        for (Path supply : supplies) {
            if (!text(supply, "type").equals("Battery") || text(supply, "scope").equals("Device")) {
                continue;
            }
            double microwatts = number(supply, "power_now");
            if (microwatts == 0) {
                microwatts = number(supply, "current_now") * number(supply, "voltage_now") / 1e6;
            }
            boolean discharging = text(supply, "status").equals("Discharging");
            // OSHI's sign: negative while discharging
            batteries.add(new BatterySensor.BatteryState(onLine, discharging, (discharging ? -1 : 1) * Math.abs(microwatts) / 1000));
        }
        return batteries;
    }

    private static String text(Path supply, String attribute) {
        try {
            return Files.readString(supply.resolve(attribute)).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static double number(Path supply, String attribute) {
        try {
            return Double.parseDouble(text(supply, attribute));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
