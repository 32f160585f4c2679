package io.kilowatch.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.core.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shipped example config is valid, and every key the agent reads is documented. */
class ExampleConfigTest {
    @Test
    void exampleConfigLoadsAndEveryKeyIsDocumented() throws Exception {
        // One SNMP user, one community and one grid factor year, so their per-name keys are read and checked too.
        Settings settings = Settings.parse(Files.readString(Path.of("kilowatch-agent.yaml")), "kilowatch-agent.yaml",
                        Map.of("X_SNMP_USERS_NOC_AUTH_PASSWORD", "auth-pass-phrase", "X_SNMP_USERS_NOC_PRIV_PASSWORD", "priv-pass-phrase",
                                "X_SNMP_COMMUNITIES_NMS_COMMUNITY", "community"), "X_")
                .override("snmp.users.noc.auth_protocol", "sha-256")
                .override("snmp.communities.nms.community_file", "")
                .override("carbon.grid_factors_kgco2e_per_kwh.2025", "0.177");
        AgentConfig config = AgentConfig.from(settings);
        settings.requireAllKeysKnown();
        assertEquals(Duration.ofSeconds(15), config.reportInterval());
        assertEquals(List.of("rapl", "battery", "model"), config.powerSources());
        assertFalse(config.snmp().enabled(), "the SNMP sub-agent is off by default");
        assertEquals(161, config.snmp().port());
        assertEquals("127.0.0.1", config.snmp().address().getHostAddress());
        assertEquals("aes", config.snmp().users().get(0).privProtocol(), "authPriv with AES by default");
        assertEquals(1.0, config.pue());
        assertEquals(java.util.Set.of(), config.localSettingKeys(), "the example leaves every centrally managed key to the collector");

        String docs = Files.readString(Path.of("../docs/configuration.md"));
        List<String> undocumented = settings.keysRead().stream()
                .map(k -> k.replace(".noc.", ".<name>.").replace(".nms.", ".<name>.").replaceAll("\\.\\d{4}$", ".<year>"))
                .filter(k -> !docs.contains("`" + k + "`")).distinct().toList();
        assertEquals(List.of(), undocumented, "keys missing from docs/configuration.md");
        assertTrue(settings.keysRead().size() >= 20, "expected the agent to read all its keys: " + settings.keysRead());
    }
}
