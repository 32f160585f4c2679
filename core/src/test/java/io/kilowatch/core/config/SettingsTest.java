package io.kilowatch.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

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
