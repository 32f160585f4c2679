package io.kilowatch.agent.system;

import static io.kilowatch.agent.system.InventoryReader.known;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.kilowatch.core.report.Inventory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import oshi.SystemInfo;
import oshi.hardware.ComputerSystem;

class SysfsInventoryReaderTest {
    @Test
    void readsTheProcessorFromARecordedCpuinfo(@TempDir Path sys) {
        Inventory inventory = new SysfsInventoryReader(sys, ProcfsSystemProbeTest.NODE_EXPORTER_PROC).read(20.0);
        assertEquals(new Inventory.Cpu("Intel(R) Core(TM) i7-8650U CPU @ 1.90GHz", 4, 8), inventory.cpu());
    }

    @Test
    void readsSmbiosDisksAndMonitorsFromSysfs(@TempDir Path sys) throws Exception {
        Path dmi = Files.createDirectories(sys.resolve("class/dmi/id"));
        Files.writeString(dmi.resolve("sys_vendor"), "LENOVO\n");
        Files.writeString(dmi.resolve("product_name"), "20UD0013UK\n");
        Files.writeString(dmi.resolve("product_version"), "ThinkPad T14 Gen 1\n");
        Files.writeString(dmi.resolve("board_serial"), "L1HF0AB012C\n"); // product_serial readable by root only: absent here
        Files.writeString(dmi.resolve("bios_vendor"), "LENOVO\n");
        Files.writeString(dmi.resolve("bios_version"), "R1BET65W(1.34 )\n");
        Files.writeString(dmi.resolve("bios_date"), "07/21/2021\n");
        disk(sys, "nvme0n1", "1000215216", "SAMSUNG MZVLB512HBJQ-000L7", "S4ENNX0N123456");
        disk(sys, "loop0", "0", null, null);
        disk(sys, "dm-0", "999000000", null, null);
        Path connected = Files.createDirectories(sys.resolve("class/drm/card0-eDP-1"));
        Files.writeString(connected.resolve("status"), "connected\n");
        Files.write(connected.resolve("edid"), InventoryReaderTest.dellEdid());
        Path empty = Files.createDirectories(sys.resolve("class/drm/card0-HDMI-A-1"));
        Files.writeString(empty.resolve("status"), "disconnected\n");
        Files.write(empty.resolve("edid"), new byte[0]);

        Inventory inventory = new SysfsInventoryReader(sys, ProcfsSystemProbeTest.NODE_EXPORTER_PROC).read(20.0);
        assertEquals("LENOVO", inventory.manufacturer());
        assertEquals("20UD0013UK (version: ThinkPad T14 Gen 1)", inventory.model());
        assertEquals("L1HF0AB012C", inventory.serial());
        assertNull(inventory.hardwareUuid());
        assertEquals(new Inventory.Firmware("LENOVO", "R1BET65W(1.34 )", "2021-07-21"), inventory.firmware());
        assertEquals(List.of(new Inventory.Disk("SAMSUNG MZVLB512HBJQ-000L7", "S4ENNX0N123456", 1000215216L * 512)), inventory.disks());
        assertEquals(List.of(InventoryReader.fromEdid(InventoryReaderTest.dellEdid(), 20.0)), inventory.displays());
    }

    private static void disk(Path sys, String name, String sectors, String model, String serial) throws Exception {
        Path block = Files.createDirectories(sys.resolve("block").resolve(name).resolve("device"));
        Files.writeString(block.resolve("../size"), sectors + "\n");
        if (model != null) {
            Files.writeString(block.resolve("model"), model + "  \n");
            Files.writeString(block.resolve("serial"), serial + "\n");
        }
    }

    /** Both read this machine's sysfs and procfs: every field OSHI knows, the sysfs reader gives alike. */
    @Test
    @EnabledOnOs(OS.LINUX)
    void agreesWithOshiOnThisMachine() {
        SystemInfo oshi = new SystemInfo();
        Inventory ours = new SysfsInventoryReader().read(20.0);
        Inventory theirs = new OshiInventoryReader(oshi).read(20.0);
        ComputerSystem cs = oshi.getHardware().getComputerSystem();
        assertEquals(theirs.manufacturer(), ours.manufacturer());
        assertEquals(theirs.model(), ours.model());
        assertEquals(theirs.serial(), ours.serial());
        assertEquals(known(cs.getHardwareUUID()), ours.hardwareUuid());
        assertEquals(theirs.firmware().manufacturer(), ours.firmware().manufacturer());
        assertEquals(theirs.firmware().releaseDate(), ours.firmware().releaseDate());
        assertEquals(theirs.cpu(), ours.cpu());
        assertEquals(theirs.memoryBytes(), ours.memoryBytes());
        // OSHI takes a disk's serial from udev's database, which a container lacks; /sys/block gives the kernel's copy
        assertEquals(theirs.disks().size(), ours.disks().size());
        for (int i = 0; i < ours.disks().size(); i++) {
            Inventory.Disk disk = theirs.disks().get(i);
            assertEquals(disk.model(), ours.disks().get(i).model());
            assertEquals(disk.sizeBytes(), ours.disks().get(i).sizeBytes());
            if (disk.serial() != null) {
                assertEquals(disk.serial(), ours.disks().get(i).serial());
            }
        }
    }
}
