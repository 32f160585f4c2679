package io.kilowatch.core.carbon.report;

import io.kilowatch.core.carbon.EnergyFootprint;
import io.kilowatch.core.energy.Units;
import java.util.function.ToDoubleFunction;

/** The figures a carbon report shows, in its order, with their names in the JSON and the CSV and their precision. */
public enum ReportColumn {
    ENERGY_KWH("energy_kwh", 3, f -> Units.joulesToKwh(f.itJoules() + f.offJoules())),
    IT_ENERGY_KWH("it_energy_kwh", 3, f -> Units.joulesToKwh(f.itJoules())),
    OFF_ENERGY_KWH("off_energy_kwh", 3, f -> Units.joulesToKwh(f.offJoules())),
    OVERHEAD_ENERGY_KWH("overhead_energy_kwh", 3, f -> Units.joulesToKwh(f.overheadJoules())),
    FALLBACK_ENERGY_KWH("fallback_energy_kwh", 3, f -> Units.joulesToKwh(f.fallbackJoules())),
    MEASURED_ENERGY_KWH("measured_energy_kwh", 3, f -> Units.joulesToKwh(f.measuredJoules())),
    // Off energy is modelled: a class's off power times the time known off.
    MODELLED_ENERGY_KWH("modelled_energy_kwh", 3, f -> Units.joulesToKwh(f.modelledJoules() + f.offJoules())),
    IMPORTED_ENERGY_KWH("imported_energy_kwh", 3, f -> Units.joulesToKwh(f.importedJoules())),
    UNKNOWN_ENERGY_KWH("unknown_energy_kwh", 3, f -> Units.joulesToKwh(f.unknownJoules())),
    SCOPE2_KG("scope2_kg", 3, f -> f.carbonGrams() / 1000),
    SCOPE2_OVERHEAD_KG("scope2_overhead_kg", 3, f -> f.overheadCarbonGrams() / 1000),
    SCOPE3_TD_KG("scope3_td_kg", 3, f -> f.tdCarbonGrams() / 1000),
    OPERATIONAL_KG("operational_kg", 3, f -> f.operationalGrams() / 1000),
    SCOPE3_WTT_KG("scope3_wtt_kg", 3, f -> f.wellToTankGrams() / 1000),
    EMBODIED_KG("embodied_kg", 3, f -> f.embodiedGrams() / 1000),
    COST_GBP("cost_gbp", 2, EnergyFootprint::costGbp);

    private final String key;
    private final int places;
    private final ToDoubleFunction<EnergyFootprint> value;

    ReportColumn(String key, int places, ToDoubleFunction<EnergyFootprint> value) {
        this.key = key;
        this.places = places;
        this.value = value;
    }

    /** The field's name in the JSON and the CSV header. */
    public String key() {
        return key;
    }

    /** Decimal places reported: kWh and kg to 3, pounds to 2. */
    public int places() {
        return places;
    }

    double of(EnergyFootprint footprint) {
        return value.applyAsDouble(footprint);
    }
}
