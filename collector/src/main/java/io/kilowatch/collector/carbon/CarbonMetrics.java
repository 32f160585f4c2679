package io.kilowatch.collector.carbon;

import io.kilowatch.collector.estate.IngestPlan;
import io.kilowatch.collector.estate.RollupIncrement;
import io.kilowatch.core.carbon.CarbonPolicy;
import io.kilowatch.core.carbon.EnergyFootprint;
import io.kilowatch.core.carbon.IntensitySeries;
import io.kilowatch.core.carbon.SiteCarbon;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * Grid intensity now per region in use, and per org and site counters of what ingest adds beside IT
 * energy and carbon: facility overhead, T&D losses, energy on the annual fallback, and cost. The
 * counters count from this collector's start, as Prometheus counters do (use increase() or rate()).
 */
public final class CarbonMetrics {
    private final MeterRegistry registry;

    public CarbonMetrics(MeterRegistry registry, CarbonPolicy policy, IntensityCache cache, Clock clock) {
        this.registry = registry;
        for (String region : policy.regions()) {
            SiteCarbon site = policy.siteForRegion(region);
            Gauge.builder("kilowatch.grid.intensity", cache, c -> now(c, region, clock).map(IntensitySeries.Point::gramsPerKwh)
                            .orElseGet(() -> site.factors().gramsPerKwh(policy.yearOf(clock.instant()))))
                    .baseUnit("gco2e_per_kwh").tag("region", region)
                    .description("Grid carbon intensity applied now: the half-hourly value, else the annual factor").register(registry);
            Gauge.builder("kilowatch.grid.intensity.fallback", cache, c -> now(c, region, clock).isPresent() ? 0 : 1).tag("region", region)
                    .description("1 while no half-hourly intensity covers now and the annual factor applies").register(registry);
        }
    }

    private static Optional<IntensitySeries.Point> now(IntensityCache cache, String region, Clock clock) {
        Instant now = clock.instant();
        return cache.apply(region).at(now);
    }

    /** Counts what a stored report added. */
    public void count(IngestPlan plan) {
        if (plan.device() == null) {
            return;
        }
        EnergyFootprint sum = plan.rollups().stream().filter(r -> r.period().equals(RollupIncrement.HOUR))
                .map(RollupIncrement::footprint).reduce(EnergyFootprint.ZERO, EnergyFootprint::plus);
        String org = plan.device().identity().org() == null ? "" : plan.device().identity().org();
        String site = plan.device().identity().site() == null ? "" : plan.device().identity().site();
        add("kilowatch.site.overhead.energy", "joules", "Facility energy on top of devices' IT energy (PUE - 1)", org, site, sum,
                EnergyFootprint::overheadJoules);
        add("kilowatch.site.overhead.carbon", "grams", "The overhead's share of operational carbon, gCO2e", org, site, sum,
                EnergyFootprint::overheadCarbonGrams);
        add("kilowatch.site.td.losses.carbon", "grams", "Carbon of grid transmission and distribution losses (scope 3), gCO2e",
                org, site, sum, EnergyFootprint::tdCarbonGrams);
        add("kilowatch.site.fallback.energy", "joules", "IT energy whose carbon used the annual factor (no half-hourly intensity)",
                org, site, sum, EnergyFootprint::fallbackJoules);
        add("kilowatch.site.energy.cost", "gbp", "Cost of IT and overhead energy at the tariff, GBP", org, site, sum, EnergyFootprint::costGbp);
    }

    private void add(String name, String unit, String help, String org, String site, EnergyFootprint sum, ToDoubleFunction<EnergyFootprint> part) {
        double value = part.applyAsDouble(sum);
        Counter counter = Counter.builder(name).baseUnit(unit).description(help).tag("org", org).tag("site", site).register(registry);
        if (value > 0) {
            counter.increment(value);
        }
    }
}
