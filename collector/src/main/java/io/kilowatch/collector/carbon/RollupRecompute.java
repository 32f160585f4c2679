package io.kilowatch.collector.carbon;

import io.kilowatch.collector.estate.CarbonPolicy;
import io.kilowatch.collector.store.CarbonStore;
import io.kilowatch.core.carbon.EnergyFootprint;
import io.kilowatch.core.carbon.IntensitySeries;
import io.kilowatch.core.carbon.SiteCarbon;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Carbon of hourly rollups worked out again when intensity for their half-hours arrives after the
 * energy: each half of the hour's IT energy at its half-hour's intensity (or the annual factor, as
 * fallback), scaled by the PUE the rollup was stored with. Energy, T&D losses and cost do not depend on
 * the half-hourly intensity and stay as they are.
 */
public final class RollupRecompute implements CarbonStore.Recomputer {
    private static final double TOLERANCE = 1e-9;
    private final CarbonPolicy policy;
    private final ToLongFunction<Instant> dayStart;

    /**
     * @param dayStart the local day an instant belongs to, as ingest buckets days
     */
    public RollupRecompute(CarbonPolicy policy, ToLongFunction<Instant> dayStart) {
        this.policy = policy;
        this.dayStart = dayStart;
    }

    @Override
    public List<CarbonStore.Recomputed> recompute(String region, IntensitySeries series, List<CarbonStore.HourRollup> rows) {
        List<CarbonStore.Recomputed> changed = new ArrayList<>();
        for (CarbonStore.HourRollup row : rows) {
            if (!policy.usesRegion(row.site(), region) || row.energyJoules() <= 0) {
                continue;
            }
            SiteCarbon configured = policy.forSite(row.site());
            SiteCarbon site = new SiteCarbon(configured.factors(), null, region, 1 + row.overheadJoules() / row.energyJoules(), null);
            double first = row.firstHalfHourJoules() == null ? row.energyJoules() / 2
                    : Math.max(0, Math.min(row.energyJoules(), row.firstHalfHourJoules()));
            Instant hour = Instant.ofEpochMilli(row.bucketStartMs());
            Instant half = hour.plus(IntensitySeries.HALF_HOUR);
            EnergyFootprint f = policy.calculator().footprint(first, hour, half, site, series)
                    .plus(policy.calculator().footprint(row.energyJoules() - first, half, half.plus(IntensitySeries.HALF_HOUR), site, series));
            if (Math.abs(f.carbonGrams() - row.carbonGrams()) > TOLERANCE || Math.abs(f.fallbackJoules() - row.fallbackJoules()) > TOLERANCE) {
                changed.add(new CarbonStore.Recomputed(row, dayStart.applyAsLong(hour), f.carbonGrams(), f.overheadCarbonGrams(), f.fallbackJoules()));
            }
        }
        return changed;
    }
}
