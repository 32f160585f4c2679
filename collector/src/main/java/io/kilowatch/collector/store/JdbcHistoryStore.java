package io.kilowatch.collector.store;

import io.kilowatch.collector.history.HistoryStore;

import io.kilowatch.core.carbon.EnergyFootprint;
import io.vertx.core.Future;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/** {@link HistoryStore} over the main store's connection and worker thread. Not thread-safe. */
public final class JdbcHistoryStore implements HistoryStore {
    private final Database store;

    public JdbcHistoryStore(Database store) {
        this.store = store;
    }

    /** Signals a conflict from inside the transaction, so it rolls back. */
    private static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Conflict conflict;

        Refused(Conflict conflict) {
            super(null, null, false, false);
            this.conflict = conflict;
        }
    }

    /** No imported row is longer than a month (745 hours at most, with a clock change): older stored rows cannot reach a new one. */
    private static final long LONGEST_ROW_MS = Duration.ofDays(32).toMillis();

    /** A stored row's key and span. */
    private record Stored(String resolution, long startMs, long endMs) {
    }

    @Override
    public Future<Optional<Conflict>> replace(List<ImportedDay> days, long nowMs) {
        return store.run(() -> replaceNow(days, nowMs));
    }

    private Optional<Conflict> replaceNow(List<ImportedDay> days, long nowMs) {
        // One entry per imported row: its first day stands for the row's key.
        Map<String, ImportedDay> rows = new LinkedHashMap<>();
        days.forEach(d -> rows.putIfAbsent(d.scope() + "\u0000" + d.subject() + "\u0000" + d.resolution() + "\u0000" + d.rowStartMs(), d));
        try {
            return store.inTransaction(() -> {
                // Each subject's stored rows are read once, by start, so a year of half-hours is not a query per row.
                Map<String, NavigableMap<Long, List<Stored>>> stored = new HashMap<>();
                for (ImportedDay r : rows.values()) {
                    NavigableMap<Long, List<Stored>> byStart = stored.computeIfAbsent(r.scope() + "\u0000" + r.subject(),
                            k -> storedRows(r.scope(), r.subject()));
                    Stored first = null;
                    for (List<Stored> atStart : byStart.subMap(r.rowStartMs() - LONGEST_ROW_MS, false, r.rowEndMs(), false).values()) {
                        for (Stored s : atStart) {
                            boolean same = s.resolution().equals(r.resolution()) && s.startMs() == r.rowStartMs();
                            if (!same && s.endMs() > r.rowStartMs() && (first == null || s.startMs() < first.startMs())) {
                                first = s;
                            }
                        }
                    }
                    if (first != null) {
                        throw new Refused(new Conflict(r.line(), first.resolution(), first.startMs()));
                    }
                    store.update("DELETE FROM energy_imports WHERE scope = ? AND subject = ? AND resolution = ? AND row_start_ms = ?",
                            r.scope(), r.subject(), r.resolution(), r.rowStartMs());
                }
                try (PreparedStatement ps = store.connection().prepareStatement("INSERT INTO energy_imports (scope, subject, resolution, "
                        + "row_start_ms, row_end_ms, day_start_ms, org, site, device_class, energy_joules, carbon_grams, overhead_joules, "
                        + "overhead_carbon_grams, td_carbon_grams, fallback_joules, cost_gbp, imported_ms) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    for (ImportedDay d : days) {
                        EnergyFootprint f = d.footprint();
                        Database.bind(ps, d.scope(), d.subject(), d.resolution(), d.rowStartMs(), d.rowEndMs(), d.dayStartMs(), d.org(),
                                d.site(), d.deviceClass(), f.itJoules(), f.carbonGrams(), f.overheadJoules(), f.overheadCarbonGrams(),
                                f.tdCarbonGrams(), f.fallbackJoules(), f.costGbp(), nowMs);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                return Optional.<Conflict>empty();
            });
        } catch (Refused e) {
            return Optional.of(e.conflict);
        } catch (SQLException e) {
            throw new StoreException("storing imported history failed; nothing of it was stored", e);
        }
    }

    private NavigableMap<Long, List<Stored>> storedRows(String scope, String subject) {
        NavigableMap<Long, List<Stored>> byStart = new TreeMap<>();
        store.query("SELECT DISTINCT resolution, row_start_ms, row_end_ms FROM energy_imports WHERE scope = ? AND subject = ?",
                rs -> new Stored(rs.getString(1), rs.getLong(2), rs.getLong(3)), scope, subject)
                .forEach(s -> byStart.computeIfAbsent(s.startMs(), k -> new ArrayList<>()).add(s));
        return byStart;
    }
}
