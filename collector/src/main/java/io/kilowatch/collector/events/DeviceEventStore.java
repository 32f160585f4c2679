package io.kilowatch.collector.events;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;

/** Where device events are kept. Each method does its work on the store's writer and answers on the caller's context. */
public interface DeviceEventStore {
    Future<Void> insert(DeviceEvent event);

    /**
     * Newest first.
     *
     * @param deviceId only this device's, or null for all
     * @param kind only this kind, or null for all
     */
    Future<List<DeviceEvent>> recent(String deviceId, String kind, Instant since, int limit);

    /** Drops events older than the cutoff; answers how many. */
    Future<Integer> prune(Instant before);
}
