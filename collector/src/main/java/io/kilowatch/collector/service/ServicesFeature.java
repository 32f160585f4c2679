package io.kilowatch.collector.service;

import io.kilowatch.collector.cluster.Duty;
import io.kilowatch.collector.estate.Estate;
import io.kilowatch.collector.feature.Feature;
import io.kilowatch.collector.feature.FeatureContext;
import io.kilowatch.collector.http.ApiModule;
import io.kilowatch.core.alerting.ConditionSource;
import io.kilowatch.core.service.ServiceDefinition;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Services and SLAs: probes, availability against targets, incidents, SLA reports and each service's carbon intensity (SCI). */
public final class ServicesFeature implements Feature {
    private static final Logger LOG = LoggerFactory.getLogger(ServicesFeature.class);

    private final ServiceSettings settings;
    private final ServiceHistoryStore store;
    private final Estate estate;
    private final ServiceFootprints footprints;
    private final Duty duty;
    private Services services;
    private List<ApiModule> routes = List.of();

    /** @param duty service history and incidents are recorded by the collector holding it; every collector evaluates */
    public ServicesFeature(ServiceSettings settings, ServiceHistoryStore store, Estate estate, ServiceFootprints footprints, Duty duty) {
        this.duty = duty;
        this.settings = settings;
        this.store = store;
        this.estate = estate;
        this.footprints = footprints;
    }

    @Override
    public String name() {
        return "services";
    }

    @Override
    public Future<Void> start(FeatureContext ctx) {
        services = new Services(ctx.vertx(), settings, ctx.zone(), store, ctx.maths(), estate, ctx.registry(), ctx.clock(), duty::held);
        ServiceSciMetrics sci = new ServiceSciMetrics(ctx.registry());
        return services.start(ctx.timers()).onSuccess(v -> {
            // Each service's SCI this month: now, then with the carbon pass.
            ctx.timers().every(Duration.ofMillis(1), Duration.ofMinutes(15), () -> ServiceSciMetrics.thisMonth(services, footprints,
                    ctx.clock().instant()).onSuccess(sci::update).onFailure(e -> LOG.atWarn().setCause(e).log("updating services' carbon intensity failed")));
            routes = List.of(new ServicesApi(services, footprints));
        });
    }

    /** Services and probes, for their alert conditions. */
    public ConditionSource conditions() {
        return services.conditions();
    }

    /** The services defined now. */
    public List<ServiceDefinition> catalog() {
        return services == null ? List.of() : services.config().catalog().all();
    }

    @Override
    public Future<Void> reload(String trigger) {
        return services.file().isEmpty() ? Future.succeededFuture() : services.reload(trigger).mapEmpty();
    }

    @Override
    public Future<Void> stop() {
        return services == null ? Future.succeededFuture() : services.close();
    }

    @Override
    public List<ApiModule> routes() {
        return routes;
    }
}
