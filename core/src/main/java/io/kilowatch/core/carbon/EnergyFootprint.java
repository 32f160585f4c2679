package io.kilowatch.core.carbon;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Energy, carbon by scope and cost, every part apart: one piece of energy as the calculator prices it, a
 * rollup row as the store keeps it, or a sum over devices and days as the reports show it. Operational
 * carbon (scope 2 generation and scope 3 T&D losses) and embodied carbon (scope 3, purchased goods) are
 * never added together here.
 *
 * @param itJoules the devices' own metered (or modelled) energy
 * @param overheadJoules the site's facility energy on top of it: IT x (PUE - 1)
 * @param carbonGrams operational generation carbon (scope 2, location-based) of IT and overhead energy
 * @param overheadCarbonGrams the overhead's share of {@code carbonGrams}
 * @param tdCarbonGrams transmission and distribution losses (scope 3) of IT and overhead energy
 * @param fallbackJoules energy whose carbon used the annual factor because no half-hour intensity covered it
 * @param costGbp cost of IT and overhead energy at the tariff
 * @param offJoules energy of known-off time at a class's off power, apart from {@code itJoules} (it is not metered)
 * @param measuredJoules the part of {@code itJoules} a meter gave (RAPL, battery, SNMP power readings)
 * @param modelledJoules the part of {@code itJoules} a power model gave
 * @param importedJoules the part of {@code itJoules} imported from history files; what none of the three
 *     covers is of unknown provenance (rollups from before Kilowatch kept the split)
 * @param wellToTankGrams well-to-tank of generation and T&D (scope 3), only where WTT factors are configured
 * @param embodiedGrams embodied carbon amortised over the period
 * @param sources every factor set and tariff that went into the figures, in order of first use, where known
 *     (the calculator's answers carry them; sums read back from the store do not)
 */
public record EnergyFootprint(double itJoules, double overheadJoules, double carbonGrams, double overheadCarbonGrams,
                              double tdCarbonGrams, double fallbackJoules, double costGbp, double offJoules, double measuredJoules,
                              double modelledJoules, double importedJoules, double wellToTankGrams, double embodiedGrams,
                              List<String> sources) {
    /** Operational carbon here is always location-based: the grid's average intensity where and when energy was used. */
    public static final String METHOD = "location-based";

    public static final EnergyFootprint ZERO = new EnergyFootprint(0, 0, 0, 0, 0, 0, 0, List.of());

    public EnergyFootprint {
        sources = List.copyOf(sources);
    }

    /** Metered energy's figures, as the calculator works them out: no off time, provenance, WTT or embodied part. */
    public EnergyFootprint(double itJoules, double overheadJoules, double carbonGrams, double overheadCarbonGrams, double tdCarbonGrams,
                           double fallbackJoules, double costGbp, List<String> sources) {
        this(itJoules, overheadJoules, carbonGrams, overheadCarbonGrams, tdCarbonGrams, fallbackJoules, costGbp, 0, 0, 0, 0, 0, 0, sources);
    }

    /** Summed rollup columns, in the order the rollups table keeps them (store/Schema). */
    public static EnergyFootprint ofRollups(double itJoules, double carbonGrams, double overheadJoules, double overheadCarbonGrams,
                                            double tdCarbonGrams, double fallbackJoules, double costGbp, double measuredJoules,
                                            double modelledJoules, double importedJoules) {
        return new EnergyFootprint(itJoules, overheadJoules, carbonGrams, overheadCarbonGrams, tdCarbonGrams, fallbackJoules, costGbp,
                0, measuredJoules, modelledJoules, importedJoules, 0, 0, List.of());
    }

    public String method() {
        return METHOD;
    }

    /** Scope 2 generation plus scope 3 T&D losses: what targets are judged on. */
    public double operationalGrams() {
        return carbonGrams + tdCarbonGrams;
    }

    /** IT energy that is neither measured, modelled nor imported. */
    public double unknownJoules() {
        return Math.max(0, itJoules - measuredJoules - modelledJoules - importedJoules);
    }

    /**
     * These figures as those of known-off time: its energy counts as off, not as IT energy.
     *
     * @param offJoules the off energy as counted (the calculator's IT energy is a sum of pieces that may differ in the last digit)
     */
    public EnergyFootprint asOffEnergy(double offJoules) {
        return new EnergyFootprint(0, overheadJoules, carbonGrams, overheadCarbonGrams, tdCarbonGrams, fallbackJoules, costGbp,
                offJoules, measuredJoules, modelledJoules, importedJoules, wellToTankGrams, embodiedGrams, sources);
    }

    /** These figures with the IT energy's provenance split of {@code other}, e.g. a rollup's after its carbon is worked out again. */
    public EnergyFootprint withProvenanceOf(EnergyFootprint other) {
        return new EnergyFootprint(itJoules, overheadJoules, carbonGrams, overheadCarbonGrams, tdCarbonGrams, fallbackJoules, costGbp,
                offJoules, other.measuredJoules, other.modelledJoules, other.importedJoules, wellToTankGrams, embodiedGrams, sources);
    }

    public EnergyFootprint withWellToTankGrams(double grams) {
        return new EnergyFootprint(itJoules, overheadJoules, carbonGrams, overheadCarbonGrams, tdCarbonGrams, fallbackJoules, costGbp,
                offJoules, measuredJoules, modelledJoules, importedJoules, grams, embodiedGrams, sources);
    }

    public EnergyFootprint withEmbodiedGrams(double grams) {
        return new EnergyFootprint(itJoules, overheadJoules, carbonGrams, overheadCarbonGrams, tdCarbonGrams, fallbackJoules, costGbp,
                offJoules, measuredJoules, modelledJoules, importedJoules, wellToTankGrams, grams, sources);
    }

    public EnergyFootprint plus(EnergyFootprint o) {
        return new EnergyFootprint(itJoules + o.itJoules, overheadJoules + o.overheadJoules, carbonGrams + o.carbonGrams,
                overheadCarbonGrams + o.overheadCarbonGrams, tdCarbonGrams + o.tdCarbonGrams, fallbackJoules + o.fallbackJoules,
                costGbp + o.costGbp, offJoules + o.offJoules, measuredJoules + o.measuredJoules, modelledJoules + o.modelledJoules,
                importedJoules + o.importedJoules, wellToTankGrams + o.wellToTankGrams, embodiedGrams + o.embodiedGrams,
                union(sources, o.sources));
    }

    /** Sums of store rows carry no sources: skip the set then, as the reports add up many of them. */
    private static List<String> union(List<String> a, List<String> b) {
        if (b.isEmpty() || a.equals(b)) {
            return a;
        }
        if (a.isEmpty()) {
            return b;
        }
        Set<String> all = new LinkedHashSet<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }
}
