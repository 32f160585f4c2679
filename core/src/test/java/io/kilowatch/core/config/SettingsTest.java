package io.kilowatch.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
    private static final String YAML = """
            http:
              port: 9000
            report_interval: 30s
            sites:
              leeds-dc:
                pue: 1.6
            """;

    @Test
    void precedenceIsCommandLineThenEnvironmentThenFileThenDefault() {
        Settings s = Settings.parse(YAML, "test.yaml", Map.of("KW_HTTP_PORT", "9100"), "KW_");
        assertEquals(9100, s.integer("http.port", 8080, 0, 65535));
        s.override("http.port", "9200");
        assertEquals(9200, s.integer("http.port", 8080, 0, 65535));
        assertEquals(Duration.ofSeconds(30), s.duration("report_interval", Duration.ofSeconds(15), Duration.ofSeconds(1), Duration.ofHours(1)));
        assertEquals(7, s.integer("missing", 7, 0, 10));
    }

    @Test
    void badValuesNameTheKeyAndWhereTheyCameFrom() {
        Settings s = Settings.parse("http:\n  port: 70000\nflag: maybe\n", "collector.yaml", Map.of(), "KW_");
        ConfigException port = assertThrows(ConfigException.class, () -> s.integer("http.port", 8080, 0, 65535));
        assertTrue(port.getMessage().contains("collector.yaml") && port.getMessage().contains("http.port"), port.getMessage());
        ConfigException flag = assertThrows(ConfigException.class, () -> s.bool("flag", false));
        assertTrue(flag.getMessage().contains("flag"), flag.getMessage());
        Settings cli = Settings.empty("x").override("interval", "soon");
        ConfigException interval = assertThrows(ConfigException.class,
                () -> cli.duration("interval", Duration.ofSeconds(15), Duration.ofSeconds(1), Duration.ofHours(1)));
        assertTrue(interval.getMessage().startsWith("command line: interval"), interval.getMessage());
    }

    @Test
    void unknownKeysAreReportedSoTyposFailFast() {
        Settings s = Settings.parse("http:\n  prot: 9000\n", "collector.yaml", Map.of(), "KW_");
        s.integer("http.port", 8080, 0, 65535);
        ConfigException e = assertThrows(ConfigException.class, s::requireAllKeysKnown);
        assertTrue(e.getMessage().contains("http.prot"), e.getMessage());
        Settings cli = Settings.empty("x").override("htp.port", "1");
        cli.integer("http.port", 8080, 0, 65535);
        ConfigException onCli = assertThrows(ConfigException.class, cli::requireAllKeysKnown);
        assertTrue(onCli.getMessage().startsWith("command line: unknown key htp.port"), onCli.getMessage());
    }

    @Test
    void secretsComeOnlyFromTheEnvironment() {
        Settings env = Settings.parse("", "t", Map.of("KW_SMTP_PASSWORD", "s3cret"), "KW_");
        assertEquals("s3cret", env.secret("smtp.password").orElseThrow());
        assertTrue(Settings.parse("", "t", Map.of(), "KW_").secret("smtp.password").isEmpty());
        ConfigException inFile = assertThrows(ConfigException.class,
                () -> Settings.parse("smtp:\n  password: s3cret\n", "t", Map.of(), "KW_").secret("smtp.password"));
        assertTrue(inFile.getMessage().contains("KW_SMTP_PASSWORD") && !inFile.getMessage().contains("s3cret"), inFile.getMessage());
        assertThrows(ConfigException.class, () -> Settings.empty("t").override("smtp.password", "x").secret("smtp.password"));
    }

    /** Reads the disk, as the programs' own readers do; core's main code does no I/O. */
    private static final Settings.SecretFiles DISK = path -> Files.readString(Path.of(path));

    private static Settings withSecretFile(Map<String, String> environment, Path file) {
        return Settings.parse("", "t", environment, "KW_").readSecretFilesWith(DISK).override("smtp.password_file", file.toString());
    }

    @Test
    void aSecretComesFromItsEnvironmentVariableAlone() {
        Settings s = Settings.parse("", "t", Map.of("KW_SMTP_PASSWORD", "  s3cret \n"), "KW_").readSecretFilesWith(DISK);
        assertEquals(Optional.of("s3cret"), s.secret("smtp.password"));
        assertEquals(Optional.empty(), Settings.parse("", "t", Map.of("KW_SMTP_PASSWORD", " "), "KW_").secret("smtp.password"),
                "an empty variable counts as not given");
    }

    @Test
    void aSecretComesFromTheFileItsFileKeyNamesWithSurroundingWhitespaceStripped(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("password"), "\t s3cret with inner space \r\n\n");
        assertEquals(Optional.of("s3cret with inner space"), withSecretFile(Map.of(), file).secret("smtp.password"));
        // the file key may come from the config file and the environment as well as the command line
        Settings inFile = Settings.parse("smtp:\n  password_file: " + file + "\n", "t", Map.of(), "KW_").readSecretFilesWith(DISK);
        assertEquals(Optional.of("s3cret with inner space"), inFile.secret("smtp.password"));
        inFile.requireAllKeysKnown();
        Settings inEnvironment = Settings.parse("", "t", Map.of("KW_SMTP_PASSWORD_FILE", file.toString()), "KW_").readSecretFilesWith(DISK);
        assertEquals(Optional.of("s3cret with inner space"), inEnvironment.secret("smtp.password"));
    }

    @Test
    void aSecretGivenBothWaysIsRefused(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("password"), "from-file-s3cret");
        ConfigException both = assertThrows(ConfigException.class,
                () -> withSecretFile(Map.of("KW_SMTP_PASSWORD", "from-env-s3cret"), file).secret("smtp.password"));
        assertTrue(both.getMessage().contains("KW_SMTP_PASSWORD") && both.getMessage().contains("smtp.password_file"), both.getMessage());
        assertFalse(both.getMessage().contains("s3cret"), both.getMessage());
    }

    @Test
    void anEmptyOrUnreadableSecretFileIsAnErrorNamingTheKeyAndThePath(@TempDir Path dir) throws Exception {
        Path empty = Files.writeString(dir.resolve("empty"), " \n\n");
        ConfigException isEmpty = assertThrows(ConfigException.class, () -> withSecretFile(Map.of(), empty).secret("smtp.password"));
        assertTrue(isEmpty.getMessage().startsWith("smtp.password_file: " + empty + " is empty"), isEmpty.getMessage());
        Path missing = dir.resolve("missing");
        ConfigException notThere = assertThrows(ConfigException.class, () -> withSecretFile(Map.of(), missing).secret("smtp.password"));
        assertEquals("smtp.password_file: cannot read " + missing + " (NoSuchFileException)", notThere.getMessage());
        ConfigException aDirectory = assertThrows(ConfigException.class, () -> withSecretFile(Map.of(), dir).secret("smtp.password"));
        assertTrue(aDirectory.getMessage().startsWith("smtp.password_file: cannot read " + dir + " ("), aDirectory.getMessage());
    }

    @Test
    void aReaderThatFailsNeverPutsTheSecretInTheMessage() {
        Settings s = Settings.empty("t").override("smtp.password_file", "/run/secrets/smtp")
                .readSecretFilesWith(path -> {
                    throw new IllegalArgumentException("unexpected byte");
                });
        ConfigException e = assertThrows(ConfigException.class, () -> s.secret("smtp.password"));
        assertEquals("smtp.password_file: cannot read /run/secrets/smtp (IllegalArgumentException: unexpected byte)", e.getMessage());
        Settings read = Settings.empty("t").override("smtp.password_file", "/run/secrets/smtp").readSecretFilesWith(path -> "s3cret");
        assertEquals(Optional.of("s3cret"), read.secret("smtp.password"));
    }

    @Test
    void aSectionReadsItsKeysUnderItsNameAndSharesTheBookkeeping() {
        Settings s = Settings.parse("""
                outputs:
                  influxdb:
                    url: http://influx:8086
                    batch_size: lots
                    backlog:
                      dir: /var/backlog
                  typo: 1
                """, "collector.yaml", Map.of("KW_OUTPUTS_INFLUXDB_ORG", "council"), "KW_");
        Settings influx = s.section("outputs").section("influxdb");
        assertEquals("http://influx:8086", influx.string("url", ""));
        assertEquals("council", influx.string("org", ""));
        assertEquals("/var/backlog", influx.section("backlog").string("dir", ""));
        assertEquals("outputs.influxdb.org", influx.key("org"));
        assertEquals(Set.of("backlog", "batch_size", "url"), s.section("outputs").children("influxdb"));
        assertTrue(influx.isSet("url"));
        ConfigException bad = assertThrows(ConfigException.class, () -> influx.integer("batch_size", 5000, 1, 100_000));
        assertTrue(bad.getMessage().startsWith("collector.yaml: outputs.influxdb.batch_size must be"), bad.getMessage());
        assertTrue(s.keysRead().containsAll(Set.of("outputs.influxdb.url", "outputs.influxdb.org", "outputs.influxdb.backlog.dir")), s.keysRead().toString());
        ConfigException unknown = assertThrows(ConfigException.class, s::requireAllKeysKnown);
        assertEquals("collector.yaml: unknown key outputs.typo (docs/configuration.md lists every key)", unknown.getMessage());
        influx.override("token", "x");
        ConfigException secret = assertThrows(ConfigException.class, () -> influx.secret("token"));
        assertTrue(secret.getMessage().contains("KW_OUTPUTS_INFLUXDB_TOKEN"), secret.getMessage());
    }

    @Test
    void everyProblemIsReportedTogether() {
        Settings s = Settings.parse("http:\n  port: 70000\nflag: maybe\ntypo: 1\n", "collector.yaml", Map.of(), "KW_");
        ConfigException e = assertThrows(ConfigException.class, () -> s.reportingEveryProblem(() -> {
            int port = s.integer("http.port", 8080, 0, 65535);
            assertEquals(8080, port, "a bad value gives its default so that reading goes on");
            s.bool("flag", false);
            String section = s.attempt(() -> {
                throw new ConfigException("alerting.rules.x: no such rule");
            }, "fallback");
            assertEquals("fallback", section);
            s.requireAllKeysKnown();
            return port;
        }));
        assertEquals("""
                4 problems in the config:
                  - collector.yaml: http.port must be a whole number from 0 to 65535, got '70000'
                  - collector.yaml: flag must be true or false, got 'maybe'
                  - alerting.rules.x: no such rule
                  - collector.yaml: unknown key typo (docs/configuration.md lists every key)""", e.getMessage());
        // afterwards, and outside, the first problem is thrown as it comes
        assertThrows(ConfigException.class, () -> s.integer("http.port", 8080, 0, 65535));
        assertThrows(ConfigException.class, () -> s.attempt(() -> s.bool("flag", false), true));
    }

    @Test
    void aSingleProblemIsReportedAsItselfAndNestedReadsReportOnce() {
        Settings s = Settings.parse("flag: maybe\n", "c.yaml", Map.of(), "KW_");
        ConfigException one = assertThrows(ConfigException.class, () -> s.reportingEveryProblem(() -> s.bool("flag", false)));
        assertEquals("c.yaml: flag must be true or false, got 'maybe'", one.getMessage());
        Settings nested = Settings.parse("flag: maybe\ntypo: 1\n", "c.yaml", Map.of(), "KW_");
        ConfigException both = assertThrows(ConfigException.class, () -> nested.reportingEveryProblem(() -> {
            boolean flag = nested.reportingEveryProblem(() -> nested.bool("flag", false));
            nested.requireAllKeysKnown();
            return flag;
        }));
        assertTrue(both.getMessage().startsWith("2 problems in the config:"), both.getMessage());
        Settings good = Settings.parse("flag: yes\n", "c.yaml", Map.of(), "KW_");
        assertTrue(good.reportingEveryProblem(() -> good.bool("flag", false)));
    }

    @Test
    void childrenListsDynamicSections() {
        Settings s = Settings.parse(YAML, "t", Map.of(), "KW_");
        assertEquals(Set.of("leeds-dc"), s.children("sites"));
        s.override("sites.HQ.pue", "1.2");
        assertEquals(Set.of("HQ", "leeds-dc"), s.children("sites"));
        assertEquals(1.6, s.number("sites.leeds-dc.pue", 1.0, 1.0, 5.0));
    }

    @Test
    void rejectsMalformedYaml() {
        assertThrows(ConfigException.class, () -> Settings.parse("http: [unclosed", "bad.yaml", Map.of(), "KW_"));
        assertThrows(ConfigException.class, () -> Settings.parse("- a\n- b\n", "list.yaml", Map.of(), "KW_"));
    }
}
