package io.kilowatch.collector.carbon;

import io.kilowatch.collector.cluster.Duty;
import io.kilowatch.collector.estate.DeviceRow;
import io.kilowatch.collector.estate.IngestPlan;
import io.kilowatch.collector.feature.Feature;
import io.kilowatch.collector.feature.FeatureContext;
import io.kilowatch.collector.http.ApiModule;
import io.kilowatch.core.carbon.CarbonPolicy;
import io.kilowatch.core.service.ServiceDefinition;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Grid carbon intensity: imported files and the fetched NESO feed kept in the store and in memory, the carbon
 * counters of stored reports, the carbon API and the lowest-carbon windows for deferrable work.
 */
public final class CarbonFeature implements Feature {
    private static final Logger LOG = LoggerFactory.getLogger(CarbonFeature.class);

    private final CarbonPolicy policy;
    private final CarbonConfig.Fetch fetch;
    private final CarbonWindowsConfig windows;
    private final CarbonStore store;
    private final IntensityCache intensity;
    private final ToLongFunction<Instant> dayStart;
    private final Duration refreshInterval;
    private final Supplier<List<ServiceDefinition>> services;
    private final Function<String, DeviceRow> device;
    private final Supplier<List<DeviceRow>> devices;
    private final Duty fetchDuty;
    private CarbonMetrics metrics;
    private IntensityImports imports;
    private IntensityFetcher fetcher;
    private List<ApiModule> routes = List.of();

    /**
     * @param dayStart the start of a report's accounting day, for rollups recomputed after an import
     * @param refreshInterval how often intensity imported by other collectors is picked up from the store
     * @param fetchDuty the live intensity is fetched only by the collector holding it; the others read it from the store
     */
    public CarbonFeature(CarbonPolicy policy, CarbonConfig.Fetch fetch, CarbonWindowsConfig windows, CarbonStore store, IntensityCache intensity,
                         ToLongFunction<Instant> dayStart, Duration refreshInterval, Supplier<List<ServiceDefinition>> services,
                         Function<String, DeviceRow> device, Supplier<List<DeviceRow>> devices, Duty fetchDuty) {
        this.fetchDuty = fetchDuty;
        this.policy = policy;
        this.fetch = fetch;
        this.windows = windows;
        this.store = store;
        this.intensity = intensity;
        this.dayStart = dayStart;
        this.refreshInterval = refreshInterval;
        this.services = services;
        this.device = device;
        this.devices = devices;
    }

    @Override
    public String name() {
        return "carbon";
    }

    @Override
    public Future<Void> start(FeatureContext ctx) {
        metrics = new CarbonMetrics(ctx.registry(), policy, intensity, ctx.clock());
        imports = new IntensityImports(store, ctx.maths(), intensity, RollupRecompute.afterImport(policy, dayStart), ctx.clock());
        return imports.reloadIfChanged().onSuccess(v -> {
            ctx.timers().every(refreshInterval, () -> imports.reloadIfChanged().onFailure(e -> LOG.atWarn().setCause(e).log("reloading grid intensity from the store failed")));
            if (fetch.enabled()) {
                fetcher = new IntensityFetcher(ctx.vertx(), fetch, imports, ctx.registry(), ctx.clock(), fetchDuty);
                fetcher.start();
            }
            routes = List.of(new CarbonApi(store, policy, intensity, imports, ctx.zone(), ctx.clock()),
                    new CarbonWindowsApi(new CarbonWindowPlanner(windows, policy, intensity, services, device, devices, ctx.zone()), ctx.clock()));
        });
    }

    /** Counts a stored report's carbon. */
    public void count(IngestPlan plan) {
        metrics.count(plan);
    }

    @Override
    public Future<Void> stop() {
        if (fetcher != null) {
            fetcher.close();
        }
        return Future.succeededFuture();
    }

    @Override
    public List<ApiModule> routes() {
        return routes;
    }
}
