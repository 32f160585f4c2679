package io.kilowatch.core.report;

import java.util.List;

/** What a device is made of, as the agent found it. Any field may be null where the platform hides it. */
public record Inventory(
        String manufacturer,
        String model,
        String serial,
        String hardwareUuid,
        Firmware firmware,
        Cpu cpu,
        Long memoryBytes,
        List<Disk> disks,
        List<Display> displays) {

    public record Firmware(String manufacturer, String version, String releaseDate) {
    }

    public record Cpu(String model, Integer physicalCores, Integer logicalCores) {
    }

    public record Disk(String model, String serial, Long sizeBytes) {
    }

    /** A monitor as its EDID describes it, with the watts the agent attributes to it. */
    public record Display(String manufacturer, String productCode, String serial, String name,
                          Integer widthCm, Integer heightCm, Double watts) {
    }
}
