package io.kilowatch.collector.store;

import io.kilowatch.collector.sustainability.SustainabilityStore;

import io.vertx.core.Future;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link SustainabilityStore} over the main store's connection (its migrations create the tables), on
 * the same single worker thread. Not thread-safe.
 */
public final class JdbcSustainabilityStore implements SustainabilityStore {
    private final Database store;

    public JdbcSustainabilityStore(Database store) {
        this.store = store;
    }

    @Override
    public Future<List<GroupDay>> groupDays(long fromMs, long toMs) {
        return store.run(() -> {
        // Two queries rather than one over a UNION: SQLite would materialise the union before grouping it. The rollups'
        // side reads their sums per group-day, kept by triggers (Schema.carbonGroupDays), rather than grouping the rollups.
        List<GroupDay> days = new ArrayList<>(store.query("SELECT NULLIF(org, ''), NULLIF(site, ''), NULLIF(device_class, ''), day_start_ms, "
                + String.join(", ", Schema.GROUP_DAY_FIGURES) + ", 0 FROM carbon_group_days "
                + "WHERE day_start_ms >= ? AND day_start_ms < ? AND rollups > 0 ORDER BY day_start_ms",
                JdbcSustainabilityStore::groupDay, fromMs, toMs));
        days.addAll(store.query("SELECT org, site, device_class, day_start_ms, SUM(energy_joules), SUM(carbon_grams), SUM(overhead_joules), "
                + "SUM(overhead_carbon_grams), SUM(td_carbon_grams), SUM(fallback_joules), SUM(cost_gbp), 0, 0, SUM(energy_joules) "
                + "FROM energy_imports WHERE day_start_ms >= ? AND day_start_ms < ? GROUP BY org, site, device_class, day_start_ms",
                JdbcSustainabilityStore::groupDay, fromMs, toMs));
        return days;
        });
    }

    private static GroupDay groupDay(ResultSet rs) throws SQLException {
        return new GroupDay(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getDouble(5), rs.getDouble(6),
                rs.getDouble(7), rs.getDouble(8), rs.getDouble(9), rs.getDouble(10), rs.getDouble(11), rs.getDouble(12), rs.getDouble(13),
                rs.getDouble(14));
    }

    @Override
    public Future<List<DeviceHour>> deviceHours(long fromMs, long toMs) {
        return store.run(() -> {
        return store.query("SELECT device_id, (ts_ms / 3600000) * 3600000 AS hour, SUM(energy_joules), AVG(cpu_ratio), MAX(cpu_ratio) "
                + "FROM samples WHERE ts_ms >= ? AND ts_ms < ? GROUP BY device_id, (ts_ms / 3600000) * 3600000 ORDER BY device_id, hour",
                rs -> new DeviceHour(rs.getString(1), rs.getLong(2), rs.getDouble(3), rs.getDouble(4), rs.getDouble(5)), fromMs, toMs);
        });
    }

    @Override
    public Future<List<GroupOffDay>> groupOffDays(long fromMs, long toMs) {
        return store.run(() -> {
        return store.query("SELECT NULLIF(org, ''), NULLIF(site, ''), NULLIF(device_class, ''), day_start_ms, off_seconds "
                + "FROM carbon_group_days WHERE day_start_ms >= ? AND day_start_ms < ? AND off_days > 0 ORDER BY day_start_ms",
                rs -> new GroupOffDay(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getDouble(5)), fromMs, toMs);
        });
    }

    @Override
    public Future<Void> putOffDays(List<OffDay> days) {
        return store.run(() -> {
        store.write("recording off time", () -> {
            try (PreparedStatement ps = store.connection().prepareStatement("INSERT INTO device_off_days (device_id, day_start_ms, off_seconds) "
                    + "VALUES (?, ?, ?) ON CONFLICT (device_id, day_start_ms) DO UPDATE SET off_seconds = excluded.off_seconds")) {
                for (OffDay d : days) {
                    ps.setString(1, d.deviceId());
                    ps.setLong(2, d.dayStartMs());
                    ps.setDouble(3, d.offSeconds());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
            return null;
        });
    }

    @Override
    public Future<Map<String, LocalDate>> purchaseDates() {
        return store.run(() -> {
        Map<String, LocalDate> dates = new LinkedHashMap<>();
        store.query("SELECT device_id, purchase_date FROM device_purchases ORDER BY device_id", rs -> dates.put(rs.getString(1),
                LocalDate.parse(rs.getString(2))));
        return dates;
        });
    }

    @Override
    public Future<Void> setPurchaseDate(String deviceId, LocalDate date, long nowMs) {
        return store.run(() -> {
        store.write("recording a purchase date", () -> {
            return store.update("INSERT INTO device_purchases (device_id, purchase_date, updated_ms) VALUES (?, ?, ?) "
                    + "ON CONFLICT (device_id) DO UPDATE SET purchase_date = excluded.purchase_date, updated_ms = excluded.updated_ms",
                    deviceId, date.toString(), nowMs);
        });
            return null;
        });
    }

    @Override
    public Future<Boolean> clearPurchaseDate(String deviceId) {
        return store.run(() -> {
        return store.write("clearing a purchase date",
                () -> store.update("DELETE FROM device_purchases WHERE device_id = ?", deviceId) > 0);
        });
    }
}
