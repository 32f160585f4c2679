package io.kilowatch.collector.cluster;

import io.kilowatch.collector.http.ApiModule;
import io.kilowatch.collector.http.Responses;
import io.kilowatch.collector.security.Role;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** {@code GET /api/v1/cluster}: the live collectors, who holds each duty, and how the claimed items are spread (docs/api.md). */
final class ClusterApi implements ApiModule {
    private final Cluster cluster;
    private final Clock clock;

    ClusterApi(Cluster cluster, Clock clock) {
        this.cluster = cluster;
        this.clock = clock;
    }

    @Override
    public void mount(Router router, Function<Role, Handler<RoutingContext>> require) {
        router.get("/api/v1/cluster").handler(require.apply(Role.VIEWER)).handler(this::cluster);
    }

    private void cluster(RoutingContext ctx) {
        Responses.onStore(ctx, cluster.view(), Responses.STORE_UNREADABLE).onSuccess(view -> Responses.json(ctx, 200, json(view)));
    }

    private JsonObject json(Leases.View view) {
        JsonArray collectors = new JsonArray();
        view.collectors().forEach(m -> collectors.add(new JsonObject().put("collector_id", m.collectorId())
                .put("poller_groups", new JsonArray(m.pollerGroups())).put("started", Instant.ofEpochMilli(m.startedMs()).toString())
                .put("heartbeat", Instant.ofEpochMilli(m.heartbeatMs()).toString())
                .put("this", m.collectorId().equals(cluster.config().collectorId()))));
        JsonArray duties = new JsonArray();
        Map<String, Map<String, Integer>> claimed = new TreeMap<>();
        for (Leases.Lease l : view.leases()) {
            int colon = l.name().indexOf(':');
            if (colon < 0) {
                duties.add(new JsonObject().put("duty", l.name()).put("holder", l.holder()).put("token", l.token())
                        .put("acquired", Instant.ofEpochMilli(l.acquiredMs()).toString()).put("expires", Instant.ofEpochMilli(l.expiresMs()).toString()));
            } else {
                claimed.computeIfAbsent(l.name().substring(0, colon), k -> new TreeMap<>()).merge(l.holder(), 1, Integer::sum);
            }
        }
        JsonObject claims = new JsonObject();
        claimed.forEach((kind, byHolder) -> claims.put(kind, new JsonObject(new java.util.LinkedHashMap<>(byHolder))));
        return new JsonObject().put("collector_id", cluster.config().collectorId()).put("time", clock.instant().toString())
                .put("lease_duration_seconds", cluster.config().leaseDuration().toSeconds())
                .put("poller_groups", new JsonArray(cluster.config().pollerGroups()))
                .put("collectors", collectors).put("duties", duties).put("claims", claims);
    }
}
