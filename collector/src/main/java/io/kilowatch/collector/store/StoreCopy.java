package io.kilowatch.collector.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * Copies the SQLite store into an empty PostgreSQL database ({@code kilowatch-collector migrate-store}, docs/configuration.md):
 * <ol>
 * <li>refuses a SQLite file another process has open (a running collector), and a store of another schema version;</li>
 * <li>refuses a target whose current schema has a table with rows, before writing anything to it;</li>
 * <li>migrates the target to the same schema version and makes the day partitions of the samples, as the write path does;</li>
 * <li>in one transaction: copies every table of the SQLite file, moves sequences past the copied ids, and compares
 *     each table's rows and its energy and carbon totals on both sides; commits only when all are equal.</li>
 * </ol>
 * The source is read in one read transaction from a read-only connection: one consistent snapshot, never changed.
 * Tables are found in the source and columns matched by name, so tables added by later migrations are copied too.
 */
public final class StoreCopy {
    private static final Logger LOG = LoggerFactory.getLogger(StoreCopy.class);
    private static final int BATCH_ROWS = 1_000;
    private static final long DAY_MS = 86_400_000L;
    /** Columns compared by their sums: energy ({@code *_joules}, {@code *_joules_total}) and carbon ({@code *_grams}, ...). */
    private static final Pattern MEASURE = Pattern.compile(".*_(joules|grams)(_total)?");
    /**
     * Sums of the same doubles taken in another order (SQLite's and PostgreSQL's scans differ) may differ in the last
     * bits; a lost or changed row moves a sum far more than this.
     */
    private static final double SUM_TOLERANCE = 1e-9;
    /**
     * The byte of the SQLite {@code -shm} file every connection to a WAL database holds a shared lock on while it is
     * open (the "DMS" lock: sqlite.org/walformat.html, section 2.3.3); an exclusive lock on it fails while any is.
     */
    private static final long SHM_DMS_LOCK_BYTE = 128;

    private StoreCopy() {
    }

    /** One table after the copy: its rows and the sums of its energy and carbon columns, in the source and in the target. */
    public record TableCheck(String table, long sourceRows, long targetRows, Map<String, Double> sourceSums, Map<String, Double> targetSums) {
        public boolean matches() {
            return sourceRows == targetRows && sourceSums.keySet().stream().allMatch(c -> close(sourceSums.get(c), targetSums.get(c)));
        }

        private static boolean close(Double a, Double b) {
            if (a == null || b == null) {
                return Objects.equals(a, b);
            }
            return Math.abs(a - b) <= SUM_TOLERANCE * Math.max(1, Math.max(Math.abs(a), Math.abs(b)));
        }
    }

    /** Every table compared; {@code committed} when they all matched and the copy was kept, else the target was left empty. */
    public record Outcome(List<TableCheck> tables, boolean committed) {
        /** One line a table: rows on each side and, for energy and carbon columns, their totals in kWh and kg. */
        public List<String> summary() {
            List<String> lines = new ArrayList<>();
            for (TableCheck t : tables) {
                StringBuilder line = new StringBuilder(String.format("%-26s %10d rows -> %10d", t.table(), t.sourceRows(), t.targetRows()));
                t.sourceSums().forEach((column, source) -> {
                    Double target = t.targetSums().get(column);
                    boolean energy = column.contains("joules");
                    double scale = energy ? 3_600_000 : 1_000;
                    line.append(String.format("  %s %s -> %s %s", column, format(source, scale), format(target, scale), energy ? "kWh" : "kg"));
                });
                lines.add(line.append(t.matches() ? "  ok" : "  MISMATCH").toString());
            }
            return lines;
        }

        private static String format(Double value, double scale) {
            return value == null ? "-" : String.format("%.6f", value / scale);
        }
    }

    /** Thrown inside the copying transaction so it rolls back, carrying the checks that failed. */
    private static final class Mismatch extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient List<TableCheck> tables;

