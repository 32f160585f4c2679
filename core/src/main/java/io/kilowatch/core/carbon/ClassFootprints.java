package io.kilowatch.core.carbon;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What each device class is assumed to cost beyond its measured power: embodied (manufacturing) carbon,
 * expected life, and the power it draws while known to be off. Keyed by class label, not by the
 * {@code DeviceClass} enum, so classes added later (SNMP gear) and labels nobody knows still get a row.
 * Every default names its source; config overrides any of them (docs/carbon-reporting.md).
 */
public final class ClassFootprints {
    /**
     * @param embodiedKgco2e manufacturing carbon of one device, or empty where no public figure is known
     *     (the report then lists the class as lacking one rather than inventing it)
     * @param expectedLifeYears years the embodied carbon is spread over
     * @param offWatts power drawn while the device is known to be off (soft-off, standby, management controller)
     * @param sleepWatts power asleep, for what a sleep policy would save; empty for classes that must stay on
     */
    public record Footprint(Optional<Double> embodiedKgco2e, int expectedLifeYears, double offWatts, Optional<Double> sleepWatts,
                            String source) {
        public Footprint {
            if (embodiedKgco2e.isPresent() && !(embodiedKgco2e.get() >= 0)) {
                throw new IllegalArgumentException("embodied carbon must be >= 0 kgCO2e: " + embodiedKgco2e.get());
            }
            if (expectedLifeYears < 1 || expectedLifeYears > 30) {
                throw new IllegalArgumentException("expected life must be 1..30 years: " + expectedLifeYears);
            }
            if (!(offWatts >= 0) || offWatts > 1000) {
                throw new IllegalArgumentException("off power must be 0..1000 W: " + offWatts);
            }
            if (sleepWatts.isPresent() && (!(sleepWatts.get() >= 0) || sleepWatts.get() > 1000)) {
                throw new IllegalArgumentException("sleep power must be 0..1000 W: " + sleepWatts.get());
            }
        }
    }

    /** Label used for classes the table does not know. */
    public static final String FALLBACK = "unknown";
    /** Boavizta (ADEME Base IMPACTS) monitor archetype, per display an agent counts. */
    public static final double MONITOR_EMBODIED_KGCO2E = 64.7;

    private static final String LIFE = "4-year life as Cloud Carbon Footprint and SCI examples use";
    private static final String NO_EMBODIED = "no public embodied figure in Kilowatch's sources: set it in config";

    private final Map<String, Footprint> byLabel;

    private ClassFootprints(Map<String, Footprint> byLabel) {
        this.byLabel = Map.copyOf(byLabel);
    }

    /** The documented defaults; see docs/carbon-reporting.md for each source. */
    public static ClassFootprints defaults() {
        Map<String, Footprint> m = new LinkedHashMap<>();
        m.put("desktop", new Footprint(Optional.of(277.0), 4, 2.0, Optional.of(4.0),
                "embodied: Boavizta desktop archetype (ADEME Base IMPACTS); " + LIFE + "; off/sleep: ENERGY STAR v4 desktop limits"));
        m.put("laptop", new Footprint(Optional.of(181.0), 4, 1.0, Optional.of(1.7),
                "embodied: Boavizta laptop archetype (ADEME Base IMPACTS); " + LIFE + "; off/sleep: ENERGY STAR v4 notebook limits"));
        m.put("thin_client", new Footprint(Optional.empty(), 5, 1.0, Optional.of(1.7),
                NO_EMBODIED + "; life: Kilowatch assumption; off/sleep: ENERGY STAR v4 notebook limits as a proxy"));
        m.put("server", new Footprint(Optional.of(950.0), 4, 0.0, Optional.empty(),
                "embodied: Boavizta rack server (Dell R740 archetype); " + LIFE + "; off: 0 W; servers are not put to sleep"));
        // Network and power gear never sleeps in normal use: off means unpowered, so 0 W.
        for (String label : new String[] {"switch", "router", "firewall", "access_point", "storage", "network_device"}) {
            m.put(label, new Footprint(Optional.empty(), 6, 0.0, Optional.empty(), NO_EMBODIED + "; life: Kilowatch assumption (network refresh cycle); off: 0 W"));
        }
        m.put("printer", new Footprint(Optional.empty(), 5, 0.5, Optional.empty(), NO_EMBODIED + "; life: Kilowatch assumption; off: EU ecodesign off-mode limit 0.5 W"));
        m.put("ups", new Footprint(Optional.empty(), 8, 0.0, Optional.empty(), NO_EMBODIED + "; life: Kilowatch assumption; off: 0 W"));
        m.put("pdu", new Footprint(Optional.empty(), 10, 0.0, Optional.empty(), NO_EMBODIED + "; life: Kilowatch assumption; off: 0 W"));
        m.put(FALLBACK, new Footprint(Optional.empty(), 4, 0.0, Optional.empty(), "unknown class: no embodied figure, 4-year life, 0 W off, not put to sleep"));
        return new ClassFootprints(m);
    }

    /** A copy with these classes replaced (config overrides); other classes keep their rows. */
    public ClassFootprints with(Map<String, Footprint> overrides) {
        Map<String, Footprint> m = new LinkedHashMap<>(byLabel);
        m.putAll(overrides);
        return new ClassFootprints(m);
    }

    /** The row for a class label; the {@link #FALLBACK} row for labels the table does not know or null. */
    public Footprint forClass(String label) {
        Footprint f = label == null ? null : byLabel.get(label);
        return f != null ? f : byLabel.get(FALLBACK);
    }

    public boolean knows(String label) {
        return byLabel.containsKey(label);
    }

    public Map<String, Footprint> all() {
        return byLabel;
    }
}
