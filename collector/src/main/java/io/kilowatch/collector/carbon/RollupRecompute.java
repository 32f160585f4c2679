package io.kilowatch.collector.carbon;

import io.kilowatch.core.carbon.CarbonPolicy;
import io.kilowatch.core.carbon.EnergyFootprint;
import io.kilowatch.core.carbon.IntensitySeries;
import io.kilowatch.core.carbon.SiteCarbon;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Hourly rollups worked out again from their stored IT energy, each half of the hour at its half-hour's
 * intensity or else the annual factor of its year (fallback). Two uses:
 * <ul>
 * <li>{@link #afterImport}: intensity arrived after the energy. Only carbon, its overhead share and the
 * fallback energy change, of devices at sites in the imported regions, with the PUE the rollup was
 * stored with; energy, T&D losses and cost do not depend on half-hourly intensity.</li>
 * <li>{@link #withCurrentSettings}: the factors, PUE, regions or tariffs in config changed (say DESNZ
 * published a year's final factors); every figure is worked out again from them. Time-of-use costs take
 * the energy as even within each half-hour.</li>
 * </ul>
 */
public final class RollupRecompute implements CarbonStore.Recomputer {
    private static final double TOLERANCE = 1e-9;
    private final CarbonPolicy policy;
    private final ToLongFunction<Instant> dayStart;
    private final boolean carbonOnly;

    private RollupRecompute(CarbonPolicy policy, ToLongFunction<Instant> dayStart, boolean carbonOnly) {
        this.policy = policy;
        this.dayStart = dayStart;
        this.carbonOnly = carbonOnly;
    }

    /**
     * @param dayStart the local day an instant belongs to, as ingest buckets days
     */
    public static RollupRecompute afterImport(CarbonPolicy policy, ToLongFunction<Instant> dayStart) {
        return new RollupRecompute(policy, dayStart, true);
    }

    public static RollupRecompute withCurrentSettings(CarbonPolicy policy, ToLongFunction<Instant> dayStart) {
        return new RollupRecompute(policy, dayStart, false);
    }

    @Override
    public List<CarbonStore.Recomputed> recompute(List<CarbonStore.HourRollup> rows, Map<String, IntensitySeries> intensity) {
        List<CarbonStore.Recomputed> changed = new ArrayList<>();
        for (CarbonStore.HourRollup row : rows) {
            EnergyFootprint before = row.figures();
            SiteCarbon configured = policy.forSite(row.site());
            if (before.itJoules() <= 0 || carbonOnly && (configured.region() == null || !intensity.containsKey(configured.region()))) {
                continue;
            }
            SiteCarbon site = carbonOnly ? new SiteCarbon(configured.factors(), null, configured.region(),
                    1 + before.overheadJoules() / before.itJoules(), null) : configured;
            IntensitySeries series = site.region() == null ? null : intensity.getOrDefault(site.region(), IntensitySeries.empty());
            double energy = before.itJoules();
            double first = row.firstHalfHourJoules() == null ? energy / 2 : Math.max(0, Math.min(energy, row.firstHalfHourJoules()));
            Instant hour = Instant.ofEpochMilli(row.bucketStartMs());
            Instant half = hour.plus(IntensitySeries.HALF_HOUR);
            EnergyFootprint f = policy.calculator().footprint(first, hour, half, site, series)
                    .plus(policy.calculator().footprint(energy - first, half, half.plus(IntensitySeries.HALF_HOUR), site, series));
            // With intensity only, the stored overhead, T&D and cost stay: they do not depend on the half-hour's intensity.
            EnergyFootprint worked = carbonOnly
                    ? new EnergyFootprint(energy, before.overheadJoules(), f.carbonGrams(), f.overheadCarbonGrams(), before.tdCarbonGrams(),
                            f.fallbackJoules(), before.costGbp(), List.of())
                    : new EnergyFootprint(energy, f.overheadJoules(), f.carbonGrams(), f.overheadCarbonGrams(), f.tdCarbonGrams(),
                            f.fallbackJoules(), f.costGbp(), List.of());
            EnergyFootprint after = worked.withProvenanceOf(before);
            if (differs(before, after)) {
                changed.add(new CarbonStore.Recomputed(row, dayStart.applyAsLong(hour), after));
            }
        }
        return changed;
    }

    private static boolean differs(EnergyFootprint a, EnergyFootprint b) {
        double[] x = {a.carbonGrams(), a.overheadJoules(), a.overheadCarbonGrams(), a.tdCarbonGrams(), a.fallbackJoules(), a.costGbp()};
        double[] y = {b.carbonGrams(), b.overheadJoules(), b.overheadCarbonGrams(), b.tdCarbonGrams(), b.fallbackJoules(), b.costGbp()};
        for (int i = 0; i < x.length; i++) {
            if (Math.abs(x[i] - y[i]) > TOLERANCE) {
                return true;
            }
        }
        return false;
    }
}
