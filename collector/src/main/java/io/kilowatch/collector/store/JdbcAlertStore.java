package io.kilowatch.collector.store;

import io.kilowatch.collector.alerting.AlertStore;
import io.kilowatch.collector.cluster.Fence;
import io.kilowatch.core.alerting.Alert;
import io.kilowatch.core.alerting.LabelMatcher;
import io.kilowatch.core.alerting.Severity;
import io.kilowatch.core.alerting.Silence;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Alert history and silences in the collector's store, over the same connection (so the same thread) as the other stores ({@link Database}). */
public final class JdbcAlertStore implements AlertStore {
    private static final String ALERT_COLUMNS = "id, fingerprint, rule, labels_json, severity, summary, value_number, "
            + "active_since_ms, firing_since_ms, last_seen_ms, resolved_ms";
    private static final String SILENCE_COLUMNS = "id, matchers_json, starts_ms, ends_ms, created_by, comment, created_ms";

    private final Database store;

    public JdbcAlertStore(Database store) {
        this.store = store;
    }

    @Override
    public Future<Void> fired(List<Alert> alerts, Fence fence) {
        return inBatch("recording firing alerts", fence, alerts, "INSERT INTO alerts (" + ALERT_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                a -> new Object[] {a.id(), a.fingerprint(), a.rule(), new JsonObject(new LinkedHashMap<>(a.labels())).encode(), a.severity().label(),
                        a.summary(), Double.isNaN(a.value()) ? null : a.value(), a.activeSince().toEpochMilli(), a.firingSince().toEpochMilli(),
                        a.lastSeen().toEpochMilli(), null});
    }

    @Override
    public Future<Void> resolved(List<Alert> alerts, Fence fence) {
        return inBatch("recording resolved alerts", fence, alerts, "UPDATE alerts SET resolved_ms = ?, last_seen_ms = ?, summary = ? WHERE id = ?",
                a -> new Object[] {a.resolvedAt().toEpochMilli(), a.lastSeen().toEpochMilli(), a.summary(), a.id()});
    }

    /** One statement per item, in one transaction under the alerting lease: all of them recorded, or (fenced off, a failure) none. */
    private <T> Future<Void> inBatch(String what, Fence fence, List<T> items, String sql, java.util.function.Function<T, Object[]> row) {
        return store.run(() -> {
            store.write(what, () -> {
                JdbcLeases.check(store, fence);
                try (PreparedStatement ps = store.connection().prepareStatement(sql)) {
                    for (T item : items) {
                        Database.bind(ps, row.apply(item));
                        ps.addBatch();
                    }
                    return ps.executeBatch();
                }
            });
            return null;
        });
    }

    @Override
    public Future<Void> notified(List<String> alertIds, NotificationRecord n, Fence fence) {
        return inBatch("recording a notification", fence, alertIds,
                "INSERT INTO alert_notifications (alert_id, channel, sent_ms, kind, outcome, detail) VALUES (?, ?, ?, ?, ?, ?)",
                id -> new Object[] {id, n.channel(), n.sentMs(), n.kind(), n.outcome(), n.detail()});
    }

    @Override
    public Future<Void> settled(List<String> alertIds, NotificationRecord claimed, String outcome, String detail, long settledMs) {
        return store.run(() -> {
            store.write("settling a notification", () -> {
                for (String id : alertIds) {
                    store.update("UPDATE alert_notifications SET outcome = ?, detail = ?, sent_ms = ? WHERE alert_id = ? AND channel = ? "
                            + "AND sent_ms = ? AND outcome = ?", outcome, detail, settledMs, id, claimed.channel(), claimed.sentMs(),
                            NotificationRecord.SENDING);
                }
                return null;
            });
            return null;
        });
    }

    @Override
    public Future<List<HistoryEntry>> firing() {
        return store.run(() -> withNotifications(store.query("SELECT " + ALERT_COLUMNS + " FROM alerts WHERE resolved_ms IS NULL ORDER BY firing_since_ms",
                JdbcAlertStore::alert)));
    }

    @Override
    public Future<HistoryPage> history(HistoryQuery q) {
        return store.run(() -> page(q));
    }

