package io.kilowatch.core.snmp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A device's figures composed from every profile that applies to it (docs/snmp.md, "Composition"). Pure.
 * <ul>
 * <li>Power drawn: the figure of the highest-ranked profile that measured one (a vendor PSU table over
 * ENTITY-SENSOR's partial view, say); never the sum of two profiles, which would count one watt twice. A figure
 * under {@link #MIN_DRAWN_WATTS} is no device's draw (transceivers' optical milliwatts typed as watts, a meter
 * idling at a few tenths), and one under the power the device delivers (PoE) saw only part of it (one metered
 * supply of a stack): that profile measured nothing.</li>
 * <li>Power delivered (PoE): the highest-ranked profile's, added to the class model only when no profile
 * measured the draw, which already includes it.</li>
 * <li>Energy meter: the same profile's as the power, so the meter and the power describe one thing.</li>
 * <li>A PDU metered only by outlet: when no profile measures the draw, the highest-ranked profile's outlets summed
 * (the PDU's own electronics, a few watts, left out), ahead of the class model and of any PoE on it; outlets
 * summing under {@link #MIN_DRAWN_WATTS} measured nothing.</li>
 * </ul>
 *
 * @param powerFrom the profile whose measurement is the device's power, or null when the class model is
 * @param parts each applied profile's own reading, in the order given
 */
public record ComposedReading(Double powerWatts, Double addedWatts, Double energyKwhTotal, Double cpuRatio, Map<String, Boolean> interfaceUp,
                              List<ProfileReading.Sample> samples, String powerFrom, Map<String, ProfileReading> parts) {
    /** Below this, a profile's power is not what a device that answers SNMP draws. */
    public static final double MIN_DRAWN_WATTS = 1.0;

    /** @param parts each profile's reading by profile name, highest power rank first */
    public static ComposedReading compose(Map<String, ProfileReading> parts) {
        Double added = parts.values().stream().map(ProfileReading::addedWatts).filter(w -> w != null).findFirst().orElse(null);
        // a device draws at least what it passes on: less saw only part of it (one supply of several metered)
        double leastDrawn = Math.max(MIN_DRAWN_WATTS, added == null ? 0 : added);
        String powerFrom = null;
        Double cpu = null;
        Map<String, Boolean> interfaces = new LinkedHashMap<>();
        Map<String, ProfileReading.Sample> samples = new LinkedHashMap<>();
        for (Map.Entry<String, ProfileReading> e : parts.entrySet()) {
            ProfileReading r = e.getValue();
            if (powerFrom == null && r.powerWatts() != null && r.powerWatts() >= leastDrawn) {
                powerFrom = e.getKey();
            }
            if (cpu == null) {
                cpu = r.cpuRatio();
            }
            r.interfaceUp().forEach(interfaces::putIfAbsent);
            // profiles that include the same one (interfaces) read the same samples: publish each once
            r.samples().forEach(s -> samples.putIfAbsent(s.metric() + "\u0000" + s.index(), s));
        }
        boolean fromOutlets = false;
        if (powerFrom == null) {
            // outlets that together read under a watt measured nothing either (a PDU whose meters all read 0)
            powerFrom = parts.entrySet().stream().filter(e -> e.getValue().outletsWatts() != null && e.getValue().outletsWatts() >= MIN_DRAWN_WATTS)
                    .map(Map.Entry::getKey).findFirst().orElse(null);
            fromOutlets = powerFrom != null;
        }
        ProfileReading source = powerFrom == null ? null : parts.get(powerFrom);
        Double power = source == null ? null : fromOutlets ? source.outletsWatts() : source.powerWatts();
        return new ComposedReading(power, source == null ? added : null,
                source == null ? null : source.energyKwhTotal(), cpu, interfaces, new ArrayList<>(samples.values()), powerFrom, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parts)));
    }
}
