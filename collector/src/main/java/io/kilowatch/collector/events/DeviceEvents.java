package io.kilowatch.collector.events;

import io.kilowatch.collector.store.JdbcStore;
import io.kilowatch.collector.store.StoreException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Device events, kept in the store's {@code device_events} table (created by its migrations) through a
 * connection of their own, on the store's single worker thread. An event is counted and announced
 * only once it is stored.
 */
public final class DeviceEvents implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceEvents.class);

    private final Connection connection;
    private final WorkerExecutor storeWorker;
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final List<Runnable> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    private DeviceEvents(Connection connection, WorkerExecutor storeWorker, MeterRegistry registry) {
        this.connection = connection;
        this.storeWorker = storeWorker;
        this.registry = registry;
    }

    /** Opens the embedded store's database; call on the store's worker, after the store has migrated it. */
    public static DeviceEvents sqlite(Path dataDir, WorkerExecutor storeWorker, MeterRegistry registry) {
        try {
            return new DeviceEvents(JdbcStore.sqliteConnection(dataDir), storeWorker, registry);
        } catch (SQLException e) {
            throw new StoreException("cannot open device events in " + dataDir + ": " + e.getMessage(), e);
        }
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
        return storeWorker.<Void>executeBlocking(() -> {
            try (PreparedStatement ps = connection.prepareStatement(
                    "INSERT INTO device_events (event_id, device_id, time_ms, kind, severity, source, message) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, e.id());
                ps.setString(2, e.deviceId());
                ps.setLong(3, e.time().toEpochMilli());
                ps.setString(4, e.kind());
                ps.setString(5, e.severity());
                ps.setString(6, e.source());
                ps.setString(7, e.message());
                ps.executeUpdate();
            }
            return null;
        }).onSuccess(v -> {
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
        return storeWorker.executeBlocking(() -> {
            StringBuilder sql = new StringBuilder("SELECT event_id, device_id, time_ms, kind, severity, source, message FROM device_events WHERE time_ms >= ?");
            List<Object> args = new ArrayList<>();
            args.add(since.toEpochMilli());
            if (deviceId != null) {
                sql.append(" AND device_id = ?");
                args.add(deviceId);
            }
            if (kind != null) {
                sql.append(" AND kind = ?");
                args.add(kind);
            }
            sql.append(" ORDER BY time_ms DESC, event_id LIMIT ?");
            args.add(limit);
            List<DeviceEvent> out = new ArrayList<>();
            try (PreparedStatement ps = connection.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                    ps.setObject(i + 1, args.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new DeviceEvent(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)), rs.getString(4),
                                rs.getString(5), rs.getString(6), rs.getString(7)));
                    }
                }
            }
            return out;
        });
    }

    /** Drops events older than the cutoff (kept as long as raw samples). */
    public Future<Integer> prune(Instant before) {
        return storeWorker.executeBlocking(() -> {
            try (PreparedStatement ps = connection.prepareStatement("DELETE FROM device_events WHERE time_ms < ?")) {
                ps.setLong(1, before.toEpochMilli());
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
