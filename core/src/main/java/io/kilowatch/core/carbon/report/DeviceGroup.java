package io.kilowatch.core.carbon.report;

import io.kilowatch.core.carbon.EnergyFootprint;

/** The summed figures of a group of devices over a period, and how many devices it holds. */
public record DeviceGroup(EnergyFootprint footprint, int devices) {
    public static final DeviceGroup EMPTY = new DeviceGroup(EnergyFootprint.ZERO, 0);

    public DeviceGroup plus(DeviceGroup o) {
        return new DeviceGroup(footprint.plus(o.footprint), devices + o.devices);
    }
}
