package io.kilowatch.core.carbon;

import java.util.ArrayList;
import java.util.List;

/**
 * Well-to-tank (WTT) factors of grid electricity: the upstream emissions of extracting, refining and
 * transporting the fuels burnt to generate it, and of the share lost in transmission and distribution
 * (DESNZ "WTT- UK electricity" lines). Scope 3 (category 3, fuel- and energy-related activities),
 * reported apart from generation and T&D. Either set may be absent.
 */
public record WellToTank(AnnualGridFactors generation, AnnualGridFactors td) {
    /** WTT grams per kWh of facility energy used in a year: generation's plus T&D's. */
    public double gramsPerKwh(int year) {
        return (generation == null ? 0 : generation.gramsPerKwh(year)) + (td == null ? 0 : td.gramsPerKwh(year));
    }

    /** The factor sets a year's WTT figure came from. */
    public List<String> sources(int year) {
        List<String> sources = new ArrayList<>();
        if (generation != null) {
            sources.add(generation.source(year));
        }
        if (td != null) {
            sources.add(td.source(year));
        }
        return sources;
    }
}
