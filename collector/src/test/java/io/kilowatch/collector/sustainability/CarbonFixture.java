package io.kilowatch.collector.sustainability;

import io.kilowatch.collector.store.JdbcStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;

/**
 * A store holding known rollups, samples, spans and devices, written with plain SQL the way ingest
 * (and issue 6's split columns) would leave them, so reports can be checked against hand-worked figures.
 */
public final class CarbonFixture implements AutoCloseable {
    private final Connection connection;

    public CarbonFixture(Path dataDir) throws SQLException {
        JdbcStore.sqlite(dataDir).close(); // creates the schema
        connection = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("kilowatch.db").toAbsolutePath());
    }

    public CarbonFixture device(String id, String deviceClass, String org, String site, String firstSeen, String inventoryJson) throws SQLException {
        long first = Instant.parse(firstSeen).toEpochMilli();
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO devices (device_id, hostname, os, org, site, department, "
                + "device_class, first_seen_ms, last_seen_ms, received_ms, last_sequence, interval_ms, boot_time_ms, power_watts, "
                + "power_source, cpu_ratio, counter_start_ms, counter_joules, energy_joules_total, carbon_grams_total, inventory_json) "
                + "VALUES (?, ?, 'Linux', ?, ?, NULL, ?, ?, ?, ?, 1, 15000, ?, 50, 'model', 0.01, ?, 0, 0, 0, ?)")) {
            ps.setString(1, id);
            ps.setString(2, id + ".example");
            ps.setString(3, org);
            ps.setString(4, site);
            ps.setString(5, deviceClass);
            for (int i = 6; i <= 10; i++) {
                ps.setLong(i, first);
            }
            ps.setString(11, inventoryJson);
            ps.executeUpdate();
        }
        return this;
    }

    /** A day rollup; {@code day} is the bucket start (local midnight) as an instant. */
    public CarbonFixture day(String id, String day, double joules, double grams, double overheadJoules, double overheadGrams,
                             double tdGrams, double fallbackJoules, double costGbp) throws SQLException {
        return insert("INSERT INTO rollups (device_id, period, bucket_start_ms, energy_joules, carbon_grams, overhead_joules, "
                + "overhead_carbon_grams, td_carbon_grams, fallback_joules, cost_gbp) VALUES (?, 'day', ?, ?, ?, ?, ?, ?, ?, ?)",
                id, Instant.parse(day).toEpochMilli(), joules, grams, overheadJoules, overheadGrams, tdGrams, fallbackJoules, costGbp);
    }

    public CarbonFixture offDay(String id, String day, double seconds) throws SQLException {
        return insert("INSERT INTO device_off_days (device_id, day_start_ms, off_seconds) VALUES (?, ?, ?)",
                id, Instant.parse(day).toEpochMilli(), seconds);
    }

    /** Samples every {@code stepSeconds} from {@code from} (inclusive) to {@code to} (exclusive), each with the energy of that step. */
    public CarbonFixture samples(String id, String from, String to, long stepSeconds, double watts, double cpu) throws SQLException {
        long seq;
        try (var s = connection.createStatement(); var rs = s.executeQuery("SELECT COALESCE(MAX(sequence), 0) FROM samples WHERE device_id = '" + id + "'")) {
            seq = rs.getLong(1);
        }
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO samples (device_id, sequence, ts_ms, received_ms, power_watts, "
                + "power_source, cpu_ratio, boot_time_ms, energy_joules, carbon_grams) VALUES (?, ?, ?, ?, ?, 'model', ?, 0, ?, 0)")) {
            for (long t = Instant.parse(from).toEpochMilli(); t < Instant.parse(to).toEpochMilli(); t += stepSeconds * 1000) {
                ps.setString(1, id);
                ps.setLong(2, ++seq);
                ps.setLong(3, t);
                ps.setLong(4, t);
                ps.setDouble(5, watts);
                ps.setDouble(6, cpu);
                ps.setDouble(7, watts * stepSeconds);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        return this;
    }

    public CarbonFixture span(String id, String start, String end) throws SQLException {
        return insert("INSERT INTO uptime_spans (device_id, start_ms, end_ms) VALUES (?, ?, ?)",
                id, Instant.parse(start).toEpochMilli(), Instant.parse(end).toEpochMilli());
    }

    private CarbonFixture insert(String sql, Object... values) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                ps.setObject(i + 1, values[i]);
            }
            ps.executeUpdate();
        }
        return this;
    }

    /**
     * The estate of the oracle tests: two councils' PCs at County Hall, and a shared service's server
     * (in Leeds DC, PUE 1.6) and switch, with rollups in 2024, 2025 and 2026.
     */
    public static CarbonFixture councils(Path dataDir) throws SQLException {
        return new CarbonFixture(dataDir)
                .device("pc-a", "desktop", "Council A", "County Hall", "2024-01-01T00:00:00Z", null)
                .device("pc-b", "laptop", "Council B", "County Hall", "2025-06-01T00:00:00Z",
                        "{\"model\":\"X1\",\"firmware\":{\"release_date\":\"2025-01-01\"}}")
                .device("srv-1", "server", "Shared ICT", "Leeds DC", "2025-07-01T00:00:00Z", null)
                .device("sw-1", "switch", "Shared ICT", "Leeds DC", "2025-07-01T00:00:00Z", null)
                .day("pc-a", "2024-12-31T00:00:00Z", 3.6e6, 999, 0, 0, 0, 0, 0.25)
                .day("pc-a", "2025-03-10T00:00:00Z", 3.6e6, 200, 0, 0, 17.92, 0, 0.25)
                .day("pc-b", "2025-05-31T23:00:00Z", 7.2e6, 400, 0, 0, 35, 0, 0.50)
                .day("srv-1", "2025-07-31T23:00:00Z", 36e6, 3200, 21.6e6, 1200, 280, 3.6e6, 4.00)
                .day("sw-1", "2025-07-31T23:00:00Z", 3.6e6, 100, 0, 0, 10, 0, 0.33)
                .day("pc-a", "2026-01-15T00:00:00Z", 3.6e6, 300, 0, 0, 0, 0, 0.25)
                .day("pc-a", "2026-02-10T00:00:00Z", 3.6e6, 400, 0, 0, 0, 0, 0.25)
                .offDay("pc-a", "2025-03-10T00:00:00Z", 28_800);
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
