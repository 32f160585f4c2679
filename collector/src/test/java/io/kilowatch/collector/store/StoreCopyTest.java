package io.kilowatch.collector.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the copy does besides copying: it keeps nothing when the copy differs, hands out ids past the copied ones, and
 * refuses a store of another schema version. (The whole command, on a store a collector filled: MigrateStoreCommandTest.)
 */
class StoreCopyTest {
    @TempDir
    Path dir;
    private StoreKind.TestStore source;
    private StoreKind.TestStore target;

    @BeforeEach
    void stores() {
        source = StoreKind.SQLITE.fresh(dir.resolve("sqlite"));
        target = StoreKind.POSTGRESQL.fresh(dir.resolve("pg"));
        try (JdbcStore store = source.openStore()) {
            for (int i = 1; i <= 3; i++) {
                assertTrue(store.enrol("pc-" + i, Integer.toString(i).repeat(64), i).await());
            }
        }
    }

    private static long count(Connection c, String table) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aCopyThatDiffersIsRolledBackAndSaysWhere() throws Exception {
        target.open().close(); // migrated, so the trigger below has its table
        try (Connection c = target.connectWithoutMigrating(); Statement s = c.createStatement()) {
            // A target that silently loses a row, as a misconfigured replica or a stray rule might.
            s.execute("CREATE FUNCTION lose_pc2() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    + "IF NEW.device_id = 'pc-2' THEN RETURN NULL; END IF; RETURN NEW; END $$");
            s.execute("CREATE TRIGGER lose_pc2 BEFORE INSERT ON agent_credentials FOR EACH ROW EXECUTE FUNCTION lose_pc2()");
        }
        StoreCopy.Outcome outcome = StoreCopy.copy(source.config().dataDir(), target.config().postgresql());
        assertFalse(outcome.committed());
        StoreCopy.TableCheck credentials = outcome.tables().stream().filter(t -> t.table().equals("agent_credentials")).findFirst().orElseThrow();
        assertEquals(3, credentials.sourceRows());
        assertEquals(2, credentials.targetRows());
        assertTrue(outcome.summary().stream().anyMatch(l -> l.startsWith("agent_credentials") && l.endsWith("MISMATCH")), outcome.summary().toString());
        try (Connection c = target.connectWithoutMigrating()) {
            assertEquals(0, count(c, "agent_credentials"), "rolled back: the database can take the copy again once fixed");
        }
    }

    @Test
    void identityColumnsHandOutIdsPastTheCopiedOnes() throws Exception {
        // No table of today's schema has one; a later migration may (a lease's fencing token, say).
        try (Connection c = source.connectWithoutMigrating(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text VARCHAR(64) NOT NULL)");
            s.execute("INSERT INTO notes (id, text) VALUES (1, 'a'), (2, 'b'), (7, 'c')");
        }
        target.open().close();
        try (Connection c = target.connectWithoutMigrating(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE notes (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, text VARCHAR(64) NOT NULL)");
        }
        StoreCopy.Outcome outcome = StoreCopy.copy(source.config().dataDir(), target.config().postgresql());
        assertTrue(outcome.committed(), outcome.summary().toString());
        try (Connection c = target.connectWithoutMigrating(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("INSERT INTO notes (text) VALUES ('d') RETURNING id")) {
            rs.next();
            assertEquals(8, rs.getLong(1));
            assertEquals(3, count(c, "agent_credentials"));
        }
    }

    @Test
    void aStoreLeftByACrashedCollectorIsCopiedWithWhatIsStillInItsWriteAheadLog() throws Exception {
        // Another process commits a row into the WAL and is killed before any checkpoint, as a collector killed -9.
        Process writer = new ProcessBuilder("sqlite3", source.config().dataDir().resolve("kilowatch.db").toString()).redirectErrorStream(true).start();
        writer.getOutputStream().write(("PRAGMA wal_autocheckpoint = 0;\nINSERT INTO agent_credentials VALUES ('pc-4', '" + "4".repeat(64)
                + "', 4, NULL);\nSELECT COUNT(*) FROM agent_credentials;\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        writer.getOutputStream().flush();
        var answers = new java.io.BufferedReader(new java.io.InputStreamReader(writer.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(List.of("0", "4"), List.of(answers.readLine(), answers.readLine()));
        writer.destroyForcibly().waitFor();
        assertTrue(java.nio.file.Files.size(source.config().dataDir().resolve("kilowatch.db-wal")) > 0, "the row is in the WAL only");

        StoreCopy.Outcome outcome = StoreCopy.copy(source.config().dataDir(), target.config().postgresql());
        assertTrue(outcome.committed(), outcome.summary().toString());
        try (Connection c = target.connectWithoutMigrating()) {
            assertEquals(4, count(c, "agent_credentials"));
        }
    }

    @Test
    void refusesAStoreWhoseIngestJournalHoldsReportsNotYetWrittenIntoItsTables() throws Exception {
        // as a collector killed after acknowledging a group, before its writer wrote it
        try (Connection j = java.sql.DriverManager.getConnection("jdbc:sqlite:" + source.config().dataDir().resolve(IngestJournal.FILE));
             Statement s = j.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS journal (id INTEGER PRIMARY KEY, writes BLOB NOT NULL)");
            s.execute("INSERT INTO journal (id, writes) VALUES (1, x'00000000')");
        }
        StoreException e = assertThrows(StoreException.class, () -> StoreCopy.copy(source.config().dataDir(), target.config().postgresql()));
        assertTrue(e.getMessage().contains("holds 1 group(s) of acknowledged reports not yet written into the store"), e.getMessage());
        try (Connection c = target.connectWithoutMigrating(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'")) {
            rs.next();
            assertEquals(0, rs.getLong(1), "the target was changed");
        }
    }

    @Test
    void refusesAStoreOfAnotherSchemaVersion() throws Exception {
        try (Connection c = source.connectWithoutMigrating(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM schema_version WHERE version = " + Schema.MIGRATIONS.size());
        }
        StoreException e = assertThrows(StoreException.class, () -> StoreCopy.copy(source.config().dataDir(), target.config().postgresql()));
        assertTrue(e.getMessage().contains("is at schema version " + (Schema.MIGRATIONS.size() - 1) + " and this collector at "
                + Schema.MIGRATIONS.size() + ": run this collector version on it once"), e.getMessage());
        try (Connection c = target.connectWithoutMigrating(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'")) {
            rs.next();
            assertEquals(0, rs.getInt(1), "the target was not touched");
        }
    }
}
