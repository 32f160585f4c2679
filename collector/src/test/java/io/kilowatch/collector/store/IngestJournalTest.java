package io.kilowatch.collector.store;

import static io.kilowatch.collector.estate.Reports.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.collector.carbon.IntensityCache;
import io.kilowatch.collector.estate.Estate;
import io.kilowatch.collector.estate.EstateMetrics;
import io.kilowatch.collector.estate.EstateStore;
import io.kilowatch.collector.estate.ReportAccounting;
import io.kilowatch.core.carbon.AnnualGridFactors;
import io.kilowatch.core.carbon.CarbonPolicy;
import io.kilowatch.core.carbon.SiteCarbon;
import io.kilowatch.core.report.Report;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded store's ingest journal on real SQLite files, with the collector's two threads: reports acknowledged
 * while the writer has not written them are found by ingest, seen by every read, and written after a crash.
 */
class IngestJournalTest {
    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final Instant T0 = Instant.parse("2026-03-10T09:00:00Z");
    /** Tables a report writes into, with the group-days their triggers keep. */
    private static final List<String> TABLES = List.of("devices", "samples", "uptime_spans", "off_periods", "rollups", "carbon_group_days",
            "device_sessions", "metered_energy");
    private final ReportAccounting accounting = new ReportAccounting(new CarbonPolicy(
            new SiteCarbon(AnnualGridFactors.ukDesnz(), AnnualGridFactors.ukDesnzTdLosses(), "national", 1.0, null), Map.of(), UTC),
            UTC, new IntensityCache());

    @TempDir
    Path dir;
    private Vertx vertx;
    private WorkerExecutor writer;
    private WorkerExecutor ingester;
    /** Holds the writer while counted up: the reports acknowledged meanwhile stay in the journal. */
    private final CountDownLatch writerHeld = new CountDownLatch(1);

    @BeforeEach
    void threads() {
        vertx = Vertx.vertx();
        writer = vertx.createSharedWorkerExecutor("test-writer", 1);
        ingester = vertx.createSharedWorkerExecutor("test-ingest", 1);
    }

    @AfterEach
    void stop() throws Exception {
        writerHeld.countDown();
        writer.executeBlocking(() -> null, false).await(); // whatever was queued behind the hold has run
        vertx.close().await();
    }

    @Test
    void reportsAcknowledgedButNotYetWrittenAreWrittenWhenTheStoreOpensAfterACrash() throws Exception {
        List<List<Report>> groups = groups();
        Path crashed = dir.resolve("crashed");
        JdbcStore store = new JdbcStore(Database.sqlite(crashed));
        addMeteredEnergy(crashed);
        store.database().writeOn(writer, ingester, vertx);
        holdWriter();
        List<EstateStore.IngestOutcome> acknowledged = ingestAll(store, groups);
        assertEquals(0, count(crashed.resolve(Database.SQLITE_FILE), "samples"), "the writer wrote while held");
        assertEquals(groups.size(), count(crashed.resolve(IngestJournal.FILE), "journal"));
        // a crash: the files as they are, nothing written by the writer and no clean stop
        store.database().close();

        Path reference = dir.resolve("reference");
        List<EstateStore.IngestOutcome> expected;
        try (JdbcStore straight = new JdbcStore(Database.sqlite(reference))) {
            addMeteredEnergy(reference);
            expected = ingestAll(straight, groups); // no threads: each group is written as it is acknowledged
        }
        assertEquals(expected, acknowledged, "the answers while the reports waited in the journal");
        assertTrue(acknowledged.stream().anyMatch(EstateStore.IngestOutcome::duplicate), "the groups hold a resent report");

        try (JdbcStore reopened = new JdbcStore(Database.sqlite(crashed))) {
            assertEquals(3, reopened.device("pc-1").await().orElseThrow().reporting().lastSequence());
        }
        for (String table : TABLES) {
            assertEquals(rows(reference, table), rows(crashed, table), table + " after the journal was written at the next open");
        }
        assertEquals(count(crashed.resolve(IngestJournal.FILE), "journal"), journalRowsWritten(crashed),
                "a journal row past the newest one written into the tables is left");
    }