    private HistoryPage page(HistoryQuery q) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        q.rule().ifPresent(r -> {
            where.append(" AND rule = ?");
            args.add(r);
        });
        q.severity().ifPresent(s -> {
            where.append(" AND severity = ?");
            args.add(s);
        });
        q.open().ifPresent(open -> where.append(open ? " AND resolved_ms IS NULL" : " AND resolved_ms IS NOT NULL"));
        // An alert belongs to [from, to) when it was firing at any moment of it.
        q.fromMs().ifPresent(from -> {
            where.append(" AND (resolved_ms IS NULL OR resolved_ms >= ?)");
            args.add(from);
        });
        q.toMs().ifPresent(to -> {
            where.append(" AND firing_since_ms < ?");
            args.add(to);
        });
        long total = store.query("SELECT COUNT(*) FROM alerts" + where, rs -> rs.getLong(1), args.toArray()).get(0);
        List<Object> paged = new ArrayList<>(args);
        paged.add(q.limit());
        paged.add(q.offset());
        List<Alert> alerts = store.query("SELECT " + ALERT_COLUMNS + " FROM alerts" + where + " ORDER BY firing_since_ms DESC, id LIMIT ? OFFSET ?",
                JdbcAlertStore::alert, paged.toArray());
        return new HistoryPage(withNotifications(alerts), total);
    }

    private List<HistoryEntry> withNotifications(List<Alert> alerts) {
        if (alerts.isEmpty()) {
            return List.of();
        }
        Map<String, List<NotificationRecord>> byAlert = new LinkedHashMap<>();
        alerts.forEach(a -> byAlert.put(a.id(), new ArrayList<>()));
        String marks = String.join(", ", java.util.Collections.nCopies(alerts.size(), "?"));
        store.query("SELECT alert_id, channel, sent_ms, kind, outcome, detail FROM alert_notifications WHERE alert_id IN (" + marks + ") "
                + "ORDER BY sent_ms", rs -> byAlert.get(rs.getString(1)).add(new NotificationRecord(rs.getString(2), rs.getLong(3),
                rs.getString(4), rs.getString(5), rs.getString(6))), byAlert.keySet().toArray());
        return alerts.stream().map(a -> new HistoryEntry(a, List.copyOf(byAlert.get(a.id())))).toList();
    }

    @Override
    public Future<Void> saveSilence(Silence s) {
        JsonArray matchers = new JsonArray();
        s.matchers().forEach(m -> matchers.add(new JsonObject().put("name", m.name()).put("op", m.op().symbol).put("value", m.value())));
        // any collector may make a silence: no lease
        return store.run(() -> {
            store.write("writing a silence", () -> store.update("INSERT INTO silences (" + SILENCE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?) "
                            + "ON CONFLICT (id) DO UPDATE SET starts_ms = excluded.starts_ms, ends_ms = excluded.ends_ms",
                    s.id(), matchers.encode(), s.startsAt().toEpochMilli(), s.endsAt().toEpochMilli(), s.createdBy(), s.comment(),
                    s.createdAt().toEpochMilli()));
            return null;
        });
    }

    @Override
    public Future<List<Silence>> silences(long sinceMs) {
        return store.run(() -> store.query("SELECT " + SILENCE_COLUMNS + " FROM silences WHERE ends_ms >= ? ORDER BY created_ms DESC",
                JdbcAlertStore::silence, sinceMs));
    }

    @Override
    public Future<Optional<Silence>> silence(String id) {
        return store.run(() -> store.query("SELECT " + SILENCE_COLUMNS + " FROM silences WHERE id = ?", JdbcAlertStore::silence, id)
                .stream().findFirst());
    }

    private static Alert alert(ResultSet rs) throws SQLException {
        Map<String, String> labels = new LinkedHashMap<>();
        new JsonObject(rs.getString(4)).forEach(e -> labels.put(e.getKey(), String.valueOf(e.getValue())));
        double value = rs.getDouble(7);
        boolean noValue = rs.wasNull();
        long resolved = rs.getLong(11);
        boolean open = rs.wasNull();
        return new Alert(rs.getString(2), rs.getString(3), labels, Severity.fromLabel(rs.getString(5)).orElse(Severity.INFO), rs.getString(6),
                noValue ? Double.NaN : value, open ? Alert.State.FIRING : Alert.State.RESOLVED, Instant.ofEpochMilli(rs.getLong(8)),
                Instant.ofEpochMilli(rs.getLong(9)), Instant.ofEpochMilli(rs.getLong(10)), open ? null : Instant.ofEpochMilli(resolved));
    }

    private static Silence silence(ResultSet rs) throws SQLException {
        List<LabelMatcher> matchers = new ArrayList<>();
        for (Object o : new JsonArray(rs.getString(2))) {
            JsonObject m = (JsonObject) o;
            matchers.add(new LabelMatcher(m.getString("name"), LabelMatcher.Op.fromSymbol(m.getString("op")), m.getString("value")));
        }
        return new Silence(rs.getString(1), matchers, Instant.ofEpochMilli(rs.getLong(3)), Instant.ofEpochMilli(rs.getLong(4)),
                rs.getString(5), rs.getString(6), Instant.ofEpochMilli(rs.getLong(7)));
    }
}
