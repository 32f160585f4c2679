package io.kilowatch.core.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one evaluation makes of a service from the states its components were found in: a component not up
 * during a maintenance window of its own counts as in maintenance; the whole service in a window of its own
 * is in maintenance whatever its parts; otherwise its rule combines them.
 *
 * @param maintained components put in maintenance by their own window
 * @param failing components down or without data, in the definition's order; a nested service by its own
 *                failing parts ({@code hosts/mx1}) where it has any
 */
public record ServiceVerdict(ServiceState state, Set<String> maintained, List<String> failing) {
    public ServiceVerdict {
        maintained = Set.copyOf(maintained);
        failing = List.copyOf(failing);
    }

    /**
     * @param found each component's state as sampled, in the definition's order
     * @param failingOfServices the failing lists of the services judged before in this evaluation, by name
     */
    public static ServiceVerdict judge(ServiceDefinition service, Instant now, List<ServiceState> found, Map<String, List<String>> failingOfServices) {
        if (found.size() != service.components().size()) {
            throw new IllegalArgumentException("service " + service.name() + " has " + service.components().size() + " components, "
                    + found.size() + " states given");
        }
        Set<String> windows = service.componentsInMaintenance(now);
        Set<String> maintained = new LinkedHashSet<>();
        List<ServiceState> states = new ArrayList<>();
        List<String> failing = new ArrayList<>();
        for (int k = 0; k < found.size(); k++) {
            ComponentRef c = service.components().get(k);
            ServiceState state = found.get(k);
            if (state != ServiceState.UP && windows.contains(c.name())) {
                state = ServiceState.MAINTENANCE;
                maintained.add(c.name());
            }
            states.add(state);
            if (state == ServiceState.DOWN || state == ServiceState.NO_DATA) {
                List<String> nested = c.kind() == ComponentRef.Kind.SERVICE ? failingOfServices.getOrDefault(c.ref(), List.of()) : List.of();
                if (nested.isEmpty()) {
                    failing.add(c.name());
                } else {
                    nested.forEach(f -> failing.add(c.name() + "/" + f));
                }
            }
        }
        ServiceState state = service.inMaintenance(now) ? ServiceState.MAINTENANCE : service.rule().combine(states);
        return new ServiceVerdict(state, maintained, failing);
    }
}
