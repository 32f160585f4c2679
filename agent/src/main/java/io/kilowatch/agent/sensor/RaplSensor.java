package io.kilowatch.agent.sensor;

import io.kilowatch.core.energy.CounterDelta;
import io.kilowatch.core.energy.Units;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.DoubleSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Intel/AMD RAPL energy counters from the Linux powercap tree ({@code /sys/class/powercap}).
 * <p>
 * RAPL measures the CPU packages and DRAM only. The wall estimate is
 * {@code (package + dram) / psu_efficiency + platform_watts + displays}, per step: the PSU loses a share
 * of what the CPU and memory draw, and the rest of the board (disks, fans, chipset, NIC) is a constant.
 * {@code intel-rapl-mmio} zones repeat the package counter and {@code psys} overlaps it, so both are left out.
 * <p>
 * {@code energy_uj} is readable only by root on current kernels (CVE-2020-8694); where it cannot be read
 * the sensor is simply absent, as node_exporter's rapl collector treats missing files.
 */
public final class RaplSensor implements PowerSensor {
    private static final Logger LOG = LoggerFactory.getLogger(RaplSensor.class);
    private static final Pattern COUNTED_ZONE = Pattern.compile("package-\\d+|dram");

    record Zone(String name, Path energyFile, long maxRangeMicrojoules) {
    }

    private final List<Zone> zones;
    private final long[] lastMicrojoules;
    private final double psuEfficiency;
    private final double platformWatts;
    private final DoubleSupplier displayWatts;
    private Instant lastTime;

    private RaplSensor(List<Zone> zones, long[] initial, Instant now, double psuEfficiency, double platformWatts, DoubleSupplier displayWatts) {
        this.zones = zones;
        this.lastMicrojoules = initial;
        this.lastTime = now;
        this.psuEfficiency = psuEfficiency;
        this.platformWatts = platformWatts;
        this.displayWatts = displayWatts;
    }

    /** The sensor over the package and DRAM zones under {@code root}, or empty when none can be read. */
    public static Optional<RaplSensor> open(Path root, Instant now, double psuEfficiency, double platformWatts, DoubleSupplier displayWatts) {
        List<Zone> zones = new ArrayList<>();
        collectZones(root, zones);
        List<Zone> readable = new ArrayList<>();
        List<Long> initial = new ArrayList<>();
        for (Zone zone : zones) {
            try {
                initial.add(readLong(zone.energyFile()));
                readable.add(zone);
            } catch (IOException | NumberFormatException e) {
                LOG.atInfo().addKeyValue("zone", zone.name()).addKeyValue("file", zone.energyFile())
                        .log("RAPL zone not readable (root only on current kernels); it is left out");
            }
        }
        if (readable.isEmpty()) {
            return Optional.empty();
        }
        long[] values = initial.stream().mapToLong(Long::longValue).toArray();
        return Optional.of(new RaplSensor(List.copyOf(readable), values, now, psuEfficiency, platformWatts, displayWatts));
    }

    @Override
    public String source() {
        return "rapl";
    }

    public List<String> zoneNames() {
        return zones.stream().map(Zone::name).toList();
    }

    @Override
    public Optional<PowerReading> read(Instant now, double cpuUtilisation) {
        double seconds = Duration.between(lastTime, now).toNanos() / 1e9;
        if (seconds <= 0) {
            return Optional.empty();
        }
        long[] current = new long[zones.size()];
        long microjoules = 0;
        try {
            for (int i = 0; i < zones.size(); i++) {
                current[i] = readLong(zones.get(i).energyFile());
                microjoules += CounterDelta.of(lastMicrojoules[i], current[i], zones.get(i).maxRangeMicrojoules());
            }
        } catch (IOException | NumberFormatException e) {
            LOG.atWarn().addKeyValue("error", e.toString()).log("RAPL read failed; falling back for this sample");
            return Optional.empty();
        }
        System.arraycopy(current, 0, lastMicrojoules, 0, current.length);
        lastTime = now;
        double raplJoules = microjoules / Units.MICROJOULES_PER_JOULE;
        double wallJoules = raplJoules / psuEfficiency + (platformWatts + displayWatts.getAsDouble()) * seconds;
        return Optional.of(new PowerReading(source(), wallJoules / seconds, OptionalDouble.of(wallJoules)));
    }

    private static void collectZones(Path dir, List<Zone> into) {
        try (DirectoryStream<Path> children = Files.newDirectoryStream(dir, "intel-rapl:*")) {
            List<Path> sorted = new ArrayList<>();
            children.forEach(sorted::add);
            sorted.sort(null);
            for (Path zoneDir : sorted) {
                Path nameFile = zoneDir.resolve("name");
                Path energyFile = zoneDir.resolve("energy_uj");
                if (Files.isRegularFile(nameFile) && Files.exists(energyFile)) {
                    String name = Files.readString(nameFile).trim();
                    if (COUNTED_ZONE.matcher(name).matches()) {
                        into.add(new Zone(zoneDir.getFileName() + "/" + name, energyFile, maxRange(zoneDir)));
                    }
                }
                collectZones(zoneDir, into);
            }
        } catch (IOException e) {
            LOG.atDebug().addKeyValue("dir", dir).log("no powercap zones here");
        }
    }

    private static long maxRange(Path zoneDir) {
        try {
            return readLong(zoneDir.resolve("max_energy_range_uj"));
        } catch (IOException | NumberFormatException e) {
            return 0; // unknown range: a drop then reads as a reset, never as a huge wrap
        }
    }

    private static long readLong(Path file) throws IOException {
        return Long.parseLong(Files.readString(file).trim());
    }
}
