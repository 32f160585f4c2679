package io.kilowatch.collector.store;

import io.kilowatch.collector.snmp.Discovery;
import io.kilowatch.collector.snmp.SnmpStore;
import io.vertx.core.Future;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Discovered SNMP devices in the {@code snmp_discovered} table, on the store's writer. */
public final class JdbcSnmpStore implements SnmpStore {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcSnmpStore.class);

    private final Database db;

    public JdbcSnmpStore(Database db) {
        this.db = db;
    }

    @Override
    public Future<List<Discovery.Found>> discovered() {
        return db.run(() -> {
            List<Discovery.Found> out = new ArrayList<>();
            try (PreparedStatement ps = db.connection().prepareStatement("SELECT address, device_id, sys_name, sys_object_id, sys_descr, "
                    + "first_seen_ms, last_seen_ms, accepted_ms FROM snmp_discovered ORDER BY first_seen_ms, address");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long acceptedMs = rs.getLong(8);
                    // wasNull speaks of the column read last, so it is asked at once: a pending device must not come back accepted
                    Instant accepted = rs.wasNull() ? null : Instant.ofEpochMilli(acceptedMs);
                    out.add(new Discovery.Found(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            Instant.ofEpochMilli(rs.getLong(6)), Instant.ofEpochMilli(rs.getLong(7)), accepted));
                }
            }
            return out;
        });
    }

    @Override
    public Future<Void> saveDiscovered(Discovery.Found f) {
        return db.<Void>run(() -> {
            try (PreparedStatement ps = db.connection().prepareStatement("INSERT INTO snmp_discovered (address, device_id, sys_name, sys_object_id, "
                    + "sys_descr, first_seen_ms, last_seen_ms, accepted_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (address) DO UPDATE SET "
                    + "sys_name = excluded.sys_name, sys_object_id = excluded.sys_object_id, sys_descr = excluded.sys_descr, "
                    // an acceptance is never undone: a sweep's answer saved as pending must not overwrite one made meanwhile
                    + "last_seen_ms = excluded.last_seen_ms, accepted_ms = COALESCE(snmp_discovered.accepted_ms, excluded.accepted_ms)")) {
                ps.setString(1, f.address());
                ps.setString(2, f.deviceId());
                ps.setString(3, cut(f.sysName(), 255));
                ps.setString(4, cut(f.sysObjectId(), 255));
                ps.setString(5, cut(f.sysDescr(), 1024));
                ps.setLong(6, f.firstSeen().toEpochMilli());
                ps.setLong(7, f.lastSeen().toEpochMilli());
                ps.setObject(8, f.accepted() == null ? null : f.accepted().toEpochMilli());
                ps.executeUpdate();
            }
            return null;
        }).onFailure(e -> LOG.atError().setCause(e).addKeyValue("address", f.address()).log("storing a discovered SNMP device failed"));
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
