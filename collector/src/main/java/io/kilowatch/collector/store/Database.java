package io.kilowatch.collector.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.kilowatch.collector.estate.EstateChanges;
import io.kilowatch.core.credential.Credentials;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.LongStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one database every store class works in: its connection, the migrations of {@link Schema}, transactions and
 * statement helpers, on SQLite or PostgreSQL ({@link #open}; {@link Dialect} holds where they differ).
 * {@link #sqlite(Path)} opens the embedded default: SQLite in WAL mode with full fsync, so an acknowledged report
 * survives a crash or power cut. Not thread-safe: the collector uses it from one worker thread, the single writer, so
 * every store class shares its transactions and never interleaves with another.
 *
 * <p>On PostgreSQL the connection comes from a HikariCP pool of one: the single writer holds it for as long as it
 * works, because its transactions are serial and its hot statements are prepared once on that connection (a
 * connection per transaction would prepare them again every time). The pool is what connects (with a timeout and a
 * check that the connection is alive) and what gives a fresh connection when the held one broke, a server restart
 * say: a transaction whose rollback fails gives its connection back, and the next one takes a new one.
 */
public final class Database implements AutoCloseable {
    /** The embedded store's file in {@code data_dir}. */
    static final String SQLITE_FILE = "kilowatch.db";
    /**
     * The store file's WAL is copied into it once it holds this many pages (~200 MB) instead of SQLite's 1,000: each batch
     * of ingest writes a page of each device's sample indexes, so a checkpoint per batch copied most pages again for every
     * batch; one per many batches copies each once (bench/ingest-wrk.sh: the writer's time per report fell by a tenth,
     * 17,500 reports/s against 16,200 in pairs of 30 s runs). The WAL file stays that large between checkpoints.
     */
    static final int STORE_CHECKPOINT_PAGES = 50_000;
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    /**
     * When a commit reaches the disk (SQLite's {@code synchronous} in WAL mode; PostgreSQL's {@code synchronous_commit}).
     * Both keep every acknowledged report through a crash or kill of the collector, since a commit is in the
     * write-ahead log before the answer; they differ on a power cut or an OS crash.
     */
    public enum Sync {
        /** Each commit is fsynced before it is acknowledged: it survives a power cut too. On PostgreSQL: the server's own setting. */
        FULL,
        /**
         * The WAL is fsynced at checkpoints only (SQLite), or a moment after the commit ({@code synchronous_commit = off}
         * on PostgreSQL): a power cut or OS crash (a server crash too, on PostgreSQL) may lose the last commits.
         */
        NORMAL
    }

    /** Where connections come from: a fresh SQLite connection, or the PostgreSQL pool. */
    private interface Connector extends AutoCloseable {
        Connection connect() throws SQLException;

        @Override
        default void close() {
        }
    }

    private final Dialect dialect;
    /** The connection and its data_version at the last {@link #othersMayHaveWritten()}. */
    private Connection versionedConnection;
    private long dataVersion;
    private final Connector connector;
    /** Other collectors' reports, on PostgreSQL; null on SQLite, which one collector alone writes. */
    private final PgEstateChanges changes;
    private final SamplePartitions samples;
    /** The connection the single writer holds; null after it broke, until the next work takes a fresh one. */
    private Connection connection;
    /** How long a PostgreSQL store call waits for a connection (then fails), and after a failed connect how long calls fail at once. */
    private static final long CONNECT_TIMEOUT_MILLIS = 3_000;
    private static final long CONNECT_RETRY_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(CONNECT_TIMEOUT_MILLIS);
    private SQLException connectFailure;
    private long connectFailedNanos;
    /** The single writer every store task runs on, once the collector has one; until then (commands, tests) the caller's thread. */
    private volatile WorkerExecutor writer;
    /** The embedded store's ingest thread, likewise. */
    private volatile WorkerExecutor ingester;
    private volatile Vertx vertx;
    private Runnable beforeOtherWork = () -> {
    };
    private final List<AutoCloseable> closeWith = new ArrayList<>();
    private final Path sqliteDir;
    private final Sync sync;
    /** Statements of hot paths, prepared once: preparing them per report cost more than running them. */
    private final Map<String, PreparedStatement> prepared = new HashMap<>();

    private Database(Dialect dialect, Connector connector, PgEstateChanges changes, Path sqliteDir, Sync sync) throws SQLException {
        this.dialect = dialect;
        this.sqliteDir = sqliteDir;
        this.sync = sync;
        this.connector = connector;
        this.changes = changes;
        this.samples = SamplePartitions.of(dialect);
        migrate();
    }

    /** The store the config names. */
    public static Database open(StoreConfig config) {
        return switch (config.type()) {
            case SQLITE -> sqlite(config.dataDir(), config.sync());
            case POSTGRESQL -> postgresql(config.postgresql(), config.sync());
        };
    }

    public static Database sqlite(Path dataDir) {
        return sqlite(dataDir, Sync.FULL);
    }

    public static Database sqlite(Path dataDir, Sync sync) {
        try {
            Files.createDirectories(dataDir);
            return new Database(Dialect.SQLITE, () -> sqliteConnection(dataDir.resolve(SQLITE_FILE), sync), null, dataDir, sync);
        } catch (IOException | SQLException e) {
            throw new StoreException("cannot open the embedded store in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    private static Connection sqliteConnection(Path file, Sync sync) throws SQLException {
        java.util.Properties options = new java.util.Properties();
        // The driver otherwise prepares and runs SELECT last_insert_rowid() after every INSERT or UPDATE, for getGeneratedKeys,
        // which nothing here calls: that cost a tenth of the writer's time per report.
        options.setProperty("jdbc.get_generated_keys", "false");
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), options);
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=" + sync.name());
            s.execute("PRAGMA busy_timeout=10000");
            // 64 MiB of page cache instead of SQLite's 2 MiB: a year's carbon report groups hundreds of thousands of day
            // rollups, read through an index in day order; with the small cache each row cost a page read (bench/carbon-report.sh).
            s.execute("PRAGMA cache_size=-65536");
            if (file.getFileName().toString().equals(SQLITE_FILE)) {
                s.execute("PRAGMA wal_autocheckpoint=" + STORE_CHECKPOINT_PAGES);
            }
        }
        return c;
    }

    public static Database postgresql(StoreConfig.Postgresql where, Sync sync) {
        HikariConfig pool = new HikariConfig();
        pool.setPoolName("kilowatch-store");
        pool.setJdbcUrl(where.url());
        pool.setUsername(where.user());
        where.password().ifPresent(pool::setPassword);
        pool.setMaximumPoolSize(1);
        // While the server is away a store call waits this long for a connection, then fails (and the calls queued
        // behind it fail at once, see connection()), so agents (10 s timeout) are answered 503 rather than nothing.
        pool.setConnectionTimeout(CONNECT_TIMEOUT_MILLIS);
        // A connection held for hours should notice a peer that vanished without a word (a firewall's idle cut).
        pool.addDataSourceProperty("tcpKeepAlive", true);
        pool.addDataSourceProperty("ApplicationName", "kilowatch-collector");
        if (sync == Sync.NORMAL) {
            pool.setConnectionInitSql("SET synchronous_commit = off");
        }
        HikariDataSource dataSource;
        try {
            dataSource = new HikariDataSource(pool);
        } catch (RuntimeException e) {
            throw new StoreException("cannot connect to the PostgreSQL store at " + where.redactedUrl() + " as " + where.user() + ": "
                    + driverMessage(e), e);
        }
        try {
            return new Database(Dialect.POSTGRESQL, new Connector() {
                @Override
                public Connection connect() throws SQLException {
                    return dataSource.getConnection();
                }

                @Override
                public void close() {
                    dataSource.close();
                }
            }, new PgEstateChanges(where, Credentials.newSecret().substring(0, 16)), null, sync);
        } catch (SQLException | RuntimeException e) {
            dataSource.close();
            throw new StoreException("cannot open the PostgreSQL store at " + where.redactedUrl() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens the store the config names on this single-threaded executor, which is its writer from then on; the embedded
     * store acknowledges reports on the other (see {@link UnappliedReports}).
     */
    public static Future<Database> open(StoreConfig config, WorkerExecutor writer, WorkerExecutor ingestThread, Vertx timers) {
        return writer.executeBlocking(() -> open(config)).map(db -> {
            db.writeOn(writer, ingestThread, timers);
            return db;
        });
    }

    /** Closes the store on its writer, after the work queued before. */
    public Future<Void> closeOnWriter() {
        return run(() -> {
            close();
            return null;
        });
    }

    /** What other collectors sharing this store change: on SQLite, nothing. Closed with the database. */
    public EstateChanges estateChanges() {
        return changes == null ? EstateChanges.NONE : changes;
    }

    /** Tells other collectors these devices changed, in the current transaction: they hear of it when it commits. */
    void publishChanges(Collection<String> deviceIds) throws SQLException {
        if (changes != null && !deviceIds.isEmpty()) {
            changes.publish(connection(), deviceIds);
        }
    }

    Dialect dialect() {
        return dialect;
    }

    /** From now on store work runs on this single-threaded executor, one task at a time, in order; ingest too. */
    public void writeOn(WorkerExecutor singleThreaded) {
        writeOn(singleThreaded, null, null);
    }

    /**
     * As {@link #writeOn(WorkerExecutor)}, with the embedded store's ingest on a thread of its own (null: on the writer)
     * and this Vert.x's timers for work done later.
     */
    public void writeOn(WorkerExecutor singleThreaded, WorkerExecutor ingestThread, Vertx timers) {
        this.writer = singleThreaded;
        this.ingester = ingestThread;
        this.vertx = timers;
    }

    /**
     * Runs store work on the single writer and answers on the caller's context; on the caller's thread when there is none.
     * The acknowledged reports not yet written into the tables are written first ({@link #beforeOtherWork}).
     */
    public <T> Future<T> run(Callable<T> work) {
        return runWriting(() -> {
            beforeOtherWork.run();
            return work.call();
        });
    }

    /** As {@link #run}, without writing the unapplied reports first: ingest's own work, which looks them up instead. */
    <T> Future<T> runWriting(Callable<T> work) {
        return on(writer, work);
    }

    /** As {@link #run}, so many milliseconds from now once the collector runs the store (until then: now). */
    <T> Future<T> runLater(long millis, Callable<T> work) {
        Vertx v = vertx;
        if (v == null) {
            return run(work);
        }
        Promise<T> done = Promise.promise();
        v.setTimer(millis, id -> run(work).onComplete(done));
        return done.future();
    }

    /** Runs work on the embedded store's ingest thread, beside the writer; else on the writer, else on the caller's thread. */
    <T> Future<T> runIngesting(Callable<T> work) {
        return on(ingester != null ? ingester : writer, work);
    }

    private static <T> Future<T> on(WorkerExecutor executor, Callable<T> work) {
        if (executor != null) {
            // Unordered: Vert.x orders blocking work by the calling context, across every executor, so ordered work
            // queued by the event loop on the writer and on the ingest thread would never run at the same time. Each of
            // these executors has one thread, which runs its tasks in the order they were queued.
            return executor.executeBlocking(work, false);
        }
        try {
            return Future.succeededFuture(work.call());
        } catch (Exception e) {
            return Future.failedFuture(e);
        }
    }

    /**
     * What every store task but ingest does first: the estate store writes the reports it acknowledged and has not yet
     * written into the tables, so every other task reads and writes them as stored.
     */
    void beforeOtherWork(Runnable flush) {
        this.beforeOtherWork = flush;
    }

    /** Closed with the database, after its connection. */
    void closeWith(AutoCloseable resource) {
        closeWith.add(resource);
    }

    /** The embedded store's data directory; empty on PostgreSQL. */
    java.util.Optional<Path> sqliteDir() {
        return java.util.Optional.ofNullable(sqliteDir);
    }

    /** A connection of its own to a SQLite file in the data directory, set up as the store's own is. */
    Connection openSqlite(String file) throws SQLException {
        return sqliteConnection(sqliteDir.resolve(file), sync);
    }

    /** The driver's own words (refused, a failed password, an unknown database) rather than the pool's wrapping. */
    private static String driverMessage(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException) {
                return cause.getMessage();
            }
        }
        return e.getMessage();
    }

    private void migrate() throws SQLException {
        try (Statement s = connection().createStatement()) {
            dialect.lockMigrations(s);
            try {
                s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
                int current = 0;
                try (ResultSet rs = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
                    if (rs.next()) {
                        current = rs.getInt(1);
                    }
                }
                for (int v = current; v < Schema.MIGRATIONS.size(); v++) {
                    int version = v + 1;
                    inTransaction(() -> {
                        for (String sql : Schema.MIGRATIONS.get(version - 1)) {
                            s.execute(dialect.migration(version, sql));
                        }
                        s.execute("INSERT INTO schema_version (version) VALUES (" + version + ")");
                        return null;
                    });
                }
            } finally {
                dialect.unlockMigrations(s);
            }
        }
    }

    /** The connection, for statements the helpers below do not cover; a fresh one if the last one broke. */
    Connection connection() throws SQLException {
        if (connection == null) {
            // While the server is away, every call queued on the single writer would wait out the pool's connection
            // timeout in turn: under load /health and ingest would answer nothing for minutes instead of 503. After a
            // failed connect, calls fail at once for as long as a connect tries, so the queue drains.
            long now = System.nanoTime();
            if (connectFailure != null && now - connectFailedNanos < CONNECT_RETRY_NANOS) {
                throw new SQLException("the store is unreachable: " + connectFailure.getMessage(), connectFailure.getSQLState(), connectFailure);
            }
            try {
                connection = connector.connect();
                connectFailure = null;
            } catch (SQLException e) {
                connectFailure = e;
                connectFailedNanos = System.nanoTime();
                throw e;
            }
        }
        return connection;
    }

    /**
     * Whether anything but this connection may have changed the store since the last call: on PostgreSQL always (other
     * collectors share it); on SQLite when another connection committed in between (PRAGMA data_version, a command run
     * beside the collector, say) or the connection is new. What the caller remembers of the store holds only while false.
     */
    boolean othersMayHaveWritten() throws SQLException {
        if (dialect != Dialect.SQLITE) {
            return true;
        }
        Connection c = connection();
        long version;
        try (ResultSet rs = prepared("PRAGMA data_version").executeQuery()) {
            version = rs.next() ? rs.getLong(1) : -1;
        }
        boolean changed = c != versionedConnection || version != dataVersion;
        versionedConnection = c;
        dataVersion = version;
        return changed;
    }

    /** Makes room for the samples of reports taken at these times: on PostgreSQL, their day partitions. Outside a transaction. */
    void coverSamples(LongStream timesMs) throws SQLException {
        LongSummaryStatistics times = timesMs.summaryStatistics();
        if (times.getCount() > 0) {
            try {
                samples.cover(connection(), times.getMin(), times.getMax());
            } catch (SQLException e) {
                // outside a transaction, so nothing else gives back a connection the server dropped
                releaseIfBroken();
                throw e;
            }
        }
    }

    /** Deletes the samples taken before {@code beforeMs}, in the caller's transaction: on PostgreSQL whole days are dropped. */
    int deleteSamplesBefore(long beforeMs) throws SQLException {
        return samples.deleteBefore(connection(), beforeMs);
    }

    @Override
    public void close() {
        try {
            if (changes != null) {
                changes.close();
            }
            release();
        } finally {
            connector.close();
            for (AutoCloseable resource : closeWith) {
                try {
                    resource.close();
                } catch (Exception e) {
                    LOG.atWarn().setCause(e).log("closing a store resource failed");
                }
            }
            closeWith.clear();
        }
    }

    /** Closes the prepared statements and the connection (on PostgreSQL, gives it back to the pool, which drops a broken one). */
    private void release() {
        try {
            for (PreparedStatement ps : prepared.values()) {
                ps.close();
            }
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException e) {
            LOG.atWarn().setCause(e).log("closing a store connection failed");
        } finally {
            prepared.clear();
            connection = null;
        }
    }

    interface SqlWork<T> {
        T run() throws SQLException;
    }

    interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** A write in one transaction; a failure changes nothing and says what failed. */
    <T> T write(String what, SqlWork<T> work) {
        try {
            return inTransaction(work);
        } catch (SQLException e) {
            throw new StoreException(what + " failed; nothing was changed", e);
        }
    }

    <T> T inTransaction(SqlWork<T> work) throws SQLException {
        Connection c = connection();
        try {
            c.setAutoCommit(false);
            T result = work.run();
            c.commit();
            c.setAutoCommit(true);
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
                c.setAutoCommit(true);
            } catch (SQLException rollbackFailed) {
                // The connection itself is gone (the server restarted, the network broke): the next work takes a fresh one.
                e.addSuppressed(rollbackFailed);
                release();
            }
            throw e;
        }
    }

    /** Whether the store answers: a trivial query on the writer's connection, for /health; a dead connection is given back. */
    public void check() {
        try (Statement st = connection().createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
            rs.next();
        } catch (SQLException e) {
            releaseIfBroken();
            throw new StoreException(driverMessage(e), e);
        }
    }

    /** After a failed query outside a transaction: gives the connection back if it is no longer alive. */
    private void releaseIfBroken() {
        try {
            if (connection != null && connection.getAutoCommit() && !connection.isValid(2)) {
                release();
            }
        } catch (SQLException e) {
            release();
        }
    }

    PreparedStatement prepared(String sql) throws SQLException {
        PreparedStatement ps = prepared.get(sql);
        if (ps == null) {
            ps = connection().prepareStatement(sql);
            prepared.put(sql, ps);
        }
        return ps;
    }

    int update(String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        }
    }

    <T> List<T> query(String sql, RowMapper<T> mapper, Object... args) {
        try (PreparedStatement ps = connection().prepareStatement(sql)) {
            bind(ps, args);
            List<T> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(mapper.map(rs));
                }
            }
            return rows;
        } catch (SQLException e) {
            releaseIfBroken();
            throw new StoreException("query failed: " + e.getMessage(), e);
        }
    }

    static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a == null) {
                ps.setNull(i + 1, Types.NULL);
            } else if (a instanceof String s) {
                ps.setString(i + 1, s);
            } else if (a instanceof Integer n) {
                ps.setInt(i + 1, n);
            } else if (a instanceof Long n) {
                ps.setLong(i + 1, n);
            } else if (a instanceof Double n) {
                ps.setDouble(i + 1, n);
            } else {
                throw new IllegalArgumentException("unsupported parameter type " + a.getClass());
            }
        }
    }
}
