package io.kilowatch.agent.service;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.core.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentServiceTest {
    @Test
    void elsewhereThanWindowsTheServiceCommandPointsToTheSystemsOwnServiceManager() {
        for (String os : new String[] {"Linux", "Mac OS X"}) {
            ConfigException e = assertThrows(ConfigException.class, () -> AgentService.main(new String[] {"start"}, "/opt/kilowatch-agent/lib/kilowatch-agent.jar",
                    Map.of(), os, args -> () -> { }));
            assertTrue(e.getMessage().contains("the service command is for Windows; on Linux install the .deb"), e.getMessage());
        }
    }

    @Test
    void badArgumentsAreRefusedBeforeAnythingElse() {
        ConfigException e = assertThrows(ConfigException.class, () -> AgentService.main(new String[] {"install", "--collector", "http://c:8080"},
                "C:\\Kilowatch\\lib\\kilowatch-agent.jar", Map.of(), "Windows 11", args -> () -> { }));
        assertTrue(e.getMessage().contains("--enrolment-token-file"), e.getMessage());
    }
}
