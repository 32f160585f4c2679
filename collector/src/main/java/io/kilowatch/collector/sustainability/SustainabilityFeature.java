package io.kilowatch.collector.sustainability;

import io.kilowatch.collector.cluster.Duty;
import io.kilowatch.collector.estate.DeviceRow;
import io.kilowatch.collector.feature.Feature;
import io.kilowatch.collector.feature.FeatureContext;
import io.kilowatch.collector.http.ApiModule;
import io.kilowatch.collector.service.ServiceFootprints;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The carbon management plan: known-off time, embodied carbon, targets and the trajectory, carbon reports and savings. */
public final class SustainabilityFeature implements Feature {
    private static final Logger LOG = LoggerFactory.getLogger(SustainabilityFeature.class);

    private final SustainabilityService sustainability;
    private final ServiceCarbon serviceCarbon;
    private final Duration embodiedRefresh;
    private final Duty carbonPass;
    private final Supplier<List<DeviceRow>> devices;
    private List<ApiModule> routes = List.of();

    /**
     * @param embodiedRefresh how often the embodied gauges are refreshed, so new devices and classes show at once
     * @param carbonPass known-off time is recorded only by the collector holding it; every collector reads the gauges
     * @param devices the live view's device rows, for the embodied gauges
     */
    public SustainabilityFeature(SustainabilityService sustainability, ServiceCarbon serviceCarbon, Duration embodiedRefresh, Duty carbonPass,
                                 Supplier<List<DeviceRow>> devices) {
        this.devices = devices;
        this.carbonPass = carbonPass;
        this.sustainability = sustainability;
        this.serviceCarbon = serviceCarbon;
        this.embodiedRefresh = embodiedRefresh;
    }

    @Override
    public String name() {
        return "sustainability";
    }

    /** Each service's devices' carbon, for services' SCI. */
    public ServiceFootprints serviceFootprints() {
        return serviceCarbon;
    }

    /**
     * Known-off time and the target gauges change slowly: every 15 minutes, the first pass before the server listens so it
     * never competes with agents draining their backlog. The embodied gauges are cheap and refreshed every few seconds.
     */
    @Override
    public Future<Void> start(FeatureContext ctx) {
        SustainabilityMetrics metrics = new SustainabilityMetrics(ctx.registry());
        return pass(ctx).<Void>map(snapshot -> {
            metrics.update(snapshot);
            Duration every = Duration.ofMinutes(15);
            ctx.timers().every(every, () -> pass(ctx).onSuccess(metrics::update)
                    .onFailure(e -> LOG.atWarn().setCause(e).log("updating off time and carbon gauges failed")));
            ctx.timers().every(embodiedRefresh, () -> sustainability.embodiedRates(devices.get(), ctx.clock().instant())
                    .onSuccess(metrics::updateEmbodied).onFailure(e -> LOG.atWarn().setCause(e).log("updating embodied carbon gauges failed")));
            routes = List.of(new SustainabilityApi(sustainability, ctx.clock()));
            return null;
        });
    }

    /** Records known-off time when this collector holds the carbon pass, then takes the gauges' figures, which count it. */
    private Future<SustainabilityMetrics.Snapshot> pass(FeatureContext ctx) {
        Future<?> offTime = carbonPass.held() ? sustainability.recordOffTime(ctx.clock().instant()) : Future.succeededFuture();
        return offTime.compose(recorded -> sustainability.snapshot(ctx.clock().instant()));
    }

    @Override
    public List<ApiModule> routes() {
        return routes;
    }
}
