package io.kilowatch.collector.cluster;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Items of work spread over the live collectors by leases, each polled by one collector at a time: SNMP targets. Every
 * collector claims up to its fair share of the items in its poller groups ({@link Cluster}); an item whose collector
 * died is free once its lease runs out and is claimed at the next renewal.
 */
public final class Claims {
    private final String kind;
    private final Supplier<Map<String, String>> items;
    private final java.util.List<Consumer<Set<String>>> claimed = new CopyOnWriteArrayList<>();
    private volatile Set<String> held = Set.of();
    private volatile long validUntilNanos;

    Claims(String kind, Supplier<Map<String, String>> items) {
        this.kind = kind;
        this.items = items;
    }

    public String kind() {
        return kind;
    }

    /** Whether this collector holds the item's lease now. */
    public boolean holds(String item) {
        return System.nanoTime() - validUntilNanos < 0 && held.contains(item);
    }

    /** The items this collector held at the last renewal. */
    public Set<String> held() {
        return held;
    }

    /** Called on the collector's context with the items newly claimed at a renewal, so they are polled without waiting for their turn. */
    public void onClaimed(Consumer<Set<String>> listener) {
        claimed.add(listener);
    }

    /** Every item and its poller group, now (discovery may add items). */
    Map<String, String> items() {
        return items.get();
    }

    void granted(Set<String> now, long validUntil) {
        Set<String> fresh = new java.util.HashSet<>(now);
        if (System.nanoTime() - validUntilNanos < 0) {
            fresh.removeAll(held);
        }
        held = Set.copyOf(now);
        validUntilNanos = validUntil;
        if (!fresh.isEmpty()) {
            claimed.forEach(l -> l.accept(Set.copyOf(fresh)));
        }
    }
}
