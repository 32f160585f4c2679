package io.kilowatch.core.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A service as its agreement defines it.
 *
 * @param targetRatio e.g. 0.9985 for 99.85 %
 * @param budgetPeriod the calendar period the error budget and the "below target" check run over
 */
public record ServiceDefinition(String name, String owner, String description, double targetRatio, ServiceCalendar calendar,
                                CombineRule rule, List<ComponentRef> components, List<MaintenanceWindow> maintenance,
                                NoDataPolicy noData, SlaPeriod budgetPeriod) {
    public ServiceDefinition {
        if (!(targetRatio > 0 && targetRatio < 1)) {
            throw new IllegalArgumentException("service " + name + ": the target must be above 0 % and below 100 %");
        }
        if (components.isEmpty()) {
            throw new IllegalArgumentException("service " + name + " has no components");
        }
        if (rule.kind() == CombineRule.Kind.K_OF_N && rule.k() > components.size()) {
            throw new IllegalArgumentException("service " + name + ": needs " + rule.k() + " of its " + components.size() + " components up, more than it has");
        }
        components = List.copyOf(components);
        maintenance = List.copyOf(maintenance);
    }

    /** The whole service's planned maintenance within a range. */
    public List<Span> plannedMaintenance(Span range) {
        List<Span> spans = new ArrayList<>();
        maintenance.stream().filter(MaintenanceWindow::coversWholeService)
                .forEach(w -> spans.addAll(w.occurrences(calendar.zone(), range)));
        return Span.normalise(spans);
    }

    public boolean inMaintenance(Instant t) {
        return maintenance.stream().anyMatch(w -> w.coversWholeService() && w.activeAt(calendar.zone(), t));
    }

    /** Names of components in a planned maintenance window of their own at {@code t}. */
    public Set<String> componentsInMaintenance(Instant t) {
        Set<String> names = new java.util.TreeSet<>();
        maintenance.stream().filter(w -> !w.coversWholeService() && w.activeAt(calendar.zone(), t)).forEach(w -> names.addAll(w.components()));
        return names;
    }
}
