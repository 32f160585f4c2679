package io.kilowatch.collector.store;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where SQLite and PostgreSQL differ, for the {@link Database}. Everything else, upserts ({@code INSERT ... ON CONFLICT})
 * included, is the same SQL on both; the numbered migrations of {@link Schema} run on both, through {@link #migration}
 * (which makes PostgreSQL functions of triggers written in SQLite's form).
 */
enum Dialect {
    SQLITE {
        @Override
        String migration(int version, String sql) {
            return sql;
        }

        @Override
        void lockMigrations(Statement s) {
            // One process writes a SQLite file; a migration is one transaction, which SQLite's own lock keeps whole.
        }

        @Override
        void unlockMigrations(Statement s) {
        }

        @Override
        String nowMs() {
            return "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";
        }

        @Override
        String lockRows(boolean skipLocked) {
            return ""; // SQLite locks the whole file for a writing transaction; one collector uses it
        }
    },
    POSTGRESQL {
        /**
         * Migration 1 made {@code samples} a plain table. On PostgreSQL it is made partitioned by range of {@code ts_ms}
         * instead (one partition a UTC day, see {@link SamplePartitions}), so retention drops whole partitions rather
         * than deleting row by row. PostgreSQL requires a partitioned table's primary key to hold the partition key,
         * so the key is {@code (device_id, sequence, ts_ms)}; a resent report is still stored once, because ingest
         * looks {@code (device_id, sequence)} up before it inserts, in the same transaction. Translated here rather
         * than edited in {@link Schema}, which never changes an old migration: this changes nothing on SQLite, and no
         * PostgreSQL store existed before it.
         */
        @Override
        String migration(int version, String sql) {
            Matcher trigger = SQLITE_TRIGGER.matcher(sql);
            if (trigger.matches()) {
                return plpgsqlTrigger(trigger.group(1), trigger.group(2), trigger.group(3), trigger.group(4));
            }
            if (version != 1 || !sql.startsWith("CREATE TABLE samples (")) {
                return sql;
            }
            String keyed = sql.replace("PRIMARY KEY (device_id, sequence)", "PRIMARY KEY (device_id, sequence, ts_ms)");
            if (keyed.equals(sql) || !sql.endsWith(")")) {
                throw new IllegalStateException("migration 1 no longer reads as the samples table it was: " + sql);
            }
            return keyed + " PARTITION BY RANGE (ts_ms)";
        }

        /**
         * PostgreSQL's triggers run a function: the trigger's statements become a PL/pgSQL function of the same name, in
         * which {@code NEW} and {@code OLD} read as they do in SQLite. Run as one statement, which the driver splits.
         */
        private static String plpgsqlTrigger(String name, String event, String when, String statements) {
            return "CREATE FUNCTION " + name + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN " + statements + " RETURN NULL; END $$; "
                    + "CREATE TRIGGER " + name + " " + event + " FOR EACH ROW " + (when == null ? "" : "WHEN (" + when + ") ")
                    + "EXECUTE FUNCTION " + name + "()";
        }

        /**
         * Several collectors may start at once on one database: the first to take this session lock migrates, the
         * others then find the schema current. {@code CREATE TABLE IF NOT EXISTS schema_version} is not safe against a
         * concurrent twin on PostgreSQL (both may try to create the row type), so the lock comes before it.
         */
        @Override
        void lockMigrations(Statement s) throws SQLException {
            s.execute("SELECT pg_advisory_lock(" + MIGRATION_LOCK + ")");
        }

        @Override
        void unlockMigrations(Statement s) throws SQLException {
            s.execute("SELECT pg_advisory_unlock(" + MIGRATION_LOCK + ")");
        }

        @Override
        String nowMs() {
            return "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)";
        }

        @Override
        String lockRows(boolean skipLocked) {
            return skipLocked ? " FOR UPDATE SKIP LOCKED" : " FOR UPDATE";
        }
    };

    /** A row trigger as {@link Schema} writes it, in SQLite's form: name, event, condition (optional), statements. */
    private static final Pattern SQLITE_TRIGGER = Pattern.compile("CREATE TRIGGER (\\w+) (.+?) FOR EACH ROW (?:WHEN (.+?) )?BEGIN (.+) END",
            Pattern.DOTALL);

    /** The advisory lock key that serialises migrations: "KWSCHEMA" in ASCII, so it is recognisable in pg_locks. */
    private static final long MIGRATION_LOCK = 0x4B57534348454D41L;

    /** A statement of migration {@code version} as this database runs it. */
    abstract String migration(int version, String sql);

    abstract void lockMigrations(Statement s) throws SQLException;

    abstract void unlockMigrations(Statement s) throws SQLException;

    /**
     * The database's clock in epoch milliseconds, as an SQL expression: leases expire by it, so collectors whose clocks
     * disagree still agree on when a lease has run out.
     */
    abstract String nowMs();

    /** What a SELECT ends with to lock the rows it reads until the transaction ends (and, with skipLocked, to pass over rows another holds). */
    abstract String lockRows(boolean skipLocked);
}
