package io.kilowatch.collector.store;

import io.kilowatch.core.carbon.EnergyFootprint;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@link HistoryStore} over the main store's connection and worker thread. Not thread-safe. */
public final class JdbcHistoryStore implements HistoryStore {
    private final JdbcStore store;

    public JdbcHistoryStore(JdbcStore store) {
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

    @Override
    public Conflict replace(List<ImportedDay> days, long nowMs) {
        // One entry per imported row: its first day stands for the row's key.
        Map<String, ImportedDay> rows = new LinkedHashMap<>();
        days.forEach(d -> rows.putIfAbsent(d.scope() + "\u0000" + d.subject() + "\u0000" + d.resolution() + "\u0000" + d.rowStartMs(), d));
        try {
            return store.inTransaction(() -> {
                for (ImportedDay r : rows.values()) {
                    List<Conflict> overlapping = store.query("SELECT resolution, row_start_ms FROM energy_imports WHERE scope = ? AND subject = ? "
                            + "AND row_start_ms < ? AND row_end_ms > ? AND NOT (resolution = ? AND row_start_ms = ?) ORDER BY row_start_ms",
                            rs -> new Conflict(r.line(), rs.getString(1), rs.getLong(2)),
                            r.scope(), r.subject(), r.rowEndMs(), r.rowStartMs(), r.resolution(), r.rowStartMs());
                    if (!overlapping.isEmpty()) {
                        throw new Refused(overlapping.get(0));
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
                        JdbcStore.bind(ps, d.scope(), d.subject(), d.resolution(), d.rowStartMs(), d.rowEndMs(), d.dayStartMs(), d.org(),
                                d.site(), d.deviceClass(), f.itJoules(), f.carbonGrams(), f.overheadJoules(), f.overheadCarbonGrams(),
                                f.tdCarbonGrams(), f.fallbackJoules(), f.costGbp(), nowMs);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                return null;
            });
        } catch (Refused e) {
            return e.conflict;
        } catch (SQLException e) {
            throw new StoreException("storing imported history failed; nothing of it was stored", e);
        }
    }
}
