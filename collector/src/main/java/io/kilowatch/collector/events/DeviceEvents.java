package io.kilowatch.collector.events;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Device events: counted, logged and announced only once they are stored. */
public final class DeviceEvents {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceEvents.class);

    private final DeviceEventStore store;
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final List<Runnable> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    public DeviceEvents(DeviceEventStore store, MeterRegistry registry) {
        this.store = store;
        this.registry = registry;
    }

    /**
     * Publishes the counters of kinds that may occur at zero now, so Prometheus's {@code increase()}
     * sees the first event of each kind rather than a series that starts at 1.
     */
    public void expect(java.util.Collection<String> kinds) {
        kinds.forEach(this::counter);
    }

    /** Called after each stored event (live dashboard updates). */
    public void onRecorded(Runnable listener) {
        listeners.add(listener);
    }

    public Future<Void> record(DeviceEvent e) {
        return store.insert(e).onSuccess(v -> {
            counter(e.kind()).increment();
            LOG.atInfo().addKeyValue("device", e.deviceId()).addKeyValue("kind", e.kind()).addKeyValue("severity", e.severity())
                    .addKeyValue("message", e.message()).log("device event");
            listeners.forEach(Runnable::run);
        }).onFailure(x -> LOG.atError().setCause(x).addKeyValue("device", e.deviceId()).addKeyValue("kind", e.kind())
                .log("storing a device event failed"));
    }

    private Counter counter(String kind) {
        return counters.computeIfAbsent(kind, k -> Counter.builder("kilowatch.device.events").tag("kind", k)
                .description("Device events (SNMP traps, reboots, polls failing) stored since the collector started, by kind")
                .register(registry));
    }

    /**
     * Newest first.
     *
     * @param deviceId only this device's, or null for all
     * @param kind only this kind, or null for all
     */
    public Future<List<DeviceEvent>> recent(String deviceId, String kind, Instant since, int limit) {
        return store.recent(deviceId, kind, since, limit);
    }

    /** Drops events older than the cutoff (kept as long as raw samples). */
    public Future<Integer> prune(Instant before) {
        return store.prune(before);
    }
}
