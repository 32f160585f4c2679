package io.kilowatch.collector.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.core.config.ConfigException;
import io.kilowatch.collector.CollectorConfig;
import io.kilowatch.core.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreConfigTest {
    private static final String PREFIX = "KILOWATCH_COLLECTOR_";
    private static final String PG = "store:\n  type: postgresql\n  postgresql:\n    url: jdbc:postgresql://db.example:5432/kilowatch?ssl=true\n"
            + "    user: kilowatch\n";

    private static StoreConfig parse(String yaml, Map<String, String> env) {
        return StoreConfig.from(Settings.parse(yaml, "test.yaml", env, PREFIX).readSecretFilesWith(CollectorConfig.SECRET_FILES));
    }

    @Test
    void sqliteInTheDataDirIsTheDefault() {
        StoreConfig config = parse("data_dir: /var/lib/kilowatch\nstorage:\n  sync: normal\n", Map.of());
        assertEquals(StoreConfig.Type.SQLITE, config.type());
        assertEquals(Path.of("/var/lib/kilowatch"), config.dataDir());
        assertEquals(Database.Sync.NORMAL, config.sync());
        assertNull(config.postgresql());
        assertEquals("sqlite /var/lib/kilowatch/kilowatch.db", config.describe());
    }

    @Test
    void postgresqlTakesItsPasswordFromTheEnvironmentAndNeverShowsIt() {
        StoreConfig config = parse(PG, Map.of(PREFIX + "STORE_POSTGRESQL_PASSWORD", "s3cret-pass"));
        assertEquals(StoreConfig.Type.POSTGRESQL, config.type());
        assertEquals(new StoreConfig.Postgresql("jdbc:postgresql://db.example:5432/kilowatch?ssl=true", "kilowatch", Optional.of("s3cret-pass")),
                config.postgresql());
        assertFalse(config.toString().contains("s3cret-pass"), config.toString());
        assertEquals("postgresql jdbc:postgresql://db.example:5432/kilowatch?...", config.describe());
    }

    @Test
    void orFromTheFileItsKeyNames(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("pg-password"), "from-file\n");
        StoreConfig config = parse(PG + "    password_file: " + file + "\n", Map.of());
        assertEquals(Optional.of("from-file"), config.postgresql().password());
        assertEquals(Optional.empty(), parse(PG, Map.of()).postgresql().password(), "no password: the server may trust or use certificates");
    }

    @Test
    void mistakesAreNamed() {
        assertTrue(assertThrows(ConfigException.class, () -> parse("store:\n  type: mysql\n", Map.of())).getMessage().contains("store.type"));
        assertTrue(assertThrows(ConfigException.class, () -> parse("store:\n  type: postgresql\n", Map.of())).getMessage()
                .contains("store.postgresql.url"));
        assertTrue(assertThrows(ConfigException.class, () -> parse(PG.replace("    user: kilowatch\n", ""), Map.of())).getMessage()
                .contains("store.postgresql.user"));
        assertTrue(assertThrows(ConfigException.class, () -> parse(PG + "    password: in-the-file\n", Map.of())).getMessage()
                .contains("KILOWATCH_COLLECTOR_STORE_POSTGRESQL_PASSWORD"), "a password never sits in the config file");
    }
}
