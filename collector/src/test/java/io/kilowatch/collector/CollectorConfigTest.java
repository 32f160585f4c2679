package io.kilowatch.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.core.config.CommandLine;
import io.kilowatch.core.config.ConfigException;
import io.kilowatch.core.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bad config reports every problem at once; secrets are read at start through the collector's own file reader. */
class CollectorConfigTest {
    @TempDir
    Path dir;

    @Test
    void threeErrorsInThreeSectionsAreReportedTogether() {
        Settings s = Settings.empty("t")
                .override("alerting.rules.device_down.severity", "urgent")
                .override("outputs.influxdb.batch_size", "0")
                .override("snmp.targets.ups-1.address", "10.0.0.5");
        ConfigException e = assertThrows(ConfigException.class, () -> CollectorConfig.from(s));
        assertEquals("""
                3 problems in the config:
                  - alerting.rules.device_down.severity must be page, ticket or info, got 'urgent'
                  - command line: outputs.influxdb.batch_size must be a whole number from 1 to 100000, got '0'
                  - snmp.targets.ups-1.auth must name an auth profile under snmp.auths""", e.getMessage());
    }

    @Test
    void everyBadTypedValueIsReportedAndTheSectionsAfterAFailedOneAreStillRead() {
        Settings s = Settings.empty("t")
                .override("http.port", "eighty")
                .override("time_zone", "Mars/Olympus")
                .override("storage.raw_retention", "forever")
                .override("alerting.channels.hook.type", "pager")
                .override("outputs.influxdb.precision", "minutes")
                .override("http.host", "0.0.0.0");
        String report = assertThrows(ConfigException.class, () -> CollectorConfig.from(s)).getMessage();
        assertTrue(report.startsWith("6 problems in the config:"), report);
        for (String key : new String[] {"http.port", "time_zone", "storage.raw_retention", "alerting.channels.hook.type",
                "outputs.influxdb.precision", "http.host 0.0.0.0 is reachable"}) {
            assertTrue(report.contains(key), key + " in " + report);
        }
    }

    @Test
    void unknownKeysJoinTheSameReportAndAGoodConfigStillLoads() throws Exception {
        Path config = Files.writeString(dir.resolve("collector.yaml"), "http:\n  prot: 9000\nstorage:\n  sync: fast\n");
        ConfigException e = assertThrows(ConfigException.class, () -> CollectorMain.config(
                CommandLine.parse(new String[] {"--config", config.toString(), "--set", "snmp.intervall=5s"}, CollectorMain.FLAGS), Map.of()));
        assertEquals("""
                3 problems in the config:
                  - storage.sync must be full or normal, not 'fast'
                  - %s: unknown key http.prot (docs/configuration.md lists every key)
                  - command line: unknown key snmp.intervall (docs/configuration.md lists every key)""".formatted(config), e.getMessage());
        Files.writeString(config, "http:\n  port: 9000\n");
        assertEquals(9000, CollectorMain.config(CommandLine.parse(new String[] {"--config", config.toString()}, CollectorMain.FLAGS), Map.of()).httpPort());
    }

    @Test
    void theCollectorReadsSecretFilesAtStart() throws Exception {
        Path token = Files.writeString(dir.resolve("influx-token"), "  s3cret-token\n");
        CommandLine cli = CommandLine.parse(new String[] {"--set", "outputs.influxdb.token_file=" + token}, CollectorMain.FLAGS);
        assertEquals(Optional.of("s3cret-token"), CollectorMain.config(cli, Map.of()).influx().token());
        Files.delete(token);
        ConfigException missing = assertThrows(ConfigException.class, () -> CollectorMain.config(cli, Map.of()));
        assertEquals("outputs.influxdb.token_file: cannot read " + token + " (NoSuchFileException)", missing.getMessage());
        Files.writeString(token, "s3cret-token");
        ConfigException both = assertThrows(ConfigException.class,
                () -> CollectorMain.config(cli, Map.of("KILOWATCH_COLLECTOR_OUTPUTS_INFLUXDB_TOKEN", "s3cret-env")));
        assertFalse(both.getMessage().contains("s3cret"), both.getMessage());
    }

    @Test
    void theEnrolmentTokenFileIsNoPlainSecretFileTheCollectorMakesItWhenMissing() {
        Path missing = dir.resolve("enrolment-token");
        CollectorConfig config = CollectorConfig.from(Settings.empty("t").override("security.agents.enrolment_token_file", missing.toString()));
        assertEquals(missing, config.enrolmentTokenFile());
        assertEquals(Optional.empty(), config.enrolmentToken(), "not read at config time: made on first start");
        CollectorConfig fromEnvironment = CollectorConfig.from(Settings.parse("", "t",
                Map.of("KILOWATCH_COLLECTOR_SECURITY_AGENTS_ENROLMENT_TOKEN", "kwe_from-the-environment"), "KILOWATCH_COLLECTOR_")
                .override("security.agents.enrolment_token_file", missing.toString()));
        assertEquals(Optional.of("kwe_from-the-environment"), fromEnvironment.enrolmentToken(), "the environment wins over the file, as before");
    }
}
