package io.kilowatch.collector.service;

import io.kilowatch.core.service.ComponentRef;
import io.kilowatch.core.service.ErrorBudget;
import io.kilowatch.core.service.Incident;
import io.kilowatch.core.service.ServiceDefinition;
import io.kilowatch.core.service.ServiceState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A service as the latest evaluation found it; metrics, the API and alert conditions read this.
 *
 * @param since when the current state began (as far as recorded history goes)
 * @param failing components down or without data, nested ones as {@code service/component}
 * @param availability by window label: 1h, 24h, 7d, 30d, day, week, month, quarter, year
 * @param burnRates by window label: 5m, 30m, 1h, 2h, 6h, 1d, 3d
 */
public record ServiceStatus(ServiceDefinition definition, ServiceState state, Instant since, List<ComponentStatus> components,
                            List<String> failing, Map<String, OptionalDouble> availability, ErrorBudget budget,
                            Map<String, Double> burnRates, Optional<Incident> openIncident, Instant evaluatedAt) {

    /** A component's state and, for people, what it is based on. */
    public record ComponentStatus(ComponentRef ref, ServiceState state, String detail) {
    }
}
