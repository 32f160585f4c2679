package io.kilowatch.collector.service;

import io.kilowatch.core.carbon.SoftwareCarbonIntensity;
import io.kilowatch.core.service.ServiceCatalog;
import io.kilowatch.core.service.ServiceDefinition;
import io.kilowatch.core.service.Span;
import java.util.List;

/** The carbon of a service's devices over a period, from carbon reporting; blocks, so it runs on the store's worker. */
public interface ServiceFootprints {
    /** Each of the service's devices: its energy, operational and embodied carbon in the period, and how many services share it. */
    List<SoftwareCarbonIntensity.Component> components(ServiceDefinition service, ServiceCatalog catalog, Span period);
}