    /** A crash, then a build whose journal records differ: it refuses the journal, and the build that wrote it writes it. */
    @Test
    void aJournalLeftUnwrittenInAnotherBuildsFormatIsRefusedWithNothingChanged() throws Exception {
        JdbcStore store = new JdbcStore(Database.sqlite(dir));
        store.database().writeOn(writer, ingester, vertx);
        holdWriter();
        ingestAll(store, groups());
        store.database().close(); // a crash
        setJournalFormat(IngestJournal.FORMAT + 1); // as another build, whose ReportWrites differ, left it

        StoreException refused = assertThrows(StoreException.class, () -> new JdbcStore(Database.sqlite(dir)));
        assertTrue(refused.getMessage().contains("holds 3 group(s) of acknowledged reports not yet written into the store, in another "
                + "build's format (" + (IngestJournal.FORMAT + 1) + "; this build's is " + IngestJournal.FORMAT + ")"), refused.getMessage());
        assertEquals(0, count(dir.resolve(Database.SQLITE_FILE), "samples"));
        assertEquals(3, count(dir.resolve(IngestJournal.FILE), "journal"));

        setJournalFormat(IngestJournal.FORMAT); // the build that wrote it
        try (JdbcStore reopened = new JdbcStore(Database.sqlite(dir))) {
            assertEquals(3, reopened.device("pc-1").await().orElseThrow().reporting().lastSequence());
        }
        assertEquals(6, count(dir.resolve(Database.SQLITE_FILE), "samples"));
    }

