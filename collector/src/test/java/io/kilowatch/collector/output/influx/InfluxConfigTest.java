package io.kilowatch.collector.output.influx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.influxdb.client.domain.WritePrecision;
import io.kilowatch.collector.CollectorConfig;
import io.kilowatch.core.config.ConfigException;
import io.kilowatch.core.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InfluxConfigTest {
    @TempDir
    Path dir;

    private static Settings enabled() {
        return Settings.empty("t").override("outputs.influxdb.enabled", "true").override("outputs.influxdb.org", "council")
                .override("outputs.influxdb.bucket", "kilowatch");
    }

    @Test
    void offByDefaultWithTheDocumentedDefaults() {
        InfluxConfig c = InfluxConfig.from(Settings.empty("t"), Path.of("data"));
        assertFalse(c.enabled());
        assertEquals("http://127.0.0.1:8086", c.url());
        assertEquals(5000, c.batchSize());
        assertEquals(Duration.ofSeconds(10), c.flushInterval());
        assertEquals(WritePrecision.MS, c.precision());
        assertEquals(Path.of("data", "influxdb-backlog"), c.backlogDir());
        assertEquals(256L * 1024 * 1024, c.backlogMaxBytes());
    }

    @Test
    void badSettingsFailNamingTheKey() {
        assertTrue(assertThrows(ConfigException.class, () -> InfluxConfig.from(Settings.empty("t").override("outputs.influxdb.enabled", "true"), dir))
                .getMessage().contains("outputs.influxdb.org"));
        assertTrue(assertThrows(ConfigException.class, () -> InfluxConfig.from(enabled().override("outputs.influxdb.precision", "minutes"), dir))
                .getMessage().contains("outputs.influxdb.precision"));
        assertTrue(assertThrows(ConfigException.class, () -> InfluxConfig.from(enabled().override("outputs.influxdb.url", "influx:8086"), dir))
                .getMessage().contains("outputs.influxdb.url"));
        assertTrue(assertThrows(ConfigException.class, () -> InfluxConfig.from(enabled().override("outputs.influxdb.batch_size", "0"), dir))
                .getMessage().contains("outputs.influxdb.batch_size"));
        ConfigException onCommandLine = assertThrows(ConfigException.class, () -> InfluxConfig.from(enabled().override("outputs.influxdb.token", "s3cret"), dir));
        assertTrue(onCommandLine.getMessage().contains("KILOWATCH") || onCommandLine.getMessage().contains("environment"), onCommandLine.getMessage());
        assertFalse(onCommandLine.getMessage().contains("s3cret"), "a secret is never repeated in a message");
    }

    @Test
    void theTokenComesFromTheEnvironmentOrAFileNeverBothAndIsReadAtStart() throws Exception {
        Settings env = Settings.parse("", "t", Map.of("KILOWATCH_COLLECTOR_OUTPUTS_INFLUXDB_TOKEN", "from-env"), "KILOWATCH_COLLECTOR_");
        assertEquals(Optional.of("from-env"), InfluxConfig.from(env, dir).token());
        Path file = Files.writeString(dir.resolve("token"), "from-file\n");
        assertEquals(Optional.of("from-file"), InfluxConfig.from(enabled().readSecretFilesWith(CollectorConfig.SECRET_FILES)
                .override("outputs.influxdb.token_file", file.toString()), dir).token());
        Settings both = Settings.parse("", "t", Map.of("KILOWATCH_COLLECTOR_OUTPUTS_INFLUXDB_TOKEN", "x"), "KILOWATCH_COLLECTOR_")
                .readSecretFilesWith(CollectorConfig.SECRET_FILES).override("outputs.influxdb.token_file", file.toString());
        assertThrows(ConfigException.class, () -> InfluxConfig.from(both, dir));
        Settings missing = enabled().readSecretFilesWith(CollectorConfig.SECRET_FILES).override("outputs.influxdb.token_file", dir.resolve("nope").toString());
        assertTrue(assertThrows(ConfigException.class, () -> InfluxConfig.from(missing, dir)).getMessage().contains("outputs.influxdb.token_file"));
    }
}
