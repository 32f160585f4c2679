package io.kilowatch.collector.store;

import io.kilowatch.collector.events.DeviceEvent;
import io.kilowatch.collector.events.DeviceEventStore;
import io.vertx.core.Future;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Device events in the {@code device_events} table, on the store's writer. */
public final class JdbcDeviceEventStore implements DeviceEventStore {
    private final Database db;

    public JdbcDeviceEventStore(Database db) {
        this.db = db;
    }

    @Override
    public Future<Void> insert(DeviceEvent e) {
        return db.<Void>run(() -> {
            try (PreparedStatement ps = db.connection().prepareStatement(
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
        });
    }

    @Override
    public Future<List<DeviceEvent>> recent(String deviceId, String kind, Instant since, int limit) {
        return db.run(() -> {
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
            try (PreparedStatement ps = db.connection().prepareStatement(sql.toString())) {
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

    @Override
    public Future<Integer> prune(Instant before) {
        return db.run(() -> {
            try (PreparedStatement ps = db.connection().prepareStatement("DELETE FROM device_events WHERE time_ms < ?")) {
                ps.setLong(1, before.toEpochMilli());
                return ps.executeUpdate();
            }
        });
    }

}
