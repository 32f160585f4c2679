package io.kilowatch.collector.cluster;

import io.vertx.core.Future;
import java.util.List;

/**
 * Leases kept in the store, so that several collectors on one database share work: a lease is held by one collector
 * until it runs out (by the database's clock), and its token grows at each change of holder (a fencing token). Each
 * method does its work on the store's single writer and answers on the caller's context.
 */
public interface Leases {
    /**
     * A lease as the store has it.
     *
     * @param holder the collector that holds or last held it; empty when released
     */
    record Lease(String name, String holder, long token, long expiresMs, long acquiredMs) {
    }

    /** A collector that has recorded a heartbeat. */
    record Member(String collectorId, List<String> pollerGroups, long startedMs, long heartbeatMs) {
    }

    /**
     * Takes each named lease that is free or has run out (a new token), renews each one {@code holder} holds already
     * (same token), for {@code durationMs} from now.
     *
     * @return the leases among {@code names} that {@code holder} holds afterwards
     */
    Future<List<Lease>> acquire(String holder, List<String> names, long durationMs);

    /**
     * Claims up to {@code share} of {@code candidates}: renews those {@code holder} holds, gives back the ones beyond its
     * share (so a collector that joins gets some), and takes free or run-out ones until it has its share, passing over
     * rows another collector is claiming at the same moment (PostgreSQL's {@code SKIP LOCKED}).
     *
     * @return the candidates {@code holder} holds afterwards
     */
    Future<List<Lease>> claim(String holder, List<String> candidates, int share, long durationMs);

    /**
     * Records a collector's heartbeat, with the poller groups it polls.
     *
     * @return the collectors live now, whose heartbeat is at most {@code durationMs} old, this one included
     */
    Future<List<Member>> heartbeat(String collectorId, List<String> pollerGroups, long durationMs);

    /** Gives back every lease {@code holder} holds and removes its heartbeat, so others take over at once rather than at expiry. */
    Future<Void> leave(String holder);

    /** Every lease that has not run out, and every collector seen within {@code durationMs}, for the API. */
    Future<View> view(long durationMs);

    /** @param nowMs the database's clock when it was read */
    record View(long nowMs, List<Lease> leases, List<Member> collectors) {
    }
}
