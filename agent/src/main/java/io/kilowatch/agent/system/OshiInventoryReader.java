package io.kilowatch.agent.system;

import static io.kilowatch.agent.system.InventoryReader.known;

import io.kilowatch.core.report.Inventory;
import java.util.ArrayList;
import java.util.List;
import oshi.SystemInfo;
import oshi.hardware.ComputerSystem;
import oshi.hardware.Display;
import oshi.hardware.Firmware;
import oshi.hardware.HWDiskStore;
import oshi.hardware.HardwareAbstractionLayer;

/** The device's inventory from OSHI on Windows and macOS: computer, firmware, CPU, memory, disks and monitors. */
public final class OshiInventoryReader implements InventoryReader {
    private final HardwareAbstractionLayer hal;

    public OshiInventoryReader(SystemInfo systemInfo) {
        this.hal = systemInfo.getHardware();
    }

    @Override
    public String hardwareUuid() {
        return known(hal.getComputerSystem().getHardwareUUID());
    }

    @Override
    public Inventory read(double displayWatts) {
        ComputerSystem cs = hal.getComputerSystem();
        Firmware fw = cs.getFirmware();
        var cpu = hal.getProcessor();
        List<Inventory.Disk> disks = new ArrayList<>();
        for (HWDiskStore disk : hal.getDiskStores()) {
            disks.add(new Inventory.Disk(known(disk.getModel()), known(disk.getSerial()), disk.getSize()));
        }
        return new Inventory(
                known(cs.getManufacturer()),
                known(cs.getModel()),
                known(cs.getSerialNumber()),
                known(cs.getHardwareUUID()),
                new Inventory.Firmware(known(fw.getManufacturer()), known(fw.getVersion()), known(fw.getReleaseDate())),
                new Inventory.Cpu(known(cpu.getProcessorIdentifier().getName()), cpu.getPhysicalProcessorCount(), cpu.getLogicalProcessorCount()),
                hal.getMemory().getTotal(),
                disks,
                displays(hal.getDisplays(), displayWatts));
    }

    static List<Inventory.Display> displays(List<Display> displays, double displayWatts) {
        List<Inventory.Display> result = new ArrayList<>();
        for (Display display : displays) {
            result.add(InventoryReader.fromEdid(display.getEdid(), displayWatts));
        }
        return result;
    }
}