    @Test
    void aJournalOfAnotherFormatWithNothingLeftToWriteIsTakenOver() throws Exception {
        try (JdbcStore store = new JdbcStore(Database.sqlite(dir))) {
            ingestAll(store, groups());
        }
        setJournalFormat(IngestJournal.FORMAT + 1);
        try (JdbcStore reopened = new JdbcStore(Database.sqlite(dir))) {
            ingestAll(reopened, List.of(List.of(at("pc-1", 4, 1_900))));
            assertEquals(4, reopened.device("pc-1").await().orElseThrow().reporting().lastSequence());
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(IngestJournal.FILE)); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("PRAGMA user_version")) {
            assertEquals(IngestJournal.FORMAT, rs.getInt(1), "the journal is of this build's format now");
        }
    }

    @Test
    void theStoresWalIsCopiedIntoItRarelyAndTheJournalsAtSqlitesDefault() throws Exception {
        try (JdbcStore store = new JdbcStore(Database.sqlite(dir))) {
            ingestAll(store, groups());
            assertEquals(Database.STORE_CHECKPOINT_PAGES, pragma(store.database().connection(), "wal_autocheckpoint"));
            try (Connection journal = store.database().openSqlite(IngestJournal.FILE)) {
                assertEquals(1_000, pragma(journal, "wal_autocheckpoint"));
            }
        }
    }

    private static long pragma(Connection c, String name) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA " + name)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void setJournalFormat(int format) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(IngestJournal.FILE)); Statement s = c.createStatement()) {
            s.execute("PRAGMA user_version = " + format);
        }
    }

    @Test
    void aReadSeesEveryAcknowledgedReportThoughTheWriterHasNotWrittenThemYet() throws Exception {
        JdbcStore store = new JdbcStore(Database.sqlite(dir), new IngestJournal.Limits(1_000, 1_000, 3_600_000));
        store.database().writeOn(writer, ingester, vertx);
        ingestAll(store, List.of(List.of(at("pc-1", 1, 100), at("pc-2", 1, 50)), List.of(at("pc-1", 2, 700))));
        assertEquals(0, count(dir.resolve(Database.SQLITE_FILE), "samples"), "written before an hour was up or a read came");

        assertEquals(2, store.device("pc-1").await().orElseThrow().reporting().lastSequence());
        assertEquals(3, count(dir.resolve(Database.SQLITE_FILE), "samples"), "the read did not have them written first");
        assertEquals(600, store.totals("hour", 0, Long.MAX_VALUE).await().itJoules(), 1e-9);
        store.database().closeOnWriter().await();
    }

    @Test
    void ingestWaitsForAWriterTooFarBehindThenRefusesTheGroupAndStoresNoneOfIt() throws Exception {
        JdbcStore store = new JdbcStore(Database.sqlite(dir), new IngestJournal.Limits(2, 2_000, 3_600_000));
        store.database().writeOn(writer, ingester, vertx);
        holdWriter();
        ingestAll(store, List.of(List.of(at("pc-1", 1, 100), at("pc-2", 1, 50))));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new EstateMetrics(registry, new Estate(3), java.time.Clock.systemUTC()).watchUnwritten(store);
        assertTrue(registry.scrape().contains("\nkilowatch_ingest_unwritten_reports 2.0\n"), registry.scrape());
        StoreException behind = assertThrows(StoreException.class, () -> store.ingest(List.of(pending(at("pc-3", 1, 10)))).await());
        assertTrue(behind.getMessage().contains("2 acknowledged reports behind"), behind.getMessage());
        assertEquals(1, count(dir.resolve(IngestJournal.FILE), "journal"), "the refused group was journaled");

        writerHeld.countDown();
        assertFalse(store.ingest(List.of(pending(at("pc-3", 1, 10)))).await().get(0).duplicate(), "stored once the writer caught up");
        assertEquals(List.of("pc-1", "pc-2", "pc-3"), store.devices().await().stream().map(d -> d.deviceId()).sorted().toList());
        assertTrue(registry.scrape().contains("\nkilowatch_ingest_unwritten_reports 0.0\n"), "written before the read");
        store.database().closeOnWriter().await();
    }

    /** Three commit groups: two devices, one with metered energy upstream, a report resent while the first waited. */
    private List<List<Report>> groups() {
        return List.of(
                List.of(at("pc-1", 1, 100), at("pc-2", 1, 50)),
                List.of(at("pc-1", 2, 700), at("pc-2", 2, 80), at("pc-1", 1, 100)),
                List.of(at("pc-1", 3, 1_300), at("pc-2", 3, 120)));
    }

    private static Report at(String device, long seq, double counter) {
        return report().device(device).sequence(seq).at(T0.plusSeconds(15 * seq)).bootedAt(T0.minusSeconds(3600)).counter(counter).build();
    }

    private EstateStore.Pending pending(Report r) {
        return new EstateStore.Pending(r.deviceId(), r.sequence(), r.host().bootTime().toEpochMilli(), r.timestamp().toEpochMilli(),
                (previous, metered) -> accounting.plan(r, previous, r.timestamp().toEpochMilli(), null, metered));
    }

    private List<EstateStore.IngestOutcome> ingestAll(JdbcStore store, List<List<Report>> groups) {
        List<EstateStore.IngestOutcome> outcomes = new ArrayList<>();
        for (List<Report> group : groups) {
            outcomes.addAll(store.ingest(group.stream().map(this::pending).toList()).await());
        }
        return outcomes;
    }

    private void holdWriter() {
        writer.executeBlocking(() -> {
            writerHeld.await();
            return null;
        }, false);
    }

    /** What an upstream meter measured of pc-2 and no report has used yet. */
    private static void addMeteredEnergy(Path dataDir) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve(Database.SQLITE_FILE)); Statement s = c.createStatement()) {
            s.execute("INSERT INTO metered_energy (device_id, meter_id, joules, covered_ms, updated_ms) VALUES ('pc-2', 'pdu-1/outlet-3', 900, 30000, 0)");
        }
    }

    private static long count(Path file, String table) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Journal rows up to the newest one the store records as written into its tables. */
    private static long journalRowsWritten(Path dataDir) throws SQLException {
        long applied;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve(Database.SQLITE_FILE)); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(journal_id), 0) FROM ingest_applied")) {
            rs.next();
            applied = rs.getLong(1);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve(IngestJournal.FILE)); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM journal WHERE id <= " + applied)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Every row of the table in a fixed order, every column (times of receipt are the reports' own here). */
    private static List<List<Object>> rows(Path dataDir, String table) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve(Database.SQLITE_FILE)); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT * FROM " + table + " ORDER BY 1, 2, 3")) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.add(meta.getColumnName(i) + "=" + rs.getObject(i));
                }
                rows.add(row);
            }
        }
        assertFalse(table.equals("samples") && rows.isEmpty(), "no samples to compare");
        return rows;
    }
}
