package io.kilowatch.collector.cluster;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;

/**
 * A singleton duty (alert evaluation, service evaluation, a carbon pass, pruning...) that runs on one collector at a
 * time: the one holding its lease. {@link Cluster} renews the lease; the duty checks {@link #held} before each round and
 * writes what must not happen twice under its {@link #fence}.
 */
public final class Duty {
    private final String name;
    private final List<LongConsumer> taken = new CopyOnWriteArrayList<>();
    private final List<Runnable> lost = new CopyOnWriteArrayList<>();
    private volatile boolean holding;
    private volatile long token;
    /** Until when this collector may act without renewing, by its own monotonic clock: from before it asked, so never later than the store's expiry. */
    private volatile long validUntilNanos;

    Duty(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** Whether this collector holds the lease now: it was granted and has not run out since the last renewal. */
    public boolean held() {
        return holding && System.nanoTime() - validUntilNanos < 0;
    }

    /** The lease and token to write under; the store refuses a write under a token that is no longer current. */
    public Fence fence() {
        return new Fence(name, token);
    }

    /** Called on the collector's context each time this collector takes the lease with a new token: the state in the store is the truth, read it again. */
    public void onTaken(LongConsumer listener) {
        taken.add(listener);
    }

    /** Called on the collector's context when another collector has taken the lease, or the store said so. */
    public void onLost(Runnable listener) {
        lost.add(listener);
    }

    /** A write under this duty's fence was refused: another collector holds it now, so stop at once rather than at the next renewal. */
    public void fencedOff() {
        notHeld();
    }

    void granted(long grantedToken, long validUntil) {
        boolean fresh = !holding || grantedToken != token;
        if (fresh && holding) {
            notHeld(); // taken by another and back to this one between two renewals: what was in memory is stale
        }
        token = grantedToken;
        validUntilNanos = validUntil;
        holding = true;
        if (fresh) {
            taken.forEach(l -> l.accept(grantedToken));
        }
    }

    void notHeld() {
        if (holding) {
            holding = false;
            lost.forEach(Runnable::run);
        }
    }
}
