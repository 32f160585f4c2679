package io.kilowatch.collector.cluster;

import io.kilowatch.collector.feature.Feature;
import io.kilowatch.collector.feature.FeatureContext;
import io.kilowatch.collector.http.ApiModule;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several collectors on one store: renews this collector's leases from the start (it starts first, so the duties of a
 * lone collector are held before they are first due, and stops last, giving its leases back), publishes what it holds
 * ({@code kilowatch_collector_leases_held}) and serves {@code GET /api/v1/cluster}.
 */
public final class ClusterFeature implements Feature {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterFeature.class);

    private final Cluster cluster;
    private List<ApiModule> routes = List.of();

    public ClusterFeature(Cluster cluster) {
        this.cluster = cluster;
    }

    @Override
    public String name() {
        return "cluster";
    }

    @Override
    public Future<Void> start(FeatureContext ctx) {
        for (Duty d : cluster.duties()) {
            Gauge.builder("kilowatch.collector.leases.held", d, x -> x.held() ? 1 : 0).tag("duty", d.name())
                    .description("Leases this collector holds, by duty: 1 while it runs the duty; for SNMP targets, how many it polls")
                    .register(ctx.registry());
        }
        for (Claims c : cluster.allClaims()) {
            Gauge.builder("kilowatch.collector.leases.held", c, x -> x.held().size()).tag("duty", c.kind())
                    .description("Leases this collector holds, by duty: 1 while it runs the duty; for SNMP targets, how many it polls")
                    .register(ctx.registry());
        }
        return cluster.renew().onSuccess(v -> {
            ctx.timers().every(cluster.config().renewInterval(), cluster::renew);
            routes = List.of(new ClusterApi(cluster, ctx.clock()));
            LOG.atInfo().addKeyValue("collector_id", cluster.config().collectorId())
                    .addKeyValue("duties_held", cluster.duties().stream().filter(Duty::held).map(Duty::name).toList())
                    .addKeyValue("poller_groups", cluster.config().pollerGroups()).log("cluster leases taken");
        });
    }

    @Override
    public Future<Void> stop() {
        return cluster.leave().onFailure(e -> LOG.atWarn().addKeyValue("problem", e.getMessage())
                .log("giving leases back failed; the other collectors take over when they run out"));
    }

    @Override
    public List<ApiModule> routes() {
        return routes;
    }
}
