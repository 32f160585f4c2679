package io.kilowatch.core.carbon;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What some IT energy amounts to, with every part apart, as the rollups keep it.
 *
 * @param itJoules the devices' own energy
 * @param overheadJoules the site's facility energy on top of it: IT x (PUE - 1)
 * @param carbonGrams operational generation carbon (scope 2, location-based) of IT and overhead energy
 * @param overheadCarbonGrams the overhead's share of {@code carbonGrams}
 * @param tdCarbonGrams transmission and distribution losses (scope 3) of IT and overhead energy
 * @param fallbackJoules IT energy whose carbon used the annual factor because no half-hour intensity covered it
 * @param costGbp cost of IT and overhead energy at the tariff
 * @param sources every factor set and tariff that went into the figures, in order of first use
 */
public record EnergyFootprint(double itJoules, double overheadJoules, double carbonGrams, double overheadCarbonGrams,
                              double tdCarbonGrams, double fallbackJoules, double costGbp, List<String> sources) {
    /** Operational carbon here is always location-based: the grid's average intensity where and when energy was used. */
    public static final String METHOD = "location-based";

    public static final EnergyFootprint ZERO = new EnergyFootprint(0, 0, 0, 0, 0, 0, 0, List.of());

    public EnergyFootprint {
        sources = List.copyOf(sources);
    }

    public String method() {
        return METHOD;
    }

    public EnergyFootprint plus(EnergyFootprint o) {
        Set<String> all = new LinkedHashSet<>(sources);
        all.addAll(o.sources);
        return new EnergyFootprint(itJoules + o.itJoules, overheadJoules + o.overheadJoules, carbonGrams + o.carbonGrams,
                overheadCarbonGrams + o.overheadCarbonGrams, tdCarbonGrams + o.tdCarbonGrams, fallbackJoules + o.fallbackJoules,
                costGbp + o.costGbp, List.copyOf(all));
    }
}
