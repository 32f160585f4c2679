package io.kilowatch.collector.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kilowatch.collector.sustainability.SustainabilityStore.GroupDay;
import io.kilowatch.collector.sustainability.SustainabilityStore.GroupOffDay;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The group-days the carbon report reads, kept by triggers, against what grouping the rollups and off days by the
 * devices' labels gives (the report's query before them), and the estate's totals by site likewise, after every kind of
 * plain-SQL write. On SQLite and PostgreSQL.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(StoreKind.class)
class CarbonGroupDaysTest {
    private static final long DAY = 86_400_000;

    @Parameter
    StoreKind kind;
    @TempDir
    Path dir;
    private StoreKind.TestStore testStore;

    @BeforeEach
    void freshStore() {
        testStore = kind.fresh(dir);
    }

    @Test
    void theMigrationSumsTheRowsAnOlderCollectorLeft() throws Exception {
        Dialect dialect = Dialect.valueOf(kind.name());
        try (Connection c = testStore.connectWithoutMigrating(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)");
            // the store as it was just before the migration that made carbon_group_days
            int before = 0;
            while (Schema.MIGRATIONS.get(before).stream().noneMatch(sql -> sql.startsWith("CREATE TABLE carbon_group_days"))) {
                before++;
            }
            for (int v = 1; v <= before; v++) {
                for (String sql : Schema.MIGRATIONS.get(v - 1)) {
                    st.execute(dialect.migration(v, sql));
                }
            }
            st.execute("INSERT INTO schema_version (version) VALUES (" + before + ")");
            device(st, "pc-1", "Council A", "County Hall", "desktop");
            device(st, "pc-2", "Council A", "County Hall", "desktop");
            device(st, "srv", null, "Leeds DC", "server");
            for (int day = 0; day < 3; day++) {
                rollup(st, "pc-1", "day", day, 1000 + day);
                rollup(st, "pc-2", "day", day, 2000);
                rollup(st, "pc-1", "hour", day, 50); // hours are not part of the report's days
                offDay(st, "pc-1", day, 3600);
                offDay(st, "srv", day, 7200);
            }
            rollup(st, "srv", "day", 1, 5000);
            rollup(st, "gone", "day", 1, 300); // a device no longer known: under no labels
            offDay(st, "gone", 1, 60); // off time counts for known devices only
        }
        try (Database db = testStore.open()) {
            assertMatchesGroupingTheRows(db);
        }
    }

    @Test
    void writesOfAnyKindKeepThemCurrent() throws Exception {
        try (Database db = testStore.open(); Connection c = testStore.connectWithoutMigrating(); Statement st = c.createStatement()) {
            device(st, "pc-1", "Council A", "County Hall", "desktop");
            device(st, "pc-2", "Council A", "County Hall", "laptop");
            rollup(st, "pc-1", "day", 0, 1000);
            rollup(st, "pc-2", "day", 0, 500);
            rollup(st, "pc-1", "day", 1, 1200);
            rollup(st, "pc-1", "hour", 1, 40);
            offDay(st, "pc-1", 0, 3600);
            assertMatchesGroupingTheRows(db);

            // Ingest adds to a day's rollup; off time is written again; the intensity recompute changes carbon.
            st.execute("INSERT INTO rollups (device_id, period, bucket_start_ms, energy_joules, carbon_grams, cost_gbp) "
                    + "VALUES ('pc-1', 'day', 0, 250, 25, 0.5) ON CONFLICT (device_id, period, bucket_start_ms) DO UPDATE SET "
                    + "energy_joules = rollups.energy_joules + excluded.energy_joules, carbon_grams = rollups.carbon_grams + excluded.carbon_grams, "
                    + "cost_gbp = rollups.cost_gbp + excluded.cost_gbp");
            st.execute("UPDATE device_off_days SET off_seconds = 5400 WHERE device_id = 'pc-1'");
            st.execute("UPDATE rollups SET carbon_grams = carbon_grams * 2 WHERE device_id = 'pc-1' AND period = 'day' AND bucket_start_ms = " + DAY);
            assertMatchesGroupingTheRows(db);

            // pc-2 moves site and changes class: its history goes along, and its old group's days are gone.
            st.execute("UPDATE devices SET site = 'Depot', device_class = 'desktop' WHERE device_id = 'pc-2'");
            assertMatchesGroupingTheRows(db);
            assertEquals(List.of("County Hall/desktop", "Depot/desktop"), groups(db, 0));

            // Rows of a device not yet known count under no labels until it is; off time only from then on.
            rollup(st, "new", "day", 0, 700);
            offDay(st, "new", 0, 100);
            assertMatchesGroupingTheRows(db);
            device(st, "new", "Council B", null, "switch");
            assertMatchesGroupingTheRows(db);

            // Labels cleared, a device forgotten, a rollup deleted.
            st.execute("UPDATE devices SET org = NULL WHERE device_id = 'pc-1'");
            assertMatchesGroupingTheRows(db);
            st.execute("DELETE FROM devices WHERE device_id = 'new'");
            assertMatchesGroupingTheRows(db);
            st.execute("DELETE FROM rollups WHERE device_id = 'pc-2'");
            st.execute("DELETE FROM device_off_days WHERE device_id = 'pc-1'");
            assertMatchesGroupingTheRows(db);
            assertEquals(List.of("/", "County Hall/desktop"), groups(db, 0));
        }
    }

