package io.kilowatch.collector.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The stores the store tests run against, every test on each ({@code @EnumSource(StoreKind.class)}): the embedded
 * SQLite and a real PostgreSQL ({@link TestPostgres}).
 */
public enum StoreKind {
    SQLITE,
    POSTGRESQL;

    /** A new empty store of this kind; {@code dataDir} holds its SQLite file, or nothing on PostgreSQL. */
    public TestStore fresh(Path dataDir) {
        return new TestStore(this == SQLITE ? StoreConfig.sqlite(dataDir, Database.Sync.FULL) : TestPostgres.shared().freshDatabase(dataDir));
    }

    /** An empty store that tests open, close and open again, as a collector restarting would. */
    public record TestStore(StoreConfig config) {
        public Database open() {
            return Database.open(config);
        }

        public JdbcStore openStore() {
            return new JdbcStore(open());
        }

        /** The collector's command-line options that open this store: {@code --data-dir}, and {@code --set store.*} for PostgreSQL. */
        public List<String> options() {
            List<String> options = new ArrayList<>(List.of("--data-dir", config.dataDir().toString()));
            if (config.type() == StoreConfig.Type.POSTGRESQL) {
                options.addAll(List.of("--set", "store.type=postgresql", "--set", "store.postgresql.url=" + config.postgresql().url(),
                        "--set", "store.postgresql.user=" + config.postgresql().user()));
            }
            return options;
        }

        /** The collector's environment for this store: the PostgreSQL password, which is never an option. */
        public Map<String, String> environment() {
            return config.type() == StoreConfig.Type.POSTGRESQL
                    ? Map.of("KILOWATCH_COLLECTOR_STORE_POSTGRESQL_PASSWORD", config.postgresql().password().orElseThrow())
                    : Map.of();
        }

        /** A plain connection to the store, for a test that builds it as an older collector would have. */
        public Connection connectWithoutMigrating() throws SQLException {
            return config.type() == StoreConfig.Type.SQLITE
                    ? DriverManager.getConnection("jdbc:sqlite:" + config.dataDir().resolve(Database.SQLITE_FILE))
                    : DriverManager.getConnection(config.postgresql().url(), config.postgresql().user(), config.postgresql().password().orElseThrow());
        }
    }
}
