package io.kilowatch.collector.store;

import io.kilowatch.collector.carbon.CarbonStore;
import io.kilowatch.core.carbon.EnergyFootprint;
import io.kilowatch.core.carbon.IntensitySeries;
import io.vertx.core.Future;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@link CarbonStore} in the same database and connection as a the other stores ({@link Database}), so imports and ingest never interleave. */
public final class JdbcCarbonStore implements CarbonStore {
    private static final long HOUR_MS = 3_600_000;
    private final Database db;

    public JdbcCarbonStore(Database db) {
        this.db = db;
    }

    @Override
    public Future<ImportOutcome> importIntensity(Map<String, List<IntensitySeries.Point>> byRegion, long nowMs, Recomputer recomputer) {
        return db.run(() -> {
        try {
            return db.inTransaction(() -> {
                int points = 0;
                int stored = 0;
                int recomputed = 0;
                for (Map.Entry<String, List<IntensitySeries.Point>> region : byRegion.entrySet()) {
                    List<IntensitySeries.Point> list = region.getValue();
                    if (list.isEmpty()) {
                        continue;
                    }
                    long from = Long.MAX_VALUE;
                    long to = Long.MIN_VALUE;
                    for (IntensitySeries.Point p : list) {
                        long start = p.start().toEpochMilli();
                        // An actual measurement is better than any forecast: a later forecast must not overwrite it.
                        stored += db.update("INSERT INTO grid_intensity (region, start_ms, gco2e_per_kwh, kind, source, imported_ms) "
                                + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (region, start_ms) DO UPDATE SET gco2e_per_kwh = excluded.gco2e_per_kwh, "
                                + "kind = excluded.kind, source = excluded.source, imported_ms = excluded.imported_ms "
                                + "WHERE NOT (grid_intensity.kind = 'actual' AND excluded.kind = 'forecast')",
                                region.getKey(), start, p.gramsPerKwh(), p.kind(), p.source(), nowMs);
                        from = Math.min(from, start);
                        to = Math.max(to, start + IntensitySeries.HALF_HOUR.toMillis());
                    }
                    points += list.size();
                    long hourFrom = Math.floorDiv(from, HOUR_MS) * HOUR_MS;
                    Map<String, IntensitySeries> series = Map.of(region.getKey(), series(hourFrom, to + HOUR_MS).getOrDefault(region.getKey(),
                            IntensitySeries.empty()));
                    recomputed += apply(recomputer.recompute(hourRows(hourFrom, to), series));
                }
                return new ImportOutcome(points, stored, recomputed);
            });
        } catch (SQLException e) {
            throw new StoreException("importing grid intensity failed; nothing was stored", e);
        }
        });
    }

    @Override
    public Future<Integer> recomputeRollups(long fromMs, long toMs, Recomputer recomputer) {
        return db.run(() -> {
        try {
            return db.inTransaction(() -> apply(recomputer.recompute(hourRows(fromMs, toMs), series(fromMs, toMs + HOUR_MS))));
        } catch (SQLException e) {
            throw new StoreException("recomputing rollups failed; nothing was changed", e);
        }
        });
    }

    private List<HourRollup> hourRows(long fromMs, long toMs) {
        return db.query("SELECT r.device_id, d.site, r.bucket_start_ms, r.first_half_hour_joules, r.energy_joules, r.carbon_grams, "
                + "r.overhead_joules, r.overhead_carbon_grams, r.td_carbon_grams, r.fallback_joules, r.cost_gbp, r.measured_joules, "
                + "r.modelled_joules, 0 FROM rollups r "
                + "JOIN devices d ON d.device_id = r.device_id WHERE r.period = 'hour' AND r.bucket_start_ms >= ? AND r.bucket_start_ms < ?",
                rs -> {
                    double firstHalf = rs.getDouble(4);
                    Double known = rs.wasNull() ? null : firstHalf;
                    return new HourRollup(rs.getString(1), rs.getString(2), rs.getLong(3), known, rollupFigures(rs, 5));
                }, fromMs, toMs);
    }

    /** Stored half-hours starting in [fromMs, toMs), by region. */
    private Map<String, IntensitySeries> series(long fromMs, long toMs) {
        return seriesWhere("WHERE start_ms >= ? AND start_ms < ?", fromMs, toMs);
    }

    private int apply(List<Recomputed> changes) throws SQLException {
        for (Recomputed r : changes) {
            HourRollup b = r.before();
            EnergyFootprint old = b.figures();
            EnergyFootprint now = r.after();
            db.update("UPDATE rollups SET carbon_grams = ?, overhead_joules = ?, overhead_carbon_grams = ?, td_carbon_grams = ?, "
                    + "fallback_joules = ?, cost_gbp = ? WHERE device_id = ? AND period = 'hour' AND bucket_start_ms = ?",
                    now.carbonGrams(), now.overheadJoules(), now.overheadCarbonGrams(), now.tdCarbonGrams(), now.fallbackJoules(), now.costGbp(),
                    b.deviceId(), b.bucketStartMs());
            db.update("UPDATE rollups SET carbon_grams = carbon_grams + ?, overhead_joules = overhead_joules + ?, "
                    + "overhead_carbon_grams = overhead_carbon_grams + ?, td_carbon_grams = td_carbon_grams + ?, "
                    + "fallback_joules = fallback_joules + ?, cost_gbp = cost_gbp + ? WHERE device_id = ? AND period = 'day' AND bucket_start_ms = ?",
                    now.carbonGrams() - old.carbonGrams(), now.overheadJoules() - old.overheadJoules(),
                    now.overheadCarbonGrams() - old.overheadCarbonGrams(), now.tdCarbonGrams() - old.tdCarbonGrams(),
                    now.fallbackJoules() - old.fallbackJoules(), now.costGbp() - old.costGbp(), b.deviceId(), r.dayStartMs());
        }
        return changes.size();
    }

