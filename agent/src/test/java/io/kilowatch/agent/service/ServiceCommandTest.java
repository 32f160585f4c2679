package io.kilowatch.agent.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.core.config.ConfigException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceCommandTest {
    @Test
    void anUnattendedInstallTakesCollectorTokenClassAndLabels() {
        ServiceCommand command = ServiceCommand.parse(new String[] {"install", "--collector", "https://kw.council.example:8443",
                "--enrolment-token-file", "\\\\fs01\\deploy$\\kilowatch\\token", "--class", "laptop",
                "--label", "site=Town Hall", "--label", "org=Leeds", "--label", "department=Revenues=Benefits"});
        assertEquals(ServiceCommand.Action.INSTALL, command.action());
        ServiceCommand.InstallOptions install = command.install().orElseThrow();
        assertEquals("https://kw.council.example:8443", install.collectorUrl());
        assertEquals(Path.of("\\\\fs01\\deploy$\\kilowatch\\token"), install.enrolmentTokenFile());
        assertEquals("laptop", install.deviceClass());
        assertEquals(Map.of("site", "Town Hall", "org", "Leeds", "department", "Revenues=Benefits"), install.labels());
    }

    @Test
    void theClassDefaultsToDesktop() {
        var install = ServiceCommand.parse(new String[] {"install", "--enrolment-token-file", "t", "--collector", "http://c:8080"}).install().orElseThrow();
        assertEquals("desktop", install.deviceClass());
        assertEquals(Map.of(), install.labels());
    }

    @Test
    void runPassesTheAgentsOwnOptionsThroughAndControlsTakeNone() {
        ServiceCommand run = ServiceCommand.parse(new String[] {"run", "--config", "C:\\ProgramData\\Kilowatch\\agent\\kilowatch-agent.yaml"});
        assertEquals(ServiceCommand.Action.RUN, run.action());
        assertEquals(List.of("--config", "C:\\ProgramData\\Kilowatch\\agent\\kilowatch-agent.yaml"), run.runArguments());
        for (String action : List.of("uninstall", "start", "stop")) {
            assertEquals(action.toUpperCase(java.util.Locale.ROOT), ServiceCommand.parse(new String[] {action}).action().name());
            assertThrows(ConfigException.class, () -> ServiceCommand.parse(new String[] {action, "--now"}));
        }
    }

    @Test
    void badInputSaysWhatIsWrong() {
        assertMessage("service needs an action", new String[0]);
        assertMessage("unknown service action 'restart'", "restart");
        assertMessage("needs --collector URL and --enrolment-token-file FILE", "install", "--collector", "http://c:8080");
        assertMessage("option --class needs a value", "install", "--collector", "http://c:8080", "--class");
        assertMessage("--label takes org=, site= or department=VALUE, got 'building=B'", "install", "--label", "building=B");
        assertMessage("unknown install option '--token'", "install", "--token", "x");
    }

    private static void assertMessage(String expected, String... args) {
        ConfigException e = assertThrows(ConfigException.class, () -> ServiceCommand.parse(args));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
