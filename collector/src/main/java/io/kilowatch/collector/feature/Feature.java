package io.kilowatch.collector.feature;

import io.kilowatch.collector.http.ApiModule;
import io.vertx.core.Future;
import java.util.List;

/**
 * One part of the collector (estate, carbon, services, SNMP...). The composition root builds the list of
 * features once, starts them in order, stops them in reverse and mounts their routes; a new feature is one
 * class implementing this and one line in that list. Constructors only keep what they are given; I/O and
 * timers begin in {@link #start}.
 */
public interface Feature {
    /** A short name for logs: {@code estate}, {@code snmp}. */
    String name();

    /** Starts the feature; a failed start fails the collector's start. */
    Future<Void> start(FeatureContext context);

    /** Stops what {@link #start} began; called in reverse order of starting, also after a failed start. */
    default Future<Void> stop() {
        return Future.succeededFuture();
    }

    /** Re-reads the feature's own files (SIGHUP); a bad file fails the answer and changes nothing. */
    default Future<Void> reload(String trigger) {
        return Future.succeededFuture();
    }

    /** The API routes the feature serves, mounted in feature order after it has started. */
    default List<ApiModule> routes() {
        return List.of();
    }
}
