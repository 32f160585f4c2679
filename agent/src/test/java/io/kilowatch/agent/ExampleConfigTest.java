package io.kilowatch.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        Settings settings = Settings.parse(Files.readString(Path.of("kilowatch-agent.yaml")), "kilowatch-agent.yaml", Map.of(), "X_");
        AgentConfig config = AgentConfig.from(settings);
        settings.requireAllKeysKnown();
        assertEquals(Duration.ofSeconds(15), config.reportInterval());
        assertEquals(List.of("rapl", "battery", "model"), config.powerSources());

        String docs = Files.readString(Path.of("../docs/configuration.md"));
        List<String> undocumented = settings.keysRead().stream().filter(k -> !docs.contains("`" + k + "`")).toList();
        assertEquals(List.of(), undocumented, "keys missing from docs/configuration.md");
        assertTrue(settings.keysRead().size() >= 20, "expected the agent to read all its keys: " + settings.keysRead());
    }
}
