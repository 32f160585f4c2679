package io.kilowatch.collector.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only PostgreSQL has to get right: a connection lost under the single writer, collectors migrating at once. */
class PostgresStoreTest {
    @TempDir
    Path dir;

    @Test
    void aConnectionTheServerDroppedIsReplacedForTheNextWork() throws Exception {
        StoreKind.TestStore testStore = StoreKind.POSTGRESQL.fresh(dir);
        try (JdbcStore store = testStore.openStore(); Connection admin = testStore.connectWithoutMigrating()) {
            assertTrue(store.enrol("pc-1", "a".repeat(64), 1).await());
            int first = backend(store);
            terminate(admin, first);
            // the write that meets the dead connection fails whole, and says so; the next one has a fresh connection
            assertThrows(StoreException.class, () -> store.enrol("pc-2", "b".repeat(64), 2).await());
            assertTrue(store.enrol("pc-2", "b".repeat(64), 2).await());
            int second = backend(store);
            assertNotEquals(first, second);

            terminate(admin, second);
            assertThrows(StoreException.class, () -> store.deviceForCredential("a".repeat(64)).await());
            assertEquals(Optional.of("pc-1"), store.deviceForCredential("a".repeat(64)).await(), "a read after the lost one works too");
            assertEquals(Optional.of("pc-2"), store.deviceForCredential("b".repeat(64)).await());
        }
    }

    @Test
    void collectorsStartingAtOnceMigrateTheDatabaseOnce() throws Exception {
        StoreConfig config = StoreKind.POSTGRESQL.fresh(dir).config();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Database>> opening = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                opening.add(pool.submit((Callable<Database>) () -> Database.open(config)));
            }
            List<Database> opened = new ArrayList<>();
            for (Future<Database> f : opening) {
                opened.add(f.get());
            }
            Database db = opened.get(0);
            assertEquals(List.of(Schema.MIGRATIONS.size() + " x1"), db.query("SELECT MAX(version), MAX(n) FROM (SELECT version, COUNT(*) AS n "
                    + "FROM schema_version GROUP BY version) per_version", rs -> rs.getInt(1) + " x" + rs.getInt(2)),
                    "every migration ran once, the newest last");
            opened.forEach(Database::close);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aWrongPasswordStopsTheStartSayingSo() {
        StoreConfig right = StoreKind.POSTGRESQL.fresh(dir).config();
        StoreConfig wrong = StoreConfig.postgresql(dir, Database.Sync.FULL,
                new StoreConfig.Postgresql(right.postgresql().url(), right.postgresql().user(), Optional.of("not-the-password")));
        StoreException e = assertThrows(StoreException.class, () -> Database.open(wrong));
        assertTrue(e.getMessage().contains("password authentication failed"), e.getMessage());
        assertFalse(e.getMessage().contains("not-the-password"), e.getMessage());
    }

    private static int backend(JdbcStore store) {
        return store.database().query("SELECT pg_backend_pid()", rs -> rs.getInt(1)).get(0);
    }

    private static void terminate(Connection admin, int pid) throws Exception {
        try (Statement s = admin.createStatement()) {
            s.execute("SELECT pg_terminate_backend(" + pid + ", 5000)");
        }
    }
}
