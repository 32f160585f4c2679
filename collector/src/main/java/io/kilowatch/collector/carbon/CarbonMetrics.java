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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * Grid intensity now per region in use, and per org and site counters of what ingest adds beside IT
 * energy and carbon: facility overhead, T&D losses, energy on the annual fallback, and cost. The
 * counters count from this collector's start, as Prometheus counters do (use increase() or rate()).
 */
public final class CarbonMetrics {
    private final MeterRegistry registry;

    private record Site(String org, String site) {
    }

    private record Part(String name, String unit, String help, ToDoubleFunction<EnergyFootprint> part) {
    }

    private static final List<Part> PARTS = List.of(
            new Part("kilowatch.site.overhead.energy", "joules", "Facility energy on top of devices' IT energy (PUE - 1)",
                    EnergyFootprint::overheadJoules),
            new Part("kilowatch.site.overhead.carbon", "grams", "The overhead's share of operational carbon, gCO2e", EnergyFootprint::overheadCarbonGrams),
            new Part("kilowatch.site.td.losses.carbon", "grams", "Carbon of grid transmission and distribution losses (scope 3), gCO2e",
                    EnergyFootprint::tdCarbonGrams),
            new Part("kilowatch.site.fallback.energy", "joules", "IT energy whose carbon used the annual factor (no half-hourly intensity)",
                    EnergyFootprint::fallbackJoules),
            new Part("kilowatch.site.energy.cost", "gbp", "Cost of IT and overhead energy at the tariff, GBP", EnergyFootprint::costGbp));

    private final Map<Site, Counter[]> bySite = new ConcurrentHashMap<>();

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
        EnergyFootprint sum = EnergyFootprint.ZERO;
        for (RollupIncrement r : plan.rollups()) {
            if (r.period().equals(RollupIncrement.HOUR)) {
                sum = sum.plus(r.footprint());
            }
        }
        String org = plan.device().identity().org() == null ? "" : plan.device().identity().org();
        String site = plan.device().identity().site() == null ? "" : plan.device().identity().site();
        // Registered at a site's first report, then kept: a registry look-up per counter per report cost more than the counting.
        Counter[] counters = bySite.computeIfAbsent(new Site(org, site), this::register);
        for (int i = 0; i < PARTS.size(); i++) {
            double value = PARTS.get(i).part().applyAsDouble(sum);
            if (value > 0) {
                counters[i].increment(value);
            }
        }
    }

    private Counter[] register(Site at) {
        return PARTS.stream().map(p -> Counter.builder(p.name()).baseUnit(p.unit()).description(p.help()).tag("org", at.org())
                .tag("site", at.site()).register(registry)).toArray(Counter[]::new);
    }
}
