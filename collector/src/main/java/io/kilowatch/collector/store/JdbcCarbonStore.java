package io.kilowatch.collector.store;

import io.kilowatch.core.carbon.IntensitySeries;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@link CarbonStore} in the same database and connection as a {@link JdbcStore}, so imports and ingest never interleave. */
public final class JdbcCarbonStore implements CarbonStore {
    private static final long HOUR_MS = 3_600_000;
    private final JdbcStore db;

    public JdbcCarbonStore(JdbcStore db) {
        this.db = db;
    }

    @Override
    public ImportOutcome importIntensity(Map<String, List<IntensitySeries.Point>> byRegion, long nowMs, Recomputer recomputer) {
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
                    IntensitySeries series = IntensitySeries.of(db.query("SELECT start_ms, gco2e_per_kwh, kind, source FROM grid_intensity "
                            + "WHERE region = ? AND start_ms >= ? AND start_ms < ? ORDER BY start_ms", JdbcCarbonStore::point,
                            region.getKey(), hourFrom, to + HOUR_MS));
                    List<HourRollup> rows = db.query("SELECT r.device_id, d.site, r.bucket_start_ms, r.energy_joules, r.first_half_hour_joules, "
                            + "r.overhead_joules, r.carbon_grams, r.overhead_carbon_grams, r.fallback_joules FROM rollups r "
                            + "JOIN devices d ON d.device_id = r.device_id "
                            + "WHERE r.period = 'hour' AND r.bucket_start_ms >= ? AND r.bucket_start_ms < ?",
                            rs -> {
                                double firstHalf = rs.getDouble(5);
                                return new HourRollup(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getDouble(4),
                                        rs.wasNull() ? null : firstHalf, rs.getDouble(6), rs.getDouble(7), rs.getDouble(8), rs.getDouble(9));
                            }, hourFrom, to);
                    for (Recomputed r : recomputer.recompute(region.getKey(), series, rows)) {
                        apply(r);
                        recomputed++;
                    }
                }
                return new ImportOutcome(points, stored, recomputed);
            });
        } catch (SQLException e) {
            throw new StoreException("importing grid intensity failed; nothing was stored", e);
        }
    }

    private void apply(Recomputed r) throws SQLException {
        HourRollup b = r.before();
        db.update("UPDATE rollups SET carbon_grams = ?, overhead_carbon_grams = ?, fallback_joules = ? "
                + "WHERE device_id = ? AND period = 'hour' AND bucket_start_ms = ?",
                r.carbonGrams(), r.overheadCarbonGrams(), r.fallbackJoules(), b.deviceId(), b.bucketStartMs());
        db.update("UPDATE rollups SET carbon_grams = carbon_grams + ?, overhead_carbon_grams = overhead_carbon_grams + ?, "
                + "fallback_joules = fallback_joules + ? WHERE device_id = ? AND period = 'day' AND bucket_start_ms = ?",
                r.carbonGrams() - b.carbonGrams(), r.overheadCarbonGrams() - b.overheadCarbonGrams(), r.fallbackJoules() - b.fallbackJoules(),
                b.deviceId(), r.dayStartMs());
    }

    @Override
    public Map<String, IntensitySeries> intensity() {
        Map<String, List<IntensitySeries.Point>> byRegion = new HashMap<>();
        db.query("SELECT start_ms, gco2e_per_kwh, kind, source, region FROM grid_intensity ORDER BY region, start_ms", rs -> {
            byRegion.computeIfAbsent(rs.getString(5), k -> new ArrayList<>()).add(point(rs));
            return null;
        });
        Map<String, IntensitySeries> series = new HashMap<>();
        byRegion.forEach((region, points) -> series.put(region, IntensitySeries.of(points)));
        return series;
    }

    @Override
    public String intensityVersion() {
        return db.query("SELECT COUNT(*), COALESCE(MAX(imported_ms), 0) FROM grid_intensity", rs -> rs.getLong(1) + "@" + rs.getLong(2)).get(0);
    }

    @Override
    public List<Breakdown> breakdown(String period, long fromMs, long toMs, String deviceId) {
        String sql = "SELECT d.site, SUM(r.energy_joules), SUM(r.carbon_grams), SUM(r.overhead_joules), SUM(r.overhead_carbon_grams), "
                + "SUM(r.td_carbon_grams), SUM(r.fallback_joules), SUM(r.cost_gbp) FROM rollups r LEFT JOIN devices d ON d.device_id = r.device_id "
                + "WHERE r.period = ? AND r.bucket_start_ms >= ? AND r.bucket_start_ms < ?"
                + (deviceId == null ? "" : " AND r.device_id = ?") + " GROUP BY d.site ORDER BY d.site";
        Object[] args = deviceId == null ? new Object[] {period, fromMs, toMs} : new Object[] {period, fromMs, toMs, deviceId};
        return db.query(sql, rs -> new Breakdown(rs.getString(1), new Store.Totals(rs.getDouble(2), rs.getDouble(3), rs.getDouble(4),
                rs.getDouble(5), rs.getDouble(6), rs.getDouble(7), rs.getDouble(8))), args);
    }

    private static IntensitySeries.Point point(java.sql.ResultSet rs) throws SQLException {
        return new IntensitySeries.Point(Instant.ofEpochMilli(rs.getLong(1)), rs.getDouble(2), rs.getString(3), rs.getString(4));
    }
}
