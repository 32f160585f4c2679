package io.kilowatch.collector.store;

import io.kilowatch.collector.service.ServiceHistoryStore;
import io.kilowatch.core.service.Incident;
import io.kilowatch.core.service.ServiceState;
import io.kilowatch.core.service.StateInterval;
import io.vertx.core.Future;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/** Service history in the collector's store, over the same connection and migrations as the other stores ({@link Database}). */
public final class JdbcServiceHistoryStore implements ServiceHistoryStore {
    private final Database jdbc;

    public JdbcServiceHistoryStore(Database jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Future<Void> record(List<IntervalRow> intervals, List<Incident> incidents) {
        return jdbc.run(() -> {
        try {
            jdbc.inTransaction(() -> {
                for (IntervalRow row : intervals) {
                    StateInterval i = row.interval();
                    jdbc.update("INSERT INTO service_intervals (subject_kind, subject, start_ms, end_ms, state) VALUES (?, ?, ?, ?, ?) "
                                    + "ON CONFLICT (subject_kind, subject, start_ms) DO UPDATE SET end_ms = excluded.end_ms, state = excluded.state",
                            row.kind(), row.subject(), i.startMs(), i.endMs(), i.state().label());
                }
                for (Incident incident : incidents) {
                    jdbc.update("INSERT INTO service_incidents (service, start_ms, end_ms, components) VALUES (?, ?, ?, ?) "
                                    + "ON CONFLICT (service, start_ms) DO UPDATE SET end_ms = excluded.end_ms, components = excluded.components",
                            incident.service(), incident.startMs(), incident.endMs().isPresent() ? incident.endMs().getAsLong() : null,
                            String.join(",", incident.components()));
                }
                return null;
            });
        } catch (SQLException e) {
            throw new StoreException("recording service history failed; nothing of it was stored", e);
        }
            return null;
        });
    }

    @Override
    public Future<List<StateInterval>> history(String kind, String subject, long fromMs, long toMs) {
        return jdbc.run(() -> {
        return jdbc.query("SELECT start_ms, end_ms, state FROM service_intervals WHERE subject_kind = ? AND subject = ? "
                + "AND end_ms >= ? AND start_ms < ? ORDER BY start_ms", JdbcServiceHistoryStore::interval, kind, subject, fromMs, toMs);
        });
    }

    @Override
    public Future<Map<String, List<StateInterval>>> serviceHistories(long sinceMs) {
        return jdbc.run(() -> {
        Map<String, List<StateInterval>> out = new LinkedHashMap<>();
        jdbc.query("SELECT subject, start_ms, end_ms, state FROM service_intervals WHERE subject_kind = ? AND end_ms >= ? "
                + "ORDER BY subject, start_ms", rs -> {
                    out.computeIfAbsent(rs.getString(1), k -> new java.util.ArrayList<>())
                            .add(new StateInterval(rs.getLong(2), rs.getLong(3), ServiceState.fromLabel(rs.getString(4))));
                    return null;
                }, IntervalRow.SERVICE, sinceMs);
        return out;
        });
    }

    @Override
    public Future<List<Incident>> incidents(String service, long fromMs, long toMs, int limit) {
        return jdbc.run(() -> {
        return jdbc.query("SELECT service, start_ms, end_ms, components FROM service_incidents WHERE service = ? "
                + "AND (end_ms IS NULL OR end_ms > ?) AND start_ms < ? ORDER BY start_ms DESC LIMIT ?",
                JdbcServiceHistoryStore::incident, service, fromMs, toMs, limit);
        });
    }

    @Override
    public Future<List<Incident>> openIncidents() {
        return jdbc.run(() -> {
        return jdbc.query("SELECT service, start_ms, end_ms, components FROM service_incidents WHERE end_ms IS NULL ORDER BY service",
                JdbcServiceHistoryStore::incident);
        });
    }

    private static StateInterval interval(ResultSet rs) throws SQLException {
        return new StateInterval(rs.getLong(1), rs.getLong(2), ServiceState.fromLabel(rs.getString(3)));
    }

    private static Incident incident(ResultSet rs) throws SQLException {
        long end = rs.getLong(3);
        OptionalLong endMs = rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(end);
        String components = rs.getString(4);
        return new Incident(rs.getString(1), rs.getLong(2), endMs,
                components.isEmpty() ? List.of() : Arrays.asList(components.split(",")));
    }
}
