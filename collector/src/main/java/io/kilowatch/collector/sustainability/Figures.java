package io.kilowatch.collector.sustainability;

import io.kilowatch.core.energy.Units;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Energy, carbon by scope, and cost summed over some devices and days. Operational (scope 2 generation
 * and scope 3 T&D losses) and embodied (scope 3, purchased goods) are always kept apart.
 */
final class Figures {
    double itJoules;
    double overheadJoules;
    double offJoules;
    /** IT energy by provenance; off energy is modelled (class off power). What none of these covers is "unknown". */
    double measuredJoules;
    double modelledJoules;
    double importedJoules;
    double fallbackJoules;
    double scope2Grams;
    double overheadGrams;
    double tdGrams;
    /** Well-to-tank of generation and T&D (scope 3), apart from operational: only where WTT factors are configured. */
    double wttGrams;
    double embodiedGrams;
    double costGbp;
    int devices;

    void add(Figures o) {
        itJoules += o.itJoules;
        overheadJoules += o.overheadJoules;
        offJoules += o.offJoules;
        measuredJoules += o.measuredJoules;
        modelledJoules += o.modelledJoules;
        importedJoules += o.importedJoules;
        fallbackJoules += o.fallbackJoules;
        scope2Grams += o.scope2Grams;
        overheadGrams += o.overheadGrams;
        tdGrams += o.tdGrams;
        wttGrams += o.wttGrams;
        embodiedGrams += o.embodiedGrams;
        costGbp += o.costGbp;
        devices += o.devices;
    }

    /** Adds metered (or off) energy's figures as the rollups split them. */
    void add(double itJoules, double overheadJoules, double scope2Grams, double overheadGrams, double tdGrams, double fallbackJoules,
             double costGbp) {
        this.itJoules += itJoules;
        this.overheadJoules += overheadJoules;
        this.scope2Grams += scope2Grams;
        this.overheadGrams += overheadGrams;
        this.tdGrams += tdGrams;
        this.fallbackJoules += fallbackJoules;
        this.costGbp += costGbp;
    }

    double operationalGrams() {
        return scope2Grams + tdGrams;
    }

    /** The figures as reported, each rounded to its precision: kWh and kg to 3 places, pounds to 2. */
    Map<String, BigDecimal> rounded() {
        Map<String, BigDecimal> m = new LinkedHashMap<>();
        m.put("energy_kwh", round(Units.joulesToKwh(itJoules + offJoules), 3));
        m.put("it_energy_kwh", round(Units.joulesToKwh(itJoules), 3));
        m.put("off_energy_kwh", round(Units.joulesToKwh(offJoules), 3));
        m.put("overhead_energy_kwh", round(Units.joulesToKwh(overheadJoules), 3));
        m.put("fallback_energy_kwh", round(Units.joulesToKwh(fallbackJoules), 3));
        m.put("measured_energy_kwh", round(Units.joulesToKwh(measuredJoules), 3));
        m.put("modelled_energy_kwh", round(Units.joulesToKwh(modelledJoules + offJoules), 3));
        m.put("imported_energy_kwh", round(Units.joulesToKwh(importedJoules), 3));
        m.put("unknown_energy_kwh", round(Units.joulesToKwh(Math.max(0, itJoules - measuredJoules - modelledJoules - importedJoules)), 3));
        m.put("scope2_kg", round(scope2Grams / 1000, 3));
        m.put("scope2_overhead_kg", round(overheadGrams / 1000, 3));
        m.put("scope3_td_kg", round(tdGrams / 1000, 3));
        m.put("operational_kg", round(operationalGrams() / 1000, 3));
        m.put("scope3_wtt_kg", round(wttGrams / 1000, 3));
        m.put("embodied_kg", round(embodiedGrams / 1000, 3));
        m.put("cost_gbp", round(costGbp, 2));
        return m;
    }

    JsonObject toJson() {
        return toJson(rounded()).put("devices", devices);
    }

    /**
     * Rounded figures as JSON with their data quality: the share of the energy measured, modelled, imported
     * and of unknown provenance (rollups from before Kilowatch kept it), each to 4 places; null with no energy.
     */
    static JsonObject toJson(Map<String, BigDecimal> figures) {
        JsonObject json = new JsonObject();
        figures.forEach((k, v) -> json.put(k, v.doubleValue()));
        BigDecimal energy = figures.get("energy_kwh");
        JsonObject quality = new JsonObject();
        for (String kind : new String[] {"measured", "modelled", "imported", "unknown"}) {
            quality.put(kind + "_ratio", energy.signum() == 0 ? null
                    : figures.get(kind + "_energy_kwh").divide(energy, 4, RoundingMode.HALF_EVEN).doubleValue());
        }
        return json.put("data_quality", quality);
    }

    static BigDecimal round(double value, int places) {
        return BigDecimal.valueOf(value).setScale(places, RoundingMode.HALF_EVEN);
    }
}