        Mismatch(List<TableCheck> tables) {
            super("the copy differs from the source", null, false, false);
            this.tables = tables;
        }
    }

    /**
     * Copies the SQLite store in {@code sqliteDataDir} into the PostgreSQL database {@code target}.
     *
     * @throws StoreException when it refuses (source open elsewhere or of another version, target not empty) or fails;
     *     the target then holds nothing of the source
     */
    public static Outcome copy(Path sqliteDataDir, StoreConfig.Postgresql target) {
        Path file = sqliteDataDir.resolve(Database.SQLITE_FILE).toAbsolutePath();
        if (!Files.isRegularFile(file)) {
            throw new StoreException("there is no SQLite store at " + file + " (set data_dir, or --data-dir, to the collector's)", null);
        }
        refuseIfOpenElsewhere(file);
        try (Connection source = openReadOnly(file)) {
            source.setAutoCommit(false); // one read transaction: every table from the same snapshot
            requireCurrentSchema(source, file);
            refuseUnwrittenJournal(source, sqliteDataDir);
            List<String> tables = sourceTables(source);
            refuseIfNotEmpty(target);
            try (Database db = Database.postgresql(rewritingBatches(target), Database.Sync.FULL)) {
                for (long day : sampleDays(source)) {
                    db.coverSamples(LongStream.of(day * DAY_MS));
                }
                try {
                    return db.inTransaction(() -> new Outcome(copyAll(source, db.connection(), tables), true));
                } catch (Mismatch m) {
                    return new Outcome(m.tables, false);
                }
            }
        } catch (SQLException e) {
            throw new StoreException("copying " + file + " to " + target.redactedUrl() + " failed; it holds none of the rows: " + e.getMessage(), e);
        }
    }

    /** pgJDBC sends a batch of inserts as multi-row statements: several times the rows a second of one statement a row. */
    private static StoreConfig.Postgresql rewritingBatches(StoreConfig.Postgresql target) {
        return new StoreConfig.Postgresql(target.url() + (target.url().contains("?") ? "&" : "?") + "reWriteBatchedInserts=true", target.user(),
                target.password());
    }

    /**
     * A running collector keeps its connection open; copying then would miss what it stores afterwards. Java's file
     * locks are POSIX record locks on Linux, the same SQLite takes, so this sees another process's lock (not this one's).
     */
    private static void refuseIfOpenElsewhere(Path file) {
        Path shm = file.resolveSibling(file.getFileName() + "-shm");
        if (!Files.exists(shm)) {
            return; // the last connection to close removes it: nobody has the store open
        }
        try (FileChannel channel = FileChannel.open(shm, StandardOpenOption.READ, StandardOpenOption.WRITE);
             FileLock lock = channel.tryLock(SHM_DMS_LOCK_BYTE, 1, false)) {
            if (lock == null) {
                throw new StoreException(file + " is open in another process, a running collector say: stop it first, so nothing it stores "
                        + "after the copy is left behind", null);
            }
        } catch (IOException e) {
            throw new StoreException("cannot tell whether another process has " + file + " open (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Acknowledged reports still in the ingest journal (a collector that crashed) are in no table yet, so a copy would
     * lose them: the collector writes them when it next opens the store.
     */
    private static void refuseUnwrittenJournal(Connection source, Path dataDir) throws SQLException {
        Path journal = dataDir.resolve(IngestJournal.FILE);
        if (!Files.isRegularFile(journal)) {
            return;
        }
        long applied = IngestJournal.appliedIn(source);
        try (Connection c = openReadOnly(journal); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM sqlite_master WHERE name = 'journal'")) {
            if (!rs.next() || rs.getLong(1) == 0) {
                return;
            }
            long waiting = IngestJournal.waitingIn(c, applied);
            if (waiting > 0) {
                throw new StoreException(journal + " holds " + waiting + " group(s) of acknowledged reports not yet written into "
                        + "the store (the collector stopped without writing them): start the collector on this data_dir once and stop it, "
                        + "then copy", null);
            }
        }
    }

    private static Connection openReadOnly(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(10_000);
        return DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
    }

    private static void requireCurrentSchema(Connection source, Path file) throws SQLException {
        int version;
        try (Statement s = source.createStatement(); ResultSet rs = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
            version = rs.next() ? rs.getInt(1) : 0;
        }
        if (version != Schema.MIGRATIONS.size()) {
            throw new StoreException(file + " is at schema version " + version + " and this collector at " + Schema.MIGRATIONS.size()
                    + ": run this collector version on it once (it migrates the store as it starts), stop it, then copy", null);
        }
    }

    private static List<String> sourceTables(Connection source) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Statement s = source.createStatement(); ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' "
                + "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> 'schema_version' ORDER BY name")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        return tables;
    }

    /** Checked over a plain connection before the migrations run, so a database that is not empty is not changed at all. */
    private static void refuseIfNotEmpty(StoreConfig.Postgresql target) {
        List<String> filled;
        try (Connection c = DriverManager.getConnection(target.url(), target.user(), target.password().orElse(null))) {
            filled = tablesWithRows(c);
        } catch (SQLException e) {
            throw new StoreException("cannot connect to the PostgreSQL database at " + target.redactedUrl() + " as " + target.user() + ": "
                    + e.getMessage(), e);
        }
        if (!filled.isEmpty()) {
            throw notEmpty(filled);
        }
    }

    private static StoreException notEmpty(List<String> filled) {
        return new StoreException("refused: the target database is not empty (rows in " + String.join(", ", filled)
                + "); copy into an empty database; nothing was written to it", null);
    }

    private static List<String> tablesWithRows(Connection c) throws SQLException {
        List<String> filled = new ArrayList<>();
        for (String table : targetTables(c)) {
            if (!table.equals("schema_version")) {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT EXISTS (SELECT 1 FROM " + quote(table) + ")")) {
                    if (rs.next() && rs.getBoolean(1)) {
                        filled.add(table);
                    }
                }
            }
        }
        return filled;
    }

    /** The tables of the target's current schema, partitions included (all are empty when their parent is). */
    private static List<String> targetTables(Connection c) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT table_name FROM information_schema.tables "
                + "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        return tables;
    }

    /** The UTC days (epoch days) the source's samples fall in. */
    private static List<Long> sampleDays(Connection source) throws SQLException {
        List<Long> days = new ArrayList<>();
        try (Statement s = source.createStatement(); ResultSet rs = s.executeQuery("SELECT DISTINCT ts_ms / " + DAY_MS + " FROM samples ORDER BY 1")) {
            while (rs.next()) {
                days.add(rs.getLong(1));
            }
        }
        return days;
    }

    /** In the target's transaction: locks and checks it is still empty, copies, moves sequences on, compares; a mismatch throws. */
    private static List<TableCheck> copyAll(Connection source, Connection target, List<String> tables) throws SQLException {
        Map<String, Map<String, TargetColumn>> targetColumns = targetColumns(target);
        try (Statement s = target.createStatement()) {
            // No other writer (a collector started on it too early) may slip rows in between the check and the copy.
            s.execute("LOCK TABLE " + String.join(", ", targetColumns.keySet().stream().map(StoreCopy::quote).toList()) + " IN EXCLUSIVE MODE");
        }
        List<String> filled = tablesWithRows(target);
        if (!filled.isEmpty()) {
            throw notEmpty(filled);
        }
        List<TableCheck> checks = new ArrayList<>();
        for (String table : tables) {
            Map<String, TargetColumn> columns = targetColumns.get(table);
            if (columns == null) {
                throw new SQLException("table " + table + " of the SQLite store is not in the PostgreSQL one");
            }
            if (Schema.DERIVED_TABLES.contains(table)) {
                continue;
            }
            List<String> names = sourceColumns(source, table);
            long started = System.nanoTime();
            long rows = copyTable(source, target, table, names, columns);
            LOG.atInfo().addKeyValue("table", table).addKeyValue("rows", rows)
                    .addKeyValue("seconds", String.format("%.1f", (System.nanoTime() - started) / 1e9)).log("table copied");
            moveSequencesPast(target, table, columns.values());
            checks.add(check(source, target, table, names));
        }
        // The target's triggers filled the derived tables from the copied rows: they must come out as the source's did.
        for (String table : tables) {
            if (Schema.DERIVED_TABLES.contains(table)) {
                checks.add(check(source, target, table, sourceColumns(source, table)));
            }
        }
        if (!checks.stream().allMatch(TableCheck::matches)) {
            throw new Mismatch(checks);
        }
        return checks;
    }

    private static TableCheck check(Connection source, Connection target, String table, List<String> columns) throws SQLException {
        List<String> measures = columns.stream().filter(n -> MEASURE.matcher(n).matches()).toList();
        Totals from = totals(source, table, measures);
        Totals to = totals(target, table, measures);
        return new TableCheck(table, from.rows(), to.rows(), from.sums(), to.sums());
    }

    private record TargetColumn(String name, String type, boolean identity) {
    }

    private static Map<String, Map<String, TargetColumn>> targetColumns(Connection target) throws SQLException {
        Map<String, Map<String, TargetColumn>> tables = new LinkedHashMap<>();
        // Partitions are left out: locking and copying go through their parent.
        try (Statement s = target.createStatement(); ResultSet rs = s.executeQuery("SELECT c.table_name, c.column_name, c.data_type, c.is_identity "
                + "FROM information_schema.columns c JOIN information_schema.tables t ON t.table_schema = c.table_schema "
                + "AND t.table_name = c.table_name WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' "
                + "AND NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = (quote_ident(c.table_schema) || '.' || quote_ident(c.table_name))::regclass) "
                + "ORDER BY c.table_name, c.ordinal_position")) {
            while (rs.next()) {
                tables.computeIfAbsent(rs.getString(1), t -> new LinkedHashMap<>())
                        .put(rs.getString(2), new TargetColumn(rs.getString(2), rs.getString(3), "YES".equals(rs.getString(4))));
            }
        }
        return tables;
    }

    private static List<String> sourceColumns(Connection source, String table) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (Statement s = source.createStatement(); ResultSet rs = s.executeQuery("PRAGMA table_info(" + quote(table) + ")")) {
            while (rs.next()) {
                columns.add(rs.getString("name"));
            }
        }
        return columns;
    }

    private static long copyTable(Connection source, Connection target, String table, List<String> names, Map<String, TargetColumn> columns)
            throws SQLException {
        List<TargetColumn> into = new ArrayList<>();
        for (String name : names) {
            TargetColumn column = columns.get(name);
            if (column == null) {
                throw new SQLException("column " + table + "." + name + " of the SQLite store is not in the PostgreSQL one");
            }
            into.add(column);
        }
        String list = String.join(", ", names.stream().map(StoreCopy::quote).toList());
        // Identity columns take the copied ids; GENERATED ALWAYS ones refuse them without this.
        String insert = "INSERT INTO " + quote(table) + " (" + list + ")" + (into.stream().anyMatch(TargetColumn::identity) ? " OVERRIDING SYSTEM VALUE" : "")
                + " VALUES (" + String.join(", ", names.stream().map(n -> "?").toList()) + ")";
        long rows = 0;
        try (Statement s = source.createStatement(); ResultSet rs = s.executeQuery("SELECT " + list + " FROM " + quote(table));
             PreparedStatement ps = target.prepareStatement(insert)) {
            while (rs.next()) {
                for (int i = 0; i < into.size(); i++) {
                    copyValue(rs, ps, i + 1, into.get(i).type());
                }
                ps.addBatch();
                if (++rows % BATCH_ROWS == 0) {
                    ps.executeBatch();
                }
            }
            if (rows % BATCH_ROWS != 0) {
                ps.executeBatch();
            }
        }
        return rows;
    }

    /** Reads a value as the target column's type wants it (SQLite returns what each row happens to hold). */
    private static void copyValue(ResultSet rs, PreparedStatement ps, int i, String targetType) throws SQLException {
        switch (targetType) {
            case "bigint" -> {
                long v = rs.getLong(i);
                setOrNull(ps, i, rs.wasNull(), () -> ps.setLong(i, v));
            }
            case "integer", "smallint" -> {
                int v = rs.getInt(i);
                setOrNull(ps, i, rs.wasNull(), () -> ps.setInt(i, v));
            }
            case "double precision", "real" -> {
                double v = rs.getDouble(i);
                setOrNull(ps, i, rs.wasNull(), () -> ps.setDouble(i, v));
            }
            case "boolean" -> {
                boolean v = rs.getBoolean(i);
                setOrNull(ps, i, rs.wasNull(), () -> ps.setBoolean(i, v));
            }
            case "character varying", "text", "character" -> ps.setString(i, rs.getString(i));
            default -> throw new SQLException("no copy rule for a PostgreSQL column of type " + targetType);
        }
    }

    private interface Setter {
        void set() throws SQLException;
    }

    private static void setOrNull(PreparedStatement ps, int i, boolean isNull, Setter set) throws SQLException {
        if (isNull) {
            ps.setNull(i, Types.NULL);
        } else {
            set.set();
        }
    }

    /** Serial and identity columns: the next id the database hands out is past every copied one. */
    private static void moveSequencesPast(Connection target, String table, Iterable<TargetColumn> columns) throws SQLException {
        for (TargetColumn column : columns) {
            String sequence;
            try (PreparedStatement ps = target.prepareStatement("SELECT pg_get_serial_sequence(?, ?)")) {
                ps.setString(1, quote(table));
                ps.setString(2, column.name());
                try (ResultSet rs = ps.executeQuery()) {
                    sequence = rs.next() ? rs.getString(1) : null;
                }
            }
            if (sequence != null) {
                try (PreparedStatement ps = target.prepareStatement("SELECT setval(?::regclass, COALESCE((SELECT MAX(" + quote(column.name())
                        + ") FROM " + quote(table) + "), 0) + 1, false)")) {
                    ps.setString(1, sequence);
                    ps.executeQuery().close();
                }
            }
        }
    }

    private record Totals(long rows, Map<String, Double> sums) {
    }

    /** The same query on both sides: the row count and the sum of each measure column. */
    private static Totals totals(Connection c, String table, List<String> measures) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT COUNT(*)");
        measures.forEach(m -> sql.append(", SUM(").append(quote(m)).append(")"));
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql.append(" FROM ").append(quote(table)).toString())) {
            rs.next();
            Map<String, Double> sums = new LinkedHashMap<>();
            for (int i = 0; i < measures.size(); i++) {
                double sum = rs.getDouble(i + 2);
                sums.put(measures.get(i), rs.wasNull() ? null : sum);
            }
            return new Totals(rs.getLong(1), sums);
        }
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
