package io.kilowatch.agent.system;

import io.kilowatch.core.report.Inventory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import oshi.SystemInfo;
import oshi.hardware.ComputerSystem;
import oshi.hardware.Display;
import oshi.hardware.Firmware;
import oshi.hardware.HWDiskStore;
import oshi.hardware.HardwareAbstractionLayer;
import oshi.util.EdidUtil;

/** The device's inventory from OSHI: computer, firmware, CPU, memory, disks and monitors (from EDID). */
public final class InventoryReader {
    private static final int EDID_MONITOR_NAME = 0xFC;
    private static final int EDID_SERIAL_TEXT = 0xFF;

    private final HardwareAbstractionLayer hal;

    public InventoryReader(SystemInfo systemInfo) {
        this.hal = systemInfo.getHardware();
    }

    /** @param displayWatts the watts attributed to each display, as the power model counts them */
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
            result.add(fromEdid(display.getEdid(), displayWatts));
        }
        return result;
    }

    /** Parses the fields Kilowatch keeps from a 128-byte EDID block. */
    public static Inventory.Display fromEdid(byte[] edid, double watts) {
        String name = null;
        String serial = EdidUtil.getSerialNo(edid);
        for (byte[] descriptor : EdidUtil.getDescriptors(edid)) {
            int type = EdidUtil.getDescriptorType(descriptor);
            if (type == EDID_MONITOR_NAME) {
                name = EdidUtil.getDescriptorText(descriptor).trim();
            } else if (type == EDID_SERIAL_TEXT) {
                serial = EdidUtil.getDescriptorText(descriptor).trim();
            }
        }
        return new Inventory.Display(
                EdidUtil.getManufacturerID(edid),
                EdidUtil.getProductID(edid).toLowerCase(Locale.ROOT),
                known(serial),
                known(name),
                EdidUtil.getHcm(edid),
                EdidUtil.getVcm(edid),
                watts);
    }

    /** OSHI says "unknown" (or leaves blanks, or vendor filler) where a platform hides a value. */
    static String known(String value) {
        if (value == null) {
            return null;
        }
        String v = value.trim();
        String lower = v.toLowerCase(Locale.ROOT);
        if (v.isEmpty() || lower.equals("unknown") || lower.contains("to be filled") || lower.equals("default string")
                || lower.equals("none") || lower.equals("not specified") || lower.equals("system serial number")) {
            return null;
        }
        return v;
    }
}