    /** A day's groups as site/class, sorted. */
    private static List<String> groups(Database db, long day) {
        return new JdbcSustainabilityStore(db).groupDays(day * DAY, (day + 1) * DAY).await().stream()
                .map(d -> (d.site() == null ? "" : d.site()) + "/" + (d.deviceClass() == null ? "" : d.deviceClass())).sorted().toList();
    }

    /** What the report read before group-days: the rollups and off days grouped by their devices' labels. */
    private static void assertMatchesGroupingTheRows(Database db) {
        List<GroupDay> expected = db.query("SELECT d.org, d.site, d.device_class, r.bucket_start_ms, SUM(r.energy_joules), "
                + "SUM(r.carbon_grams), SUM(r.overhead_joules), SUM(r.overhead_carbon_grams), SUM(r.td_carbon_grams), SUM(r.fallback_joules), "
                + "SUM(r.cost_gbp), SUM(r.measured_joules), SUM(r.modelled_joules), 0 FROM rollups r LEFT JOIN devices d ON d.device_id = r.device_id "
                + "WHERE r.period = 'day' GROUP BY d.org, d.site, d.device_class, r.bucket_start_ms",
                rs -> new GroupDay(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getDouble(5), rs.getDouble(6),
                        rs.getDouble(7), rs.getDouble(8), rs.getDouble(9), rs.getDouble(10), rs.getDouble(11), rs.getDouble(12),
                        rs.getDouble(13), rs.getDouble(14)));
        List<GroupOffDay> expectedOff = db.query("SELECT d.org, d.site, d.device_class, o.day_start_ms, SUM(o.off_seconds) "
                + "FROM device_off_days o JOIN devices d ON d.device_id = o.device_id GROUP BY d.org, d.site, d.device_class, o.day_start_ms",
                rs -> new GroupOffDay(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getDouble(5)));
        List<String> expectedSites = db.query("SELECT d.site, SUM(r.energy_joules), SUM(r.carbon_grams), SUM(r.cost_gbp) FROM rollups r "
                + "LEFT JOIN devices d ON d.device_id = r.device_id WHERE r.period = 'day' GROUP BY d.site",
                rs -> siteTotals(rs.getString(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4)));
        assertEquals(sorted(expectedSites), sorted(new JdbcCarbonStore(db).breakdown("day", Long.MIN_VALUE, Long.MAX_VALUE, null).await().stream()
                .map(b -> siteTotals(b.site(), b.totals().itJoules(), b.totals().carbonGrams(), b.totals().costGbp())).toList()));
        JdbcSustainabilityStore store = new JdbcSustainabilityStore(db);
        assertEquals(sorted(expected.stream().map(GroupDay::toString).toList()),
                sorted(store.groupDays(Long.MIN_VALUE, Long.MAX_VALUE).await().stream().map(GroupDay::toString).toList()));
        assertEquals(sorted(expectedOff.stream().map(GroupOffDay::toString).toList()),
                sorted(store.groupOffDays(Long.MIN_VALUE, Long.MAX_VALUE).await().stream().map(GroupOffDay::toString).toList()));
    }

    /** Rounded: a site's sum adds its devices' days in another order than its groups'. */
    private static String siteTotals(String site, double joules, double grams, double gbp) {
        return "%s: %.6f J, %.6f g, %.6f GBP".formatted(site, joules, grams, gbp);
    }

    private static List<String> sorted(List<String> rows) {
        List<String> copy = new ArrayList<>(rows);
        copy.sort(Comparator.naturalOrder());
        return copy;
    }

    private static void device(Statement st, String id, String org, String site, String deviceClass) throws SQLException {
        st.execute("INSERT INTO devices (device_id, org, site, device_class, first_seen_ms, last_seen_ms, received_ms, last_sequence, "
                + "interval_ms, boot_time_ms, power_watts, power_source, cpu_ratio, counter_start_ms, counter_joules, energy_joules_total, "
                + "carbon_grams_total) VALUES ('" + id + "', " + quoted(org) + ", " + quoted(site) + ", '" + deviceClass
                + "', 0, 0, 0, 1, 15000, 0, 50, 'model', 0.1, 0, 0, 0, 0)");
    }

    private static String quoted(String label) {
        return label == null ? "NULL" : "'" + label + "'";
    }

    /** Figures in whole numbers, so sums are exact whatever order they are added in. */
    private static void rollup(Statement st, String id, String period, int day, double joules) throws SQLException {
        st.execute("INSERT INTO rollups (device_id, period, bucket_start_ms, energy_joules, carbon_grams, overhead_joules, "
                + "overhead_carbon_grams, td_carbon_grams, fallback_joules, cost_gbp, measured_joules, modelled_joules) VALUES ('" + id + "', '"
                + period + "', " + day * DAY + ", " + joules + ", " + joules / 10 + ", " + joules / 2 + ", 3, 2, " + joules / 4 + ", 1, "
                + joules / 2 + ", " + joules / 2 + ")");
    }

    private static void offDay(Statement st, String id, int day, double seconds) throws SQLException {
        st.execute("INSERT INTO device_off_days (device_id, day_start_ms, off_seconds) VALUES ('" + id + "', " + day * DAY + ", " + seconds + ")");
    }
}
