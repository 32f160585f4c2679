package io.kilowatch.collector.service;

import io.kilowatch.core.carbon.SoftwareCarbonIntensity;
import io.kilowatch.core.service.ServiceCatalog;
import io.kilowatch.core.service.ServiceDefinition;
import io.kilowatch.core.service.Span;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/** The carbon of a service's devices over a period, from carbon reporting, read from the store. */
public interface ServiceFootprints {
    /** Each of the service's devices: its energy, operational and embodied carbon in the period, and how many services share it. */
    Future<List<SoftwareCarbonIntensity.Component>> components(ServiceDefinition service, ServiceCatalog catalog, Span period);

    /**
     * Logged-in user sessions on these components' devices in the period, each device's counted in the share its carbon
     * is ({@link SoftwareCarbonIntensity.Component#sharedBy}); empty where no agent counts sessions.
     */
    default Future<Optional<Sessions>> sessions(List<SoftwareCarbonIntensity.Component> components, Span period) {
        return Future.succeededFuture(Optional.empty());
    }

    /** Sessions begun, and user-hours logged in. */
    record Sessions(double started, double hours) {
    }
}
