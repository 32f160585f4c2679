package io.kilowatch.core.carbon.report;

import io.kilowatch.core.carbon.Apportionment;
import io.kilowatch.core.carbon.EnergyFootprint;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A report's figures, each rounded to its column's precision. Rounded once, then only added and split, so
 * every table of a report (and its CSV) adds up to the same printed totals.
 */
public record ReportFigures(Map<ReportColumn, BigDecimal> values) {
    /** The energy columns whose share of all energy is the data quality, by the name of their provenance. */
    private static final Map<String, ReportColumn> PROVENANCE = provenance();

    public static final ReportFigures ZERO = of(EnergyFootprint.ZERO);

    public ReportFigures {
        values = Collections.unmodifiableMap(new EnumMap<>(values));
    }

    public static ReportFigures of(EnergyFootprint footprint) {
        Map<ReportColumn, BigDecimal> values = new EnumMap<>(ReportColumn.class);
        for (ReportColumn c : ReportColumn.values()) {
            values.put(c, round(c.of(footprint), c.places()));
        }
        return new ReportFigures(values);
    }

    public BigDecimal get(ReportColumn column) {
        return values.get(column);
    }

    public ReportFigures plus(ReportFigures o) {
        Map<ReportColumn, BigDecimal> sum = new EnumMap<>(values);
        o.values.forEach((c, v) -> sum.merge(c, v, BigDecimal::add));
        return new ReportFigures(sum);
    }

    /**
     * Every figure split between partners by weight, each at its precision, the parts adding up to it exactly
     * (largest remainder: {@link Apportionment}); partners in the order of {@code weights}.
     */
    public Map<String, ReportFigures> split(Map<String, Double> weights) {
        Map<String, Map<ReportColumn, BigDecimal>> parts = new LinkedHashMap<>();
        weights.keySet().forEach(p -> parts.put(p, new EnumMap<>(ReportColumn.class)));
        values.forEach((column, value) -> Apportionment.split(value, weights).forEach((partner, part) -> parts.get(partner).put(column, part)));
        Map<String, ReportFigures> result = new LinkedHashMap<>();
        parts.forEach((partner, v) -> result.put(partner, new ReportFigures(v)));
        return result;
    }

    /**
     * The data quality: the share of the energy measured, modelled, imported and of unknown provenance, each to 4
     * places of the rounded figures, by that name; null with no energy.
     */
    public Map<String, BigDecimal> dataQuality() {
        BigDecimal energy = get(ReportColumn.ENERGY_KWH);
        Map<String, BigDecimal> shares = new LinkedHashMap<>();
        PROVENANCE.forEach((kind, column) -> shares.put(kind, energy.signum() == 0 ? null : get(column).divide(energy, 4, RoundingMode.HALF_EVEN)));
        return shares;
    }

    /** A reported figure: half-even to {@code places}, from the double's shortest decimal form. */
    public static BigDecimal round(double value, int places) {
        return BigDecimal.valueOf(value).setScale(places, RoundingMode.HALF_EVEN);
    }

    private static Map<String, ReportColumn> provenance() {
        Map<String, ReportColumn> m = new LinkedHashMap<>();
        m.put("measured", ReportColumn.MEASURED_ENERGY_KWH);
        m.put("modelled", ReportColumn.MODELLED_ENERGY_KWH);
        m.put("imported", ReportColumn.IMPORTED_ENERGY_KWH);
        m.put("unknown", ReportColumn.UNKNOWN_ENERGY_KWH);
        return m;
    }
}
