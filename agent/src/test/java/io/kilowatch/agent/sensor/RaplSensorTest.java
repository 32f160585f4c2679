package io.kilowatch.agent.sensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RaplSensorTest {
    private static final Instant T0 = Instant.parse("2026-02-02T10:00:00Z");

    @Test
    void countsPackagesAndDramButNotCoreSubzonesPsysOrMmio(@TempDir Path dir) throws Exception {
        FakePowercap tree = new FakePowercap(dir);
        RaplSensor rapl = RaplSensor.open(tree.root, T0, 1.0, 0.0, () -> 0).orElseThrow();
        assertEquals(List.of("intel-rapl:0/package-0", "intel-rapl:0:1/dram", "intel-rapl:1/package-1", "intel-rapl:1:0/dram"),
                rapl.zoneNames());
    }

    @Test
    void wallPowerIsRaplOverPsuEfficiencyPlusPlatformAndDisplays(@TempDir Path dir) throws Exception {
        FakePowercap tree = new FakePowercap(dir);
        RaplSensor rapl = RaplSensor.open(tree.root, T0, 0.8, 20.0, () -> 15.0).orElseThrow();
        // over 10 s: package-0 +400 J, dram +40 J, package-1 +350 J, dram +10 J = 800 J = 80 W of RAPL
        tree.set("intel-rapl:0", 401_000_000);
        tree.set("intel-rapl:0/intel-rapl:0:1", 40_200_000);
        tree.set("intel-rapl:1", 353_000_000);
        tree.set("intel-rapl:1/intel-rapl:1:0", 10_400_000);
        tree.set("intel-rapl:0/intel-rapl:0:0", 900_000_000); // core subzone: part of the package, not added
        PowerReading r = rapl.read(T0.plusSeconds(10), 0.5).orElseThrow();
        assertEquals("rapl", r.source());
        assertEquals(80 / 0.8 + 20 + 15, r.watts(), 1e-9);
        assertEquals((80 / 0.8 + 20 + 15) * 10, r.measuredJoules().getAsDouble(), 1e-6);
    }

    @Test
    void handlesCounterWraparoundWithMaxEnergyRange(@TempDir Path dir) throws Exception {
        FakePowercap tree = new FakePowercap(dir);
        tree.set("intel-rapl:0", FakePowercap.RANGE - 5_000_000);
        RaplSensor rapl = RaplSensor.open(tree.root, T0, 1.0, 0.0, () -> 0).orElseThrow();
        tree.set("intel-rapl:0", 15_000_000); // wrapped: 5 J to the top, 15 J after zero
        PowerReading r = rapl.read(T0.plusSeconds(1), 0).orElseThrow();
        assertEquals(20.0, r.measuredJoules().getAsDouble(), 1e-9);
    }

    @Test
    void noTreeOrNoReadableZoneMeansNoSensor(@TempDir Path dir) throws Exception {
        assertTrue(RaplSensor.open(dir.resolve("absent"), T0, 0.9, 10, () -> 0).isEmpty());
        Path broken = dir.resolve("broken/intel-rapl:0");
        Files.createDirectories(broken);
        Files.writeString(broken.resolve("name"), "package-0\n");
        Files.writeString(broken.resolve("energy_uj"), "not a number\n");
        assertTrue(RaplSensor.open(dir.resolve("broken"), T0, 0.9, 10, () -> 0).isEmpty());
    }

    @Test
    void aFailedReadFallsBackForThatSample(@TempDir Path dir) throws Exception {
        FakePowercap tree = new FakePowercap(dir);
        RaplSensor rapl = RaplSensor.open(tree.root, T0, 1.0, 0.0, () -> 0).orElseThrow();
        Files.delete(tree.root.resolve("intel-rapl:1/energy_uj"));
        ModelSensor model = new ModelSensor(() -> new io.kilowatch.core.energy.PowerModel(10, 50), () -> 0);
        PowerSensors sensors = new PowerSensors(List.of(rapl), model);
        assertEquals("model", sensors.read(T0.plusSeconds(5), 0.5).source());
        assertEquals(30.0, sensors.read(T0.plusSeconds(5), 0.5).watts(), 1e-9);
    }
}
