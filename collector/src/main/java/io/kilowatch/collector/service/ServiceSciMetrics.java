package io.kilowatch.collector.service;

import io.kilowatch.core.carbon.SoftwareCarbonIntensity;
import io.kilowatch.core.service.ServiceDefinition;
import io.kilowatch.core.service.SlaPeriod;
import io.kilowatch.core.service.Span;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code kilowatch_service_sci_gco2e_per_unit{service, unit}}: each service's Software Carbon Intensity
 * over its calendar month so far, recomputed periodically from the rollups (docs/metrics.md).
 */
public final class ServiceSciMetrics {
    private final MultiGauge gauge;

    public ServiceSciMetrics(MeterRegistry registry) {
        gauge = MultiGauge.builder("kilowatch.service.sci.gco2e.per.unit")
                .description("Software Carbon Intensity (ISO/IEC 21031) of the service this calendar month so far: gCO2e per functional unit")
                .register(registry);
    }

    /** Works out every service's SCI for its month so far, from the store. */
    public static Future<Map<String, SoftwareCarbonIntensity.Result>> thisMonth(Services services, ServiceFootprints footprints, Instant now) {
        Map<String, Future<SoftwareCarbonIntensity.Result>> results = new LinkedHashMap<>();
        ServicesConfig config = services.config();
        for (ServiceDefinition s : config.catalog().all()) {
            Span month = SlaPeriod.MONTH.of(now.atZone(s.calendar().zone()).toLocalDate(), s.calendar().zone());
            results.put(s.name(), ServiceSci.load(s, config, services.store(), footprints, new Span(month.startMs(), now.toEpochMilli())));
        }
        return ServiceSci.all(results);
    }

    /** Replaces the published rows: services or units without a figure are left out rather than shown as 0. */
    public void update(Map<String, SoftwareCarbonIntensity.Result> results) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        results.forEach((service, sci) -> sci.units().keySet().forEach(unit -> sci.perUnit(unit)
                .ifPresent(v -> rows.add(MultiGauge.Row.of(Tags.of("service", service, "unit", unit), v)))));
        gauge.register(rows, true);
    }
}
