package io.kilowatch.collector.cluster;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This collector among the others on one store: its heartbeat, the leases of its singleton {@link Duty duties} and its
 * share of the {@link Claims claimed} items, renewed together every {@link ClusterConfig#renewInterval}. On SQLite there
 * is one collector, which takes every lease at its first renewal; the same code runs.
 */
public final class Cluster {
    private static final Logger LOG = LoggerFactory.getLogger(Cluster.class);

    private final ClusterConfig config;
    private final Leases leases;
    private final Map<String, Duty> duties = new LinkedHashMap<>();
    private final Map<String, Claims> claims = new LinkedHashMap<>();
    private boolean renewing;
    private boolean failing;

    public Cluster(ClusterConfig config, Leases leases) {
        this.config = config;
        this.leases = leases;
    }

    public ClusterConfig config() {
        return config;
    }

    /** The duty of this name, the same one for every caller; ask before the cluster feature starts. */
    public synchronized Duty duty(String name) {
        return duties.computeIfAbsent(name, Duty::new);
    }

    /**
     * Items of one kind spread over the collectors; each item's lease is named {@code kind:item}.
     *
     * @param items every item and its poller group, asked at each renewal
     */
    public synchronized Claims claims(String kind, Supplier<Map<String, String>> items) {
        if (claims.containsKey(kind)) {
            throw new IllegalStateException("items of kind " + kind + " are claimed already");
        }
        Claims c = new Claims(kind, items);
        claims.put(kind, c);
        return c;
    }

    synchronized List<Duty> duties() {
        return List.copyOf(duties.values());
    }

    synchronized List<Claims> allClaims() {
        return List.copyOf(claims.values());
    }

    /**
     * One renewal: the heartbeat, then every duty's lease, then each kind's fair share of items. A failure (the store
     * away) changes nothing here: what is held runs out by itself at the end of its lease, so this collector stops
     * acting no later than another may start.
     */
    public Future<Void> renew() {
        if (renewing) {
            return Future.succeededFuture(); // the previous one is still waiting on the store
        }
        renewing = true;
        long asked = System.nanoTime();
        long validUntil = asked + config.leaseDuration().toNanos();
        long durationMs = config.leaseDuration().toMillis();
        List<Duty> duties = duties();
        return leases.heartbeat(config.collectorId(), config.pollerGroups(), durationMs)
                .compose(live -> leases.acquire(config.collectorId(), duties.stream().map(Duty::name).toList(), durationMs).map(held -> {
                    Map<String, Leases.Lease> byName = new LinkedHashMap<>();
                    held.forEach(l -> byName.put(l.name(), l));
                    for (Duty d : duties) {
                        Leases.Lease l = byName.get(d.name());
                        if (l == null) {
                            d.notHeld();
                        } else {
                            d.granted(l.token(), validUntil);
                        }
                    }
                    return live;
                }))
                .compose(live -> {
                    Future<Void> chain = Future.succeededFuture();
                    for (Claims c : allClaims()) {
                        chain = chain.compose(v -> claim(c, live, durationMs, validUntil));
                    }
                    return chain;
                })
                .onSuccess(v -> {
                    if (failing) {
                        LOG.atInfo().addKeyValue("collector_id", config.collectorId()).log("leases renewed again");
                    }
                    failing = false;
                })
                .onFailure(e -> {
                    if (!failing) {
                        LOG.atWarn().addKeyValue("collector_id", config.collectorId()).addKeyValue("problem", e.getMessage())
                                .log("renewing leases failed; what this collector holds runs out unless a renewal succeeds in time");
                    }
                    failing = true;
                })
                .eventually(() -> {
                    renewing = false;
                    return Future.succeededFuture();
                });
    }

    /** This collector's share of each of its poller groups: the group's items over the live collectors that poll it, rounded up. */
    private Future<Void> claim(Claims c, List<Leases.Member> live, long durationMs, long validUntil) {
        Map<String, List<String>> byGroup = new LinkedHashMap<>();
        c.items().forEach((item, group) -> byGroup.computeIfAbsent(group, g -> new ArrayList<>()).add(c.kind() + ":" + item));
        Set<String> held = new HashSet<>();
        Future<Void> chain = Future.succeededFuture();
        for (String group : config.pollerGroups()) {
            List<String> candidates = byGroup.getOrDefault(group, List.of());
            if (candidates.isEmpty()) {
                continue;
            }
            int share = fairShare(candidates.size(), live, group);
            chain = chain.compose(v -> leases.claim(config.collectorId(), candidates, share, durationMs).map(got -> {
                got.forEach(l -> held.add(l.name().substring(c.kind().length() + 1)));
                return null;
            }));
        }
        return chain.onSuccess(v -> c.granted(held, validUntil));
    }

    /** Items over the live collectors polling the group (this one at least), rounded up so that every item has a taker. */
    static int fairShare(int items, List<Leases.Member> live, String group) {
        long pollers = Math.max(1, live.stream().filter(m -> m.pollerGroups().contains(group)).count());
        return (int) ((items + pollers - 1) / pollers);
    }

    /** Gives every lease back at a clean stop, so the others take over at their next renewal rather than at expiry. */
    public Future<Void> leave() {
        duties().forEach(Duty::notHeld);
        allClaims().forEach(c -> c.granted(Set.of(), System.nanoTime()));
        return leases.leave(config.collectorId());
    }

    /** The leases and collectors as the store has them now. */
    public Future<Leases.View> view() {
        return leases.view(config.leaseDuration().toMillis());
    }
}
