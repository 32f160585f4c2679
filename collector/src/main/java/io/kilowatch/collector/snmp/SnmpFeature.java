package io.kilowatch.collector.snmp;

import io.kilowatch.collector.calibration.CalibrationStore;
import io.kilowatch.collector.cluster.Claims;
import io.kilowatch.collector.cluster.Cluster;
import io.kilowatch.collector.cluster.Duty;
import io.kilowatch.collector.estate.Estate;
import io.kilowatch.collector.estate.EstateFeature;
import io.kilowatch.collector.events.DeviceEventStore;
import io.kilowatch.collector.events.DeviceEvents;
import io.kilowatch.collector.feature.Feature;
import io.kilowatch.collector.feature.FeatureContext;
import io.kilowatch.collector.http.ApiModule;
import io.vertx.core.Future;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** SNMP: polling devices with composed profiles, traps, discovery, and the device events they raise. */
public final class SnmpFeature implements Feature {
    private static final Logger LOG = LoggerFactory.getLogger(SnmpFeature.class);

    private final SnmpConfig config;
    private final Estate estate;
    private final EstateFeature ingest;
    private final DeviceEventStore eventStore;
    private final SnmpStore store;
    private final Duration eventRetention;
    private final Duty retention;
    /** Null while discovery is off, so no collector holds a lease for nothing. */
    private final Duty discoverySweeping;
    private final Duration refreshInterval;
    private final Claims targets;
    private volatile SnmpService snmp;
    private SnmpApi api;
    private final CalibrationStore meters;

    /**
     * @param eventRetention how long device events are kept (as long as raw samples)
     * @param cluster spreads the targets over the collectors on the store, by poller group; device events are pruned by the
     *     collector holding its {@code retention} duty; the discovery sweep by the one holding {@code snmp_discovery}
     * @param meters keeps what UPSs and PDUs measure of the devices they feed, for calibration
     * @param refreshInterval how often what other collectors stored is read again ({@code storage.refresh_interval})
     */
    public SnmpFeature(SnmpConfig config, Estate estate, EstateFeature ingest, DeviceEventStore eventStore, SnmpStore store,
                       Duration eventRetention, Cluster cluster, CalibrationStore meters, Duration refreshInterval) {
        this.meters = meters;
        this.retention = cluster.duty("retention");
        this.discoverySweeping = config.enabled() && config.discovery().cidr().isPresent() ? cluster.duty("snmp_discovery") : null;
        this.refreshInterval = refreshInterval;
        this.targets = cluster.claims("snmp", () -> snmp == null ? java.util.Map.of() : snmp.targetGroups());
        this.config = config;
        this.estate = estate;
        this.ingest = ingest;
        this.eventStore = eventStore;
        this.store = store;
        this.eventRetention = eventRetention;
    }

    @Override
    public String name() {
        return "snmp";
    }

    @Override
    public Future<Void> start(FeatureContext ctx) {
        DeviceEvents events = new DeviceEvents(eventStore, ctx.registry());
        try {
            snmp = SnmpService.start(ctx.vertx(), config, estate, ingest.ingest(), events, ctx.registry(), ctx.clock(), ingest::markChanged, store, targets,
                    meters, discoverySweeping, refreshInterval);
        } catch (IOException e) {
            return Future.failedFuture(new IllegalStateException("cannot start SNMP: " + e.getMessage(), e));
        }
        api = new SnmpApi(snmp, events, ctx.clock());
        ctx.timers().every(Duration.ofMinutes(1), Duration.ofHours(1), () -> {
            if (retention.held()) {
                events.prune(ctx.clock().instant().minus(eventRetention)).onFailure(e -> LOG.atWarn().setCause(e).log("pruning device events failed"));
            }
        });
        return Future.succeededFuture();
    }

    @Override
    public Future<Void> stop() {
        if (snmp != null) {
            snmp.stop();
        }
        return Future.succeededFuture();
    }

    @Override
    public List<ApiModule> routes() {
        return api == null ? List.of() : List.of(api);
    }
}
