package io.kilowatch.collector.store;

import io.vertx.core.Future;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The one database every store class works in: its connection, the migrations of {@link Schema}, transactions and
 * statement helpers. {@link #sqlite(Path)} opens the embedded default: SQLite in WAL mode with full fsync, so an
 * acknowledged report survives a crash or power cut. Not thread-safe: the collector uses it from one worker thread,
 * the single writer, so every store class shares its transactions and never interleaves with another.
 */
public final class Database implements AutoCloseable {
    /**
     * When a commit reaches the disk (SQLite's {@code synchronous} in WAL mode). Both keep every
     * acknowledged report through a crash or kill of the collector, since a commit is in the WAL file
     * before the answer; they differ on a power cut or an OS crash.
     */
    public enum Sync {
        /** Each commit is fsynced before it is acknowledged: it survives a power cut too. */
        FULL,
        /** The WAL is fsynced at checkpoints only: a power cut or OS crash may lose the last commits. */
        NORMAL
    }

    private final Connection connection;
    /** The single writer every store task runs on, once the collector has one; until then (commands, tests) the caller's thread. */
    private volatile WorkerExecutor writer;
    /** Statements of hot paths, prepared once: preparing them per report cost more than running them. */
    private final Map<String, PreparedStatement> prepared = new HashMap<>();

    private Database(Connection connection) throws SQLException {
        this.connection = connection;
        migrate();
    }

    public static Database sqlite(Path dataDir) {
        return sqlite(dataDir, Sync.FULL);
    }

    public static Database sqlite(Path dataDir, Sync sync) {
        try {
            Files.createDirectories(dataDir);
            Connection c = sqliteConnection(dataDir);
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA synchronous=" + sync.name());
            }
            return new Database(c);
        } catch (IOException | SQLException e) {
            throw new StoreException("cannot open the embedded store in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    private static Connection sqliteConnection(Path dataDir) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("kilowatch.db").toAbsolutePath());
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=FULL");
            s.execute("PRAGMA busy_timeout=10000");
        }
        return c;
    }

    private void migrate() throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
        }
        int current = 0;
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
            if (rs.next()) {
                current = rs.getInt(1);
            }
        }
        for (int v = current; v < Schema.MIGRATIONS.size(); v++) {
            int version = v + 1;
            inTransaction(() -> {
                try (Statement s = connection.createStatement()) {
                    for (String sql : Schema.MIGRATIONS.get(version - 1)) {
                        s.execute(sql);
                    }
                    s.execute("INSERT INTO schema_version (version) VALUES (" + version + ")");
                }
                return null;
            });
        }
    }

    /** From now on store work runs on this single-threaded executor: one task at a time, in order. */
    public void writeOn(WorkerExecutor singleThreaded) {
        this.writer = singleThreaded;
    }

    /** Runs store work on the single writer and answers on the caller's context; on the caller's thread when there is none. */
    public <T> Future<T> run(Callable<T> work) {
        WorkerExecutor w = writer;
        if (w != null) {
            return w.executeBlocking(work);
        }
        try {
            return Future.succeededFuture(work.call());
        } catch (Exception e) {
            return Future.failedFuture(e);
        }
    }

    /** The connection, for statements the helpers below do not cover. */
    Connection connection() {
        return connection;
    }

    @Override
    public void close() {
        try {
            for (PreparedStatement ps : prepared.values()) {
                ps.close();
            }
            connection.close();
        } catch (SQLException e) {
            throw new StoreException("closing the store failed", e);
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
        connection.setAutoCommit(false);
        try {
            T result = work.run();
            connection.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    PreparedStatement prepared(String sql) throws SQLException {
        PreparedStatement ps = prepared.get(sql);
        if (ps == null) {
            ps = connection.prepareStatement(sql);
            prepared.put(sql, ps);
        }
        return ps;
    }

    int update(String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        }
    }

    <T> List<T> query(String sql, RowMapper<T> mapper, Object... args) {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            bind(ps, args);
            List<T> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(mapper.map(rs));
                }
            }
            return rows;
        } catch (SQLException e) {
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
