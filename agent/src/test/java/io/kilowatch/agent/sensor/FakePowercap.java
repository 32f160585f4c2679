package io.kilowatch.agent.sensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A powercap tree laid out as a two-socket Intel server's kernel lays it out (intel-rapl:N package
 * zones with core/uncore/dram subzones, plus the mmio and psys zones a sensor must skip).
 */
final class FakePowercap {
    static final long RANGE = 262_143_328_850L; // max_energy_range_uj of a Xeon package zone

    final Path root;

    FakePowercap(Path root) throws IOException {
        this.root = root;
        zone("intel-rapl:0", "package-0", 1_000_000, RANGE);
        zone("intel-rapl:0/intel-rapl:0:0", "core", 500_000, RANGE);
        zone("intel-rapl:0/intel-rapl:0:1", "dram", 200_000, 65_712_999_613L);
        zone("intel-rapl:1", "package-1", 3_000_000, RANGE);
        zone("intel-rapl:1/intel-rapl:1:0", "dram", 400_000, 65_712_999_613L);
        zone("intel-rapl:2", "psys", 9_000_000, RANGE);
        Files.createDirectories(root.resolve("intel-rapl-mmio:0"));
        Files.writeString(root.resolve("intel-rapl-mmio:0/name"), "package-0\n");
        Files.writeString(root.resolve("intel-rapl-mmio:0/energy_uj"), "1000000\n");
    }

    void zone(String dir, String name, long energyUj, long rangeUj) throws IOException {
        Path z = root.resolve(dir);
        Files.createDirectories(z);
        Files.writeString(z.resolve("name"), name + "\n");
        Files.writeString(z.resolve("energy_uj"), energyUj + "\n");
        Files.writeString(z.resolve("max_energy_range_uj"), rangeUj + "\n");
    }

    void set(String dir, long energyUj) throws IOException {
        Files.writeString(root.resolve(dir).resolve("energy_uj"), energyUj + "\n");
    }
}