    @Override
    public Future<Map<String, IntensitySeries>> intensity() {
        return db.run(() -> seriesWhere(""));
    }

    private Map<String, IntensitySeries> seriesWhere(String where, Object... args) {
        Map<String, List<IntensitySeries.Point>> byRegion = new HashMap<>();
        db.query("SELECT start_ms, gco2e_per_kwh, kind, source, region FROM grid_intensity " + where + " ORDER BY region, start_ms", rs -> {
            byRegion.computeIfAbsent(rs.getString(5), k -> new ArrayList<>()).add(point(rs));
            return null;
        }, args);
        Map<String, IntensitySeries> series = new HashMap<>();
        byRegion.forEach((region, points) -> series.put(region, IntensitySeries.of(points)));
        return series;
    }

    @Override
    public Future<String> intensityVersion() {
        return db.run(() -> db.query("SELECT COUNT(*), COALESCE(MAX(imported_ms), 0) FROM grid_intensity", rs -> rs.getLong(1) + "@" + rs.getLong(2)).get(0));
    }

    @Override
    public Future<List<Breakdown>> breakdown(String period, long fromMs, long toMs, String deviceId) {
        return db.run(() -> {
        String columns = "energy_joules, carbon_grams, overhead_joules, overhead_carbon_grams, td_carbon_grams, fallback_joules, cost_gbp";
        List<Object> args = new ArrayList<>();
        String sql;
        if (period.equals("day") && deviceId == null) {
            // The estate's days from their sums per group (Schema.carbonGroupDays), not from every device's day rollup.
            sql = "SELECT NULLIF(site, '') AS site, " + String.join(", ", Schema.GROUP_DAY_FIGURES) + ", 0 AS imported_joules "
                    + "FROM carbon_group_days WHERE day_start_ms >= ? AND day_start_ms < ? AND rollups > 0";
            args.addAll(List.of(fromMs, toMs));
        } else {
            sql = "SELECT d.site, r.energy_joules, r.carbon_grams, r.overhead_joules, r.overhead_carbon_grams, r.td_carbon_grams, "
                    + "r.fallback_joules, r.cost_gbp, r.measured_joules, r.modelled_joules, 0 AS imported_joules FROM rollups r "
                    + "LEFT JOIN devices d ON d.device_id = r.device_id "
                    + "WHERE r.period = ? AND r.bucket_start_ms >= ? AND r.bucket_start_ms < ?" + (deviceId == null ? "" : " AND r.device_id = ?");
            args.addAll(List.of(period, fromMs, toMs));
            if (deviceId != null) {
                args.add(deviceId);
            }
        }
        if (period.equals("day")) {
            // Imported history counts in day totals, as in the carbon report and the overview (a device's own rows for a device).
            sql += " UNION ALL SELECT site, " + columns + ", 0, 0, energy_joules FROM energy_imports WHERE day_start_ms >= ? AND day_start_ms < ?"
                    + (deviceId == null ? "" : " AND scope = 'device' AND subject = ?");
            args.addAll(deviceId == null ? List.of(fromMs, toMs) : List.of(fromMs, toMs, deviceId));
        }
        return db.query("SELECT site, SUM(energy_joules), SUM(carbon_grams), SUM(overhead_joules), SUM(overhead_carbon_grams), "
                + "SUM(td_carbon_grams), SUM(fallback_joules), SUM(cost_gbp), SUM(measured_joules), SUM(modelled_joules), SUM(imported_joules) "
                // NULLS FIRST: SQLite's default, and PostgreSQL's otherwise is last; a store moved between them lists the same.
                + "FROM (" + sql + ") figures GROUP BY site ORDER BY site NULLS FIRST",
                rs -> new Breakdown(rs.getString(1), rollupFigures(rs, 2)),
                args.toArray());
        });
    }

    /**
     * Rollup figures from ten columns starting at {@code first}: energy, carbon, overhead energy, overhead carbon, T&D
     * carbon, fallback energy, cost, measured, modelled and imported energy (the rollups' order; a missing part as 0).
     */
    static EnergyFootprint rollupFigures(ResultSet rs, int first) throws SQLException {
        return EnergyFootprint.ofRollups(rs.getDouble(first), rs.getDouble(first + 1), rs.getDouble(first + 2), rs.getDouble(first + 3),
                rs.getDouble(first + 4), rs.getDouble(first + 5), rs.getDouble(first + 6), rs.getDouble(first + 7), rs.getDouble(first + 8),
                rs.getDouble(first + 9));
    }

    private static IntensitySeries.Point point(ResultSet rs) throws SQLException {
        return new IntensitySeries.Point(Instant.ofEpochMilli(rs.getLong(1)), rs.getDouble(2), rs.getString(3), rs.getString(4));
    }
}
