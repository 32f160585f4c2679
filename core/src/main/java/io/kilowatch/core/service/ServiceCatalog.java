package io.kilowatch.core.service;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** All services, checked as a whole: nested services exist and never contain themselves. */
public final class ServiceCatalog {
    private final Map<String, ServiceDefinition> byName = new LinkedHashMap<>();
    private final List<ServiceDefinition> evaluationOrder;

    public ServiceCatalog(List<ServiceDefinition> services) {
        for (ServiceDefinition s : services) {
            if (byName.put(s.name(), s) != null) {
                throw new IllegalArgumentException("service " + s.name() + " is defined twice");
            }
        }
        for (ServiceDefinition s : services) {
            for (ComponentRef c : s.components()) {
                if (c.kind() == ComponentRef.Kind.SERVICE && !byName.containsKey(c.ref())) {
                    throw new IllegalArgumentException("service " + s.name() + ", component " + c.name() + ": no service named '" + c.ref() + "'");
                }
            }
            for (MaintenanceWindow w : s.maintenance()) {
                for (String part : w.components()) {
                    if (s.components().stream().noneMatch(c -> c.name().equals(part))) {
                        throw new IllegalArgumentException("service " + s.name() + ", maintenance " + w.name() + ": no component named '" + part + "'");
                    }
                }
            }
        }
        List<ServiceDefinition> order = new ArrayList<>();
        Set<String> done = new HashSet<>();
        for (ServiceDefinition s : services) {
            visit(s, done, new ArrayList<>(), order);
        }
        evaluationOrder = List.copyOf(order);
    }

    /** Depth first, so a nested service is evaluated before the services made of it. */
    private void visit(ServiceDefinition s, Set<String> done, List<String> path, List<ServiceDefinition> order) {
        if (done.contains(s.name())) {
            return;
        }
        if (path.contains(s.name())) {
            path.add(s.name());
            throw new IllegalArgumentException("services contain each other: " + String.join(" -> ", path));
        }
        path.add(s.name());
        for (ComponentRef c : s.components()) {
            if (c.kind() == ComponentRef.Kind.SERVICE) {
                visit(byName.get(c.ref()), done, path, order);
            }
        }
        path.remove(path.size() - 1);
        done.add(s.name());
        order.add(s);
    }

    /** Services with every nested service before the services that contain it. */
    public List<ServiceDefinition> evaluationOrder() {
        return evaluationOrder;
    }

    public ServiceDefinition get(String name) {
        return byName.get(name);
    }

    public List<ServiceDefinition> all() {
        return List.copyOf(byName.values());
    }
}
