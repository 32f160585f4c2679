package io.kilowatch.agent.system;

import static io.kilowatch.agent.system.InventoryReader.known;

import io.kilowatch.core.report.Inventory;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The device's inventory on Linux from sysfs and procfs, the files OSHI reads there: SMBIOS fields from
 * /sys/class/dmi/id (serial and UUID readable by root only), disks from /sys/block, monitors from the EDID
 * each connected DRM connector exposes, CPU from /proc/cpuinfo. Where OSHI asks a program instead
 * (dmidecode for the BIOS revision, xrandr for EDIDs), this reads the kernel's copy or does without.
 */
public final class SysfsInventoryReader implements InventoryReader {
    private static final long SECTOR_BYTES = 512;

    private final Path sys;
    private final Path proc;

    public SysfsInventoryReader() {
        this(Path.of("/sys"), Path.of("/proc"));
    }

    /** @param sys sysfs and {@code proc} procfs: injectable for tests */
    SysfsInventoryReader(Path sys, Path proc) {
        this.sys = sys;
        this.proc = proc;
    }

    @Override
    public String hardwareUuid() {
        return known(dmi("product_uuid"));
    }

    @Override
    public Inventory read(double displayWatts) {
        String serial = known(dmi("product_serial"));
        Map<String, String> cpu = firstProcessor();
        int logical = countProcessors();
        return new Inventory(
                known(dmi("sys_vendor")),
                known(model(dmi("product_name"), dmi("product_version"))),
                serial != null ? serial : known(dmi("board_serial")),
                hardwareUuid(),
                new Inventory.Firmware(known(dmi("bios_vendor")), known(dmi("bios_version")), isoDate(dmi("bios_date"))),
                new Inventory.Cpu(known(cpu.get("model name")), physicalCores(logical), logical),
                ProcfsSystemProbe.meminfoKilobytes(ProcfsSystemProbe.readIfPresent(proc.resolve("meminfo")), "MemTotal") * 1024,
                disks(),
                displays(displayWatts));
    }

    /** OSHI's model text: the product name, with its version where the vendor filled one in. */
    static String model(String name, String version) {
        if (name.isEmpty()) {
            return version;
        }
        return version.isEmpty() || version.equals("None") ? name : name + " (version: " + version + ")";
    }

    /** SMBIOS gives MM/DD/YYYY; OSHI and the report use YYYY-MM-DD. */
    static String isoDate(String mmDdYyyy) {
        String[] parts = mmDdYyyy.split("/");
        return parts.length == 3 && parts[2].length() == 4 ? parts[2] + "-" + parts[0] + "-" + parts[1] : known(mmDdYyyy);
    }

    /** Whole disks only: partitions are not in /sys/block, and loop, RAM-disk and device-mapper devices are no hardware. */
    List<Inventory.Disk> disks() {
        List<Inventory.Disk> disks = new ArrayList<>();
        for (Path block : list(sys.resolve("block"))) {
            String name = block.getFileName().toString();
            if (name.startsWith("loop") || name.matches("ram\\d+") || name.startsWith("dm-")) {
                continue;
            }
            String serial = text(block.resolve("device/serial"));
            disks.add(new Inventory.Disk(known(text(block.resolve("device/model"))),
                    known(serial.isEmpty() ? text(block.resolve("serial")) : serial),
                    parseLong(text(block.resolve("size"))) * SECTOR_BYTES));
        }
        return disks;
    }

    /** One display per connected DRM connector with an EDID (status "connected"; a laptop's panel included). */
    List<Inventory.Display> displays(double displayWatts) {
        List<Inventory.Display> displays = new ArrayList<>();
        for (Path connector : list(sys.resolve("class/drm"))) {
            Path edid = connector.resolve("edid");
            if (!text(connector.resolve("status")).equals("connected") || !Files.isReadable(edid)) {
                continue;
            }
            try {
                byte[] bytes = Files.readAllBytes(edid);
                if (bytes.length >= 128) {
                    displays.add(InventoryReader.fromEdid(bytes, displayWatts));
                }
            } catch (IOException e) {
                // a connector unplugged between listing and reading: not a display now
            }
        }
        return displays;
    }

    private Map<String, String> firstProcessor() {
        Map<String, String> fields = new TreeMap<>();
        for (String line : ProcfsSystemProbe.readIfPresent(proc.resolve("cpuinfo")).lines().toList()) {
            if (line.isBlank()) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                fields.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
            }
        }
        return fields;
    }

    private int countProcessors() {
        return (int) Math.max(1, ProcfsSystemProbe.readIfPresent(proc.resolve("stat")).lines().filter(l -> l.matches("cpu\\d+ .*")).count());
    }

    /** Distinct (physical id, core id) pairs, as OSHI counts physical processors; the logical count where cpuinfo has neither. */
    private int physicalCores(int logical) {
        Set<String> cores = new HashSet<>();
        String physicalId = "";
        for (String line : ProcfsSystemProbe.readIfPresent(proc.resolve("cpuinfo")).lines().toList()) {
            if (line.startsWith("physical id")) {
                physicalId = line.substring(line.indexOf(':') + 1).trim();
            } else if (line.startsWith("core id")) {
                cores.add(physicalId + ":" + line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return cores.isEmpty() ? logical : cores.size();
    }

    private String dmi(String field) {
        return text(sys.resolve("class/dmi/id").resolve(field));
    }

    /** A sysfs attribute's text, or "" where it is absent or readable by root only. */
    static String text(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static List<Path> list(Path dir) {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(entries::add);
        } catch (IOException e) {
            return List.of();
        }
        entries.sort(null);
        return entries;
    }

    private static long parseLong(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
