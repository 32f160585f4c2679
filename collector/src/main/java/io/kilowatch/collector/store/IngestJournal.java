package io.kilowatch.collector.store;

import io.kilowatch.collector.estate.DeviceRow;
import io.kilowatch.collector.estate.EstateStore.IngestOutcome;
import io.kilowatch.collector.estate.EstateStore.Pending;
import io.kilowatch.collector.estate.MeteredEnergy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the embedded store acknowledges reports: on a thread of its own, each commit group's {@link ReportWrites} become
 * one row of a SQLite file of their own ({@value #FILE}, WAL, the store's fsync setting), and the agents are answered
 * once that row is committed; the writer writes the journaled groups into the store's tables in batches, beside it, and
 * before any other store task, so whatever reads the store sees every acknowledged report. Acknowledging costs a
 * report's planning and a few bytes of one row instead of a random page in a dozen tables, and the two halves run on two
 * cores: before, the single writer did both, one after the other, per group (bench/ingest-wrk.sh).
 *
 * <p>The store's {@code ingest_applied} row holds the newest journal id written into the tables, committed with them,
 * so a crash between the two files loses nothing and writes nothing twice: opening the store reads back the journal
 * rows past it ({@link UnappliedReports}), and the writer writes them before anything else. Written groups are deleted
 * from the journal later, by the ingest thread.
 *
 * <p>Planning a report reads what is stored as the writer left it: the {@link UnappliedReports} first, then the tables
 * through a connection of the ingest thread's own (a report leaves the first only after it is committed in the second).
 * Devices, samples and metered use are written only through here, so the newest row of each device this thread made
 * is the stored one. Another process journaling into the same store (a second collector or a command, which SQLite
 * allows though a deployment should not) is seen by the journal file changing, and the journal is then read again.
 */
final class IngestJournal {
    static final String FILE = "ingest-journal.db";
    /** The newest journal id written into the store's tables (0 before the first). */
    static final String APPLIED_ID = "SELECT COALESCE(MAX(journal_id), 0) FROM ingest_applied";
    /**
     * The format of the journal's rows, kept as its file's {@code user_version}: the {@link RecordCodec#shape} of
     * {@link ReportWrites}, so that a build whose records changed refuses rows another build left unwritten (a crash, then
     * an upgrade) rather than misread them.
     */
    static final int FORMAT = RecordCodec.shape(ReportWrites.class).hashCode();
    private static final Logger LOG = LoggerFactory.getLogger(IngestJournal.class);
    /**
     * Acknowledged reports that may wait to be written before ingest waits for the writer (seconds of the writer's work;
     * a journaled report holds about a kilobyte of memory until it is written); past {@link Limits#behindWaitMillis} of
     * waiting it refuses the group, and agents retry later.
     */
    static final int MAX_UNAPPLIED = 20_000;
    static final long BEHIND_WAIT_MILLIS = 5_000;
    /**
     * A batch the writer writes as soon as it is this full; a smaller one {@link #APPLY_DELAY_MILLIS} after its first
     * report. Under wrk's load (bench/ingest-wrk.sh, 10,000 devices; one pair of 20 s runs) batches of 6,000 took 12,800
     * reports/s against 9,700 for 2,000: each commit writes a page once for more reports.
     */
    static final int APPLY_BATCH = 6_000;
    static final long APPLY_DELAY_MILLIS = 200;

    /** How far the writer may fall behind, how long ingest waits for it then, and how long a small batch waits. */
    record Limits(int maxUnapplied, long behindWaitMillis, long applyDelayMillis) {
        static final Limits DEFAULT = new Limits(MAX_UNAPPLIED, BEHIND_WAIT_MILLIS, APPLY_DELAY_MILLIS);
    }

    /** Writes one report's rows on the writer's connection, in its transaction. */
    interface RowWriter {
        void write(ReportWrites report) throws SQLException;
    }

    private final Database db;
    private final RowWriter rowWriter;
    private final Limits limits;
    private final UnappliedReports unapplied = new UnappliedReports();
    /** An apply is queued on the writer for a full batch; one is to be queued after {@link #APPLY_DELAY_MILLIS}. */
    private final AtomicBoolean applyNow = new AtomicBoolean();
    private final AtomicBoolean applyLater = new AtomicBoolean();
    /** The newest journal id the writer has written into the tables; the ingest thread deletes up to it from the journal. */
    private volatile long appliedId;

    // the ingest thread's alone
    private Connection journal;
    private Connection reads;
    private long nextId;
    private long journalVersion;
    private boolean readAgain;
    private long deletedUpTo;
    private final Map<String, DeviceRow> rows = new HashMap<>();

    IngestJournal(Database db, RowWriter rowWriter, Limits limits) {
        this.db = db;
        this.rowWriter = rowWriter;
        this.limits = limits;
        try (Connection c = db.openSqlite(FILE); Connection main = db.openSqlite(Database.SQLITE_FILE)) {
            createJournal(c);
            readBack(c, main);
            if (userVersion(c) != FORMAT) {
                try (Statement s = c.createStatement()) {
                    s.execute("PRAGMA user_version = " + FORMAT); // every row it must read is of this format now
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the ingest journal " + FILE + " in " + db.sqliteDir().orElseThrow() + ": " + e.getMessage(), e);
        }
        if (unapplied.reports() > 0) {
            LOG.atInfo().addKeyValue("reports", unapplied.reports()).addKeyValue("journal_rows", unapplied.groups().size())
                    .log("acknowledged reports are in the ingest journal but not yet in the store's tables; writing them first");
        }
        db.closeWith(this::closeConnections);
    }

    private static void createJournal(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS journal (id INTEGER PRIMARY KEY, writes BLOB NOT NULL)");
        }
    }

    /** The journal rows past the newest one written into the tables, into {@link #unapplied}; the next id after all of them. */
    private void readBack(Connection journalConnection, Connection main) throws SQLException {
        long applied = appliedIn(main);
        long last = applied;
        int format = userVersion(journalConnection);
        if (format != FORMAT) {
            long waiting = waitingIn(journalConnection, applied);
            if (waiting > 0) {
                throw new StoreException("the ingest journal " + FILE + " holds " + waiting + " group(s) of acknowledged reports not yet "
                        + "written into the store, in another build's format (" + format + "; this build's is " + FORMAT + "): start the "
                        + "build of Kilowatch that wrote them on this data_dir once and stop it, which writes them, then this one", null);
            }
        }
        NavigableMap<Long, List<ReportWrites>> groups = new java.util.TreeMap<>();
        try (PreparedStatement ps = journalConnection.prepareStatement("SELECT id, writes FROM journal WHERE id > ? ORDER BY id")) {
            ps.setLong(1, applied);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    last = rs.getLong(1);
                    groups.put(last, RecordCodec.decode(ReportWrites.class, rs.getBytes(2)));
                }
            }
        }
        unapplied.replaceWith(groups); // at once: a reader meanwhile sees the groups before or after, never none
        try (Statement s = journalConnection.createStatement(); ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(id), 0) FROM journal")) {
            nextId = Math.max(last, firstLong(rs)) + 1;
        }
        appliedId = applied;
    }

    /** The journal's groups past the newest one written into the store's tables. */
    static long waitingIn(Connection journalConnection, long applied) throws SQLException {
        try (PreparedStatement ps = journalConnection.prepareStatement("SELECT COUNT(*) FROM journal WHERE id > ?")) {
            ps.setLong(1, applied);
            try (ResultSet rs = ps.executeQuery()) {
                return firstLong(rs);
            }
        }
    }

    private static int userVersion(Connection journalConnection) throws SQLException {
        try (Statement s = journalConnection.createStatement(); ResultSet rs = s.executeQuery("PRAGMA user_version")) {
            return (int) firstLong(rs);
        }
    }

    static long appliedIn(Connection main) throws SQLException {
        try (Statement s = main.createStatement(); ResultSet rs = s.executeQuery(APPLIED_ID)) {
            return firstLong(rs);
        }
    }

    private static long firstLong(ResultSet rs) throws SQLException {
        return rs.next() ? rs.getLong(1) : 0;
    }

    /** On the ingest thread: plans the reports, journals them as one row and commits it. */
    List<IngestOutcome> ingest(List<Pending> reports) {
        try {
            if (unapplied.reports() >= limits.maxUnapplied()) {
                queueApply(); // a full batch: at once
            }
            if (!unapplied.awaitFewerThan(limits.maxUnapplied(), limits.behindWaitMillis())) {
                throw new StoreException("the store is " + unapplied.reports() + " acknowledged reports behind in writing them; "
                        + reports.size() + " report(s) not stored, try again", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for the store", e);
        }
        openConnections();
        Map<String, DeviceRow> written = new HashMap<>();
        List<ReportWrites> group = new ArrayList<>(reports.size());
        List<IngestOutcome> outcomes = new ArrayList<>(reports.size());
        long id = nextId;
        try (Statement tx = journal.createStatement()) {
            tx.execute("BEGIN IMMEDIATE"); // the journal's write lock first: no other writer slips in after the check below
            try {
                if (readAgain || journalChangedByOthers()) {
                    rows.clear();
                    readBack(journal, reads);
                    id = nextId;
                    readAgain = false;
                    journalVersion = dataVersion(journal);
                }
                long applied = appliedId;
                if (applied > deletedUpTo) {
                    PreparedStatement delete = prepared(journal, "DELETE FROM journal WHERE id <= ?");
                    delete.setLong(1, applied);
                    delete.executeUpdate();
                }
                JdbcStore.Lookups stored = new TableLookups();
                for (Pending report : reports) {
                    outcomes.add(JdbcStore.plan(report, stored, written, group));
                }
                if (!group.isEmpty()) {
                    PreparedStatement insert = prepared(journal, "INSERT INTO journal (id, writes) VALUES (?, ?)");
                    insert.setLong(1, id);
                    insert.setBytes(2, RecordCodec.encode(ReportWrites.class, group));
                    insert.executeUpdate();
                }
                tx.execute("COMMIT");
                deletedUpTo = Math.max(deletedUpTo, applied);
            } catch (SQLException | RuntimeException e) {
                rollBack(tx, e);
                throw e;
            }
        } catch (SQLException | RuntimeException e) {
            // whether the commit took is not known: the journal is read again before the next group
            readAgain = true;
            rows.clear();
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new StoreException("storing " + reports.size() + " report(s) failed; nothing was stored", e);
        }
        if (!group.isEmpty()) {
            nextId = id + 1;
            unapplied.add(id, group);
            rows.putAll(written);
            queueApply();
        }
        return outcomes;
    }

    private static void rollBack(Statement tx, Exception failure) {
        try {
            tx.execute("ROLLBACK");
        } catch (SQLException rollbackFailed) {
            failure.addSuppressed(rollbackFailed); // no transaction left to roll back (a failed commit ends it), or the file is gone
        }
    }

    /** Whether another connection (another process's) committed to the journal since this thread's last commit. */
    private boolean journalChangedByOthers() throws SQLException {
        return dataVersion(journal) != journalVersion;
    }

    /** Changes whenever another connection commits to the connection's file, never for its own commits. */
    private long dataVersion(Connection c) throws SQLException {
        try (ResultSet rs = prepared(c, "PRAGMA data_version").executeQuery()) {
            return firstLong(rs);
        }
    }

    /**
     * Has the writer write the journaled groups: at once when a batch is full, else a moment later (unless already
     * queued), so under load each batch writes many reports and each page of the tables once for them.
     */
    private void queueApply() {
        if (unapplied.reports() >= Math.min(APPLY_BATCH, limits.maxUnapplied())) {
            if (applyNow.compareAndSet(false, true)) {
                // the store's writer applies before any task; this one then lets the next full batch queue another
                db.run(() -> applyNow.getAndSet(false)).onFailure(this::applyFailed);
            }
        } else if (applyLater.compareAndSet(false, true)) {
            db.runLater(limits.applyDelayMillis(), () -> applyLater.getAndSet(false)).onFailure(this::applyFailed);
        }
    }

    private void applyFailed(Throwable e) {
        LOG.atError().setCause(e).log("writing acknowledged reports into the store failed; they stay in the journal");
    }

    /**
     * On the writer: writes every group journaled so far into the tables, in one transaction that records the newest
     * id written; groups a crash, or another process, already wrote (up to the id recorded) are skipped.
     */
    void apply() {
        NavigableMap<Long, List<ReportWrites>> groups = unapplied.groups();
        if (groups.isEmpty()) {
            return;
        }
        long last = groups.lastKey();
        try {
            db.inTransaction(() -> {
                long applied;
                try (ResultSet rs = db.prepared(APPLIED_ID).executeQuery()) {
                    applied = firstLong(rs);
                }
                for (List<ReportWrites> group : groups.tailMap(applied, false).values()) {
                    for (ReportWrites w : group) {
                        rowWriter.write(w);
                    }
                }
                if (last > applied) {
                    PreparedStatement ps = db.prepared("INSERT INTO ingest_applied (id, journal_id) VALUES (1, ?) "
                            + "ON CONFLICT (id) DO UPDATE SET journal_id = excluded.journal_id");
                    ps.setLong(1, last);
                    ps.executeUpdate();
                }
                return null;
            });
        } catch (SQLException | RuntimeException e) {
            throw new StoreException("writing " + groups.values().stream().mapToInt(List::size).sum()
                    + " acknowledged report(s) from the ingest journal into the store failed; they stay in the journal", e);
        }
        appliedId = last;
        unapplied.removeUpTo(last);
    }

    /** Acknowledged reports not yet written into the tables. */
    int unappliedReports() {
        return unapplied.reports();
    }

    private void openConnections() {
        try {
            openOrThrow();
        } catch (SQLException e) {
            throw new StoreException("cannot open the ingest journal " + FILE + ": " + e.getMessage(), e);
        }
    }

    private void openOrThrow() throws SQLException {
        if (journal == null) {
            journal = db.openSqlite(FILE);
            journalVersion = dataVersion(journal);
        }
        if (reads == null) {
            reads = db.openSqlite(Database.SQLITE_FILE);
            meteredVersion = Long.MIN_VALUE; // a new connection's versions say nothing of the old one's
        }
    }

    private final Map<String, PreparedStatement> statements = new HashMap<>();
    /** The devices with a row in metered_energy, as of {@link #meteredVersion} of the store's tables. */
    private Set<String> meteredDevices = Set.of();
    private long meteredVersion = Long.MIN_VALUE;

    /** Read again when anything committed to the store's tables since (the writer's batches, an SNMP poll's meters). */
    private Set<String> meteredDevices() throws SQLException {
        long version = dataVersion(reads);
        if (version != meteredVersion) {
            Set<String> devices = new HashSet<>();
            try (ResultSet rs = prepared(reads, "SELECT device_id FROM metered_energy").executeQuery()) {
                while (rs.next()) {
                    devices.add(rs.getString(1));
                }
            }
            meteredDevices = devices;
            meteredVersion = version;
        }
        return meteredDevices;
    }

    private PreparedStatement prepared(Connection c, String sql) throws SQLException {
        String key = (c == journal ? "j:" : "r:") + sql;
        PreparedStatement ps = statements.get(key);
        if (ps == null) {
            ps = c.prepareStatement(sql);
            statements.put(key, ps);
        }
        return ps;
    }

    private void closeConnections() throws SQLException {
        statements.clear();
        try (Connection j = journal; Connection r = reads) {
            journal = null;
            reads = null;
        }
    }

    /** What is stored, as the writer left it: the unapplied reports first, then the tables. */
    private final class TableLookups implements JdbcStore.Lookups {
        private Set<String> metered;

        @Override
        public DeviceRow device(String deviceId) throws SQLException {
            DeviceRow row = rows.get(deviceId);
            if (row == null) {
                row = unapplied.row(deviceId);
            }
            if (row == null) {
                PreparedStatement ps = prepared(reads, JdbcStore.SELECT_DEVICE);
                ps.setString(1, deviceId);
                try (ResultSet rs = ps.executeQuery()) {
                    row = rs.next() ? JdbcStore.deviceRow(rs) : null;
                }
            }
            if (row != null) {
                rows.put(deviceId, row);
            }
            return row;
        }

        @Override
        public Optional<Long> sampleTime(String deviceId, long sequence) throws SQLException {
            Long at = unapplied.sampleTime(deviceId, sequence);
            if (at != null) {
                return Optional.of(at);
            }
            return JdbcStore.sampleTime(prepared(reads, JdbcStore.SELECT_SAMPLE_TIME), deviceId, sequence);
        }

        /** The table's figure less the unapplied uses past the newest journal id written into it, read in the same snapshot. */
        @Override
        public MeteredEnergy metered(String deviceId) throws SQLException {
            if (metered == null) {
                metered = meteredDevices(); // once a group
            }
            if (!metered.contains(deviceId)) {
                return MeteredEnergy.NONE; // most devices have no meter upstream: no query each
            }
            List<UnappliedReports.MeteredUse> uses = unapplied.meteredUses(deviceId);
            PreparedStatement ps = prepared(reads, "SELECT m.joules, m.covered_ms, (" + APPLIED_ID + ") "
                    + "FROM metered_energy m WHERE m.device_id = ?");
            ps.setString(1, deviceId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return MeteredEnergy.NONE;
                }
                MeteredEnergy left = new MeteredEnergy(rs.getDouble(1), rs.getLong(2));
                long applied = rs.getLong(3);
                for (UnappliedReports.MeteredUse use : uses) {
                    if (use.journalId() > applied) {
                        left = left.minus(use.used());
                    }
                }
                return left.coveredMillis() > 0 ? left : MeteredEnergy.NONE;
            }
        }
    }
}
