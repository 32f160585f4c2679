package io.kilowatch.core.snmp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A device's figures composed from every profile that applies to it (docs/snmp.md, "Composition"). Pure.
 * <ul>
 * <li>Power drawn: the figure of the highest-ranked profile that measured one (a vendor PSU table over
 * ENTITY-SENSOR's partial view, say); never the sum of two profiles, which would count one watt twice.</li>
 * <li>Power delivered (PoE): the highest-ranked profile's, added to the class model only when no profile
 * measured the draw, which already includes it.</li>
 * <li>Energy meter: the same profile's as the power, so the meter and the power describe one thing.</li>
 * <li>A PDU metered only by outlet: when no profile measures the draw, the highest-ranked profile's outlets summed
 * (the PDU's own electronics, a few watts, left out), ahead of the class model and of any PoE on it.</li>
 * </ul>
 *
 * @param powerFrom the profile whose measurement is the device's power, or null when the class model is
 * @param parts each applied profile's own reading, in the order given
 */
public record ComposedReading(Double powerWatts, Double addedWatts, Double energyKwhTotal, Double cpuRatio, Map<String, Boolean> interfaceUp,
                              List<ProfileReading.Sample> samples, String powerFrom, Map<String, ProfileReading> parts) {

    /** @param parts each profile's reading by profile name, highest power rank first */
    public static ComposedReading compose(Map<String, ProfileReading> parts) {
        String powerFrom = null;
        Double added = null;
        Double cpu = null;
        Map<String, Boolean> interfaces = new LinkedHashMap<>();
        Map<String, ProfileReading.Sample> samples = new LinkedHashMap<>();
        for (Map.Entry<String, ProfileReading> e : parts.entrySet()) {
            ProfileReading r = e.getValue();
            if (powerFrom == null && r.powerWatts() != null) {
                powerFrom = e.getKey();
            }
            if (added == null) {
                added = r.addedWatts();
            }
            if (cpu == null) {
                cpu = r.cpuRatio();
            }
            r.interfaceUp().forEach(interfaces::putIfAbsent);
            // profiles that include the same one (interfaces) read the same samples: publish each once
            r.samples().forEach(s -> samples.putIfAbsent(s.metric() + "\u0000" + s.index(), s));
        }
        if (powerFrom == null) {
            powerFrom = parts.entrySet().stream().filter(e -> e.getValue().outletsWatts() != null).map(Map.Entry::getKey).findFirst().orElse(null);
        }
        ProfileReading source = powerFrom == null ? null : parts.get(powerFrom);
        Double power = source == null ? null : source.powerWatts() != null ? source.powerWatts() : source.outletsWatts();
        return new ComposedReading(power, source == null ? added : null,
                source == null ? null : source.energyKwhTotal(), cpu, interfaces, new ArrayList<>(samples.values()), powerFrom, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parts)));
    }
}
