package io.kilowatch.collector.service;

import io.kilowatch.core.service.ServiceCatalog;
import io.kilowatch.core.service.ServiceDefinition;
import io.kilowatch.core.service.ServiceMaths;
import io.kilowatch.core.service.ServiceState;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** Publishes services to Micrometer, names per docs/metrics.md; meters read the latest evaluation when scraped. */
final class ServiceMetrics {
    private final MeterRegistry registry;
    private final ServiceEvaluator evaluator;
    private final Map<String, List<Meter>> registered = new HashMap<>();

    ServiceMetrics(MeterRegistry registry, ServiceEvaluator evaluator, Services reloader) {
        this.registry = registry;
        this.evaluator = evaluator;
        Gauge.builder("kilowatch.service.config.last.reload.successful", reloader, r -> r.lastError().isEmpty() ? 1 : 0)
                .description("1 when the services file last loaded without error, else 0 (the previous services stay)").register(registry);
    }

    /** Registers meters for new services and removes those of services no longer configured. */
    void sync(ServiceCatalog catalog) {
        registered.keySet().stream().filter(name -> catalog.get(name) == null).toList().forEach(name -> {
            registered.remove(name).forEach(registry::remove);
        });
        for (ServiceDefinition s : catalog.all()) {
            registered.computeIfAbsent(s.name(), this::register);
        }
    }

    private List<Meter> register(String service) {
        Tags tags = Tags.of("service", service);
        List<Meter> meters = new ArrayList<>();
        meters.add(gauge("kilowatch.service.up", null, "1 when the service is up, else 0 (down, no data or in maintenance)", tags,
                s -> s.state() == ServiceState.UP ? 1 : 0, service));
        meters.add(gauge("kilowatch.service.no.data", null, "1 while the service has no data to judge by", tags,
                s -> s.state() == ServiceState.NO_DATA ? 1 : 0, service));
        meters.add(gauge("kilowatch.service.maintenance", null, "1 while the service is in planned maintenance", tags,
                s -> s.state() == ServiceState.MAINTENANCE ? 1 : 0, service));
        meters.add(gauge("kilowatch.service.availability.target", "ratio", "The availability the service's agreement sets", tags,
                s -> s.definition().targetRatio(), service));
        meters.add(gauge("kilowatch.service.error.budget.remaining", "ratio",
                "Share of the budget period's error budget left; below 0 when overspent", tags, s -> s.budget().remainingRatio(), service));
        for (String window : ServiceMaths.WINDOW_LABELS) {
            meters.add(gauge("kilowatch.service.availability", "ratio",
                    "Availability by the service's definition over a rolling window or the calendar period so far", tags.and("window", window),
                    s -> s.availability().get(window).orElse(Double.NaN), service));
        }
        meters.add(FunctionCounter.builder("kilowatch.service.counted", evaluator, e -> e.counted(service).countedMs() / 1000.0).baseUnit("seconds")
                .description("Time that counts toward availability: service hours outside maintenance").tags(tags).register(registry));
        meters.add(FunctionCounter.builder("kilowatch.service.down", evaluator, e -> e.counted(service).chargedDownMs() / 1000.0).baseUnit("seconds")
                .description("Of the counted time, time down (with no-data time when the policy counts it down)").tags(tags).register(registry));
        return meters;
    }

    private Meter gauge(String name, String unit, String help, Tags tags, ToDoubleFunction<ServiceStatus> value, String service) {
        return Gauge.builder(name, evaluator, e -> e.status(service).map(value::applyAsDouble).orElse(Double.NaN))
                .baseUnit(unit).description(help).tags(tags).register(registry);
    }
}
