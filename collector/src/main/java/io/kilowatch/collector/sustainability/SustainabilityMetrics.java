package io.kilowatch.collector.sustainability;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Carbon-reporting gauges for Prometheus, from a snapshot recomputed periodically (the figures change
 * slowly and cost a pass over the rollups): the annual embodied charge per device class, this year's
 * target and the projected year-end. Documented in docs/metrics.md.
 */
public final class SustainabilityMetrics {
    /** @param embodiedGramsPerYearByClass annual embodied charge of devices still within their life, by class */
    public record Snapshot(Map<String, Double> embodiedGramsPerYearByClass, double targetGrams, double projectedGrams) {
    }

    private final MeterRegistry registry;
    private final Set<String> classes = new HashSet<>();
    private volatile Snapshot snapshot = new Snapshot(Map.of(), Double.NaN, Double.NaN);

    public SustainabilityMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("kilowatch.estate.carbon.target.grams", this, m -> m.snapshot.targetGrams())
                .description("This calendar year's carbon target (operational, plus embodied if the target includes it); NaN without a target")
                .register(registry);
        Gauge.builder("kilowatch.estate.carbon.projected.grams", this, m -> m.snapshot.projectedGrams())
                .description("Projected carbon for this calendar year, by the run rate of the last 28 days; NaN without a target")
                .register(registry);
    }

    /** Only the embodied rates, kept fresh with the estate (new devices, new classes). */
    public void updateEmbodied(Map<String, Double> gramsPerYearByClass) {
        update(new Snapshot(gramsPerYearByClass, snapshot.targetGrams(), snapshot.projectedGrams()));
    }

    public void update(Snapshot next) {
        snapshot = next;
        for (String deviceClass : next.embodiedGramsPerYearByClass().keySet()) {
            if (classes.add(deviceClass)) {
                Gauge.builder("kilowatch.estate.embodied.carbon.grams.per.year", this,
                                m -> m.snapshot.embodiedGramsPerYearByClass().getOrDefault(deviceClass, 0.0))
                        .description("Embodied carbon charged a year for devices within their expected life (straight-line amortisation)")
                        .tag("class", deviceClass).register(registry);
            }
        }
    }
}
