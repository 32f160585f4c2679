package io.kilowatch.core.energy;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What kind of device a report comes from, with the default utilisation model used when nothing
 * measures its power. Figures are documented with their sources in docs/power-sources.md; config
 * overrides them per device.
 */
public enum DeviceClass {
    // Office PCs: ENERGY STAR-class desktops idle near 25 W and rarely pass 90 W at the wall.
    DESKTOP(25.0, 90.0),
    LAPTOP(6.0, 35.0),
    THIN_CLIENT(5.0, 15.0),
    // Cloud Carbon Footprint's on-premise server average (SPECpower): 65.8 W idle, 367.1 W at full load.
    SERVER(65.8, 367.1),
    // Devices polled over SNMP (docs/power-sources.md gives the basis of each figure). Their CPU load
    // says little about their draw, so idle and max sit close together.
    SWITCH(30.0, 60.0),
    ROUTER(20.0, 50.0),
    FIREWALL(25.0, 60.0),
    // Within an IEEE 802.3af/at PoE budget: class 3 15.4 W at most, a busy dual-band AP about 12 W.
    ACCESS_POINT(8.0, 15.4),
    PRINTER(15.0, 500.0),
    UPS(20.0, 60.0),
    PDU(5.0, 10.0),
    STORAGE(150.0, 400.0),
    NETWORK_DEVICE(20.0, 50.0);

    private final PowerModel defaultModel;
    DeviceClass(double idleWatts, double maxWatts) {
        this.defaultModel = new PowerModel(idleWatts, maxWatts);
    }

    public PowerModel defaultModel() {
        return defaultModel;
    }

    /** The name used in config, reports and metric labels: {@code desktop}, {@code thin_client}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<DeviceClass> fromLabel(String label) {
        return Arrays.stream(values()).filter(c -> c.label().equals(label)).findFirst();
    }

    public static String allLabels() {
        return String.join(", ", Arrays.stream(values()).map(DeviceClass::label).toList());
    }
}
