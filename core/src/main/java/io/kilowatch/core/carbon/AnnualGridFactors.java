package io.kilowatch.core.carbon;

import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Grid electricity carbon intensity by calendar year, in gCO2e per kWh, with the name of the factor
 * set it came from. DESNZ's rule is to use the factor set of the year the electricity was used; a year
 * past the newest published set uses the newest one, and says so in its source.
 */
public final class AnnualGridFactors {
    /**
     * UK DESNZ (formerly BEIS) "Greenhouse gas reporting: conversion factors" of each year, UK electricity,
     * generation (scope 2), kgCO2e/kWh. 2022 and 2023 were read in CSVs made from those years' flat files; 2024
     * (0.20705, flat format v1.1) and 2025 (0.17700, row 7_400_4000_5_1 of the flat file) were checked against
     * copies of DESNZ's tables and pages quoting them, each by at least two independent sources; 2019-2021 rest
     * on secondary sources. See docs/carbon.md#annual-factors.
     */
    public static final Map<Integer, Double> UK_DESNZ_GENERATION_KG_PER_KWH = Map.of(
            2019, 0.2556,
            2020, 0.23314,
            2021, 0.21233,
            2022, 0.19338,
            2023, 0.20707,
            2024, 0.20705,
            2025, 0.17700);
    public static final String UK_DESNZ_SOURCE = "UK DESNZ GHG conversion factors, electricity generation";
    /**
     * UK DESNZ GHG conversion factors, transmission and distribution losses (scope 3), kgCO2e/kWh, the
     * "T&D- UK electricity" row of each set, checked against the published tables: 2022 and 2023 in CSVs made
     * from those years' flat files; 2024 (0.01830, full set v1.1 of 30 October 2024, sheet "Transmission and
     * distribution" E22) and 2025 (row 13_402_4000_5_1 of the flat file) each in two independent copies. See
     * docs/carbon.md#annual-factors.
     */
    public static final Map<Integer, Double> UK_DESNZ_TD_LOSSES_KG_PER_KWH = Map.of(
            2022, 0.01769,
            2023, 0.01792,
            2024, 0.01830,
            2025, 0.01853);
    public static final String UK_DESNZ_TD_SOURCE = "UK DESNZ GHG conversion factors, T&D losses";

    private final NavigableMap<Integer, Double> gramsPerKwhByYear;
    private final String sourceName;

    private AnnualGridFactors(NavigableMap<Integer, Double> gramsPerKwhByYear, String sourceName) {
        this.gramsPerKwhByYear = gramsPerKwhByYear;
        this.sourceName = sourceName;
    }

    public static AnnualGridFactors ukDesnz() {
        return fromKgPerKwh(UK_DESNZ_GENERATION_KG_PER_KWH, UK_DESNZ_SOURCE);
    }

    /** Transmission and distribution losses of UK grid electricity, reported apart from generation. */
    public static AnnualGridFactors ukDesnzTdLosses() {
        return fromKgPerKwh(UK_DESNZ_TD_LOSSES_KG_PER_KWH, UK_DESNZ_TD_SOURCE);
    }

    public static AnnualGridFactors fromKgPerKwh(Map<Integer, Double> kgPerKwhByYear, String sourceName) {
        if (kgPerKwhByYear.isEmpty()) {
            throw new IllegalArgumentException("a grid factor set needs at least one year");
        }
        TreeMap<Integer, Double> grams = new TreeMap<>();
        kgPerKwhByYear.forEach((year, kg) -> {
            if (kg == null || !(kg >= 0) || kg > 5) {
                throw new IllegalArgumentException("grid factor for " + year + " must be between 0 and 5 kgCO2e/kWh: " + kg);
            }
            grams.put(year, kg * 1000.0);
        });
        return new AnnualGridFactors(Collections.unmodifiableNavigableMap(grams), sourceName);
    }

    /** Intensity for a year: that year's factor, the newest earlier one, or else the oldest. */
    public double gramsPerKwh(int year) {
        Map.Entry<Integer, Double> entry = factorFor(year);
        return entry.getValue();
    }

    /** Where a year's factor came from, e.g. "UK DESNZ ... 2024" or "... 2025 (newest for 2026)". */
    public String source(int year) {
        int used = factorFor(year).getKey();
        return used == year ? sourceName + " " + used : sourceName + " " + used + " (nearest set for " + year + ")";
    }

    private Map.Entry<Integer, Double> factorFor(int year) {
        Map.Entry<Integer, Double> entry = gramsPerKwhByYear.floorEntry(year);
        return entry != null ? entry : gramsPerKwhByYear.firstEntry();
    }
}
