package io.kilowatch.core.carbon;

import io.kilowatch.core.config.ConfigException;
import io.kilowatch.core.config.Settings;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads grid factors from configuration the same way in every program that computes carbon. */
public final class GridFactorSettings {
    private GridFactorSettings() {
    }

    /**
     * Grid factors under a section: {@code <section>.grid_factors_kgco2e_per_kwh.<year>} and
     * {@code <section>.grid_factors_source}; the fallback where the section sets none.
     */
    public static AnnualGridFactors read(Settings s, String section, AnnualGridFactors fallback) {
        return readSet(s, section + ".grid_factors", fallback);
    }

    /**
     * Any yearly factor set, e.g. {@code carbon.td_losses}: {@code <prefix>_kgco2e_per_kwh.<year>} and
     * {@code <prefix>_source}; the fallback where none are set.
     */
    public static AnnualGridFactors readSet(Settings s, String prefix, AnnualGridFactors fallback) {
        String key = prefix + "_kgco2e_per_kwh";
        Map<Integer, Double> years = new LinkedHashMap<>();
        for (String year : s.children(key)) {
            int y;
            try {
                y = Integer.parseInt(year);
            } catch (NumberFormatException e) {
                throw new ConfigException(key + "." + year + ": the key must be a year such as 2024");
            }
            years.put(y, s.number(key + "." + year, 0, 0, 5));
        }
        String source = s.string(prefix + "_source", years.isEmpty() ? null : "configured factors (" + key + ")");
        return years.isEmpty() ? fallback : AnnualGridFactors.fromKgPerKwh(years, source);
    }
}
