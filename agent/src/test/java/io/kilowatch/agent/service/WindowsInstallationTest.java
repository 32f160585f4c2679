package io.kilowatch.agent.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.agent.AgentConfig;
import io.kilowatch.core.config.CommandLine;
import io.kilowatch.core.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WindowsInstallationTest {
    private static final WindowsInstallation PLAN = WindowsInstallation.of(
            "C:\\Program Files\\Kilowatch Agent\\lib\\kilowatch-agent.jar", Map.of("ProgramData", "D:\\ProgramData"));

    @Test
    void stateLivesUnderProgramDataAndTheProgramWhereItWasInstalled() {
        assertEquals("C:\\Program Files\\Kilowatch Agent\\runtime\\bin\\java.exe", PLAN.java());
        assertEquals("D:\\ProgramData\\Kilowatch\\agent", PLAN.stateDir());
        assertEquals("D:\\ProgramData\\Kilowatch\\agent\\kilowatch-agent.yaml", PLAN.configFile());
        assertEquals("D:\\ProgramData\\Kilowatch\\agent\\enrolment-token", PLAN.tokenFile());
        assertEquals("C:\\ProgramData\\Kilowatch\\agent", WindowsInstallation.stateDir(Map.of()));
    }

    @Test
    void theServiceRunsTheShippedRuntimeWithTheShippedFlags() {
        assertEquals("\"C:\\Program Files\\Kilowatch Agent\\runtime\\bin\\java.exe\" \"@C:\\Program Files\\Kilowatch Agent\\lib\\jvm.options\""
                + " -Dkilowatch.log.file=D:\\ProgramData\\Kilowatch\\agent\\logs\\kilowatch-agent.log -jar \"C:\\Program Files\\Kilowatch Agent\\lib\\kilowatch-agent.jar\" service run"
                + " --config D:\\ProgramData\\Kilowatch\\agent\\kilowatch-agent.yaml", PLAN.serviceCommandLine());
    }

    @Test
    void theMsisLayoutKeepsTheJarAndItsFlagsInApp() {
        WindowsInstallation msi = WindowsInstallation.of("C:\\Program Files\\Kilowatch\\Agent\\app\\kilowatch-agent.jar", Map.of());
        assertEquals("\"C:\\Program Files\\Kilowatch\\Agent\\runtime\\bin\\java.exe\" \"@C:\\Program Files\\Kilowatch\\Agent\\app\\jvm.options\""
                + " -Dkilowatch.log.file=C:\\ProgramData\\Kilowatch\\agent\\logs\\kilowatch-agent.log -jar \"C:\\Program Files\\Kilowatch\\Agent\\app\\kilowatch-agent.jar\" service run"
                + " --config C:\\ProgramData\\Kilowatch\\agent\\kilowatch-agent.yaml", msi.serviceCommandLine());
        assertThrows(ConfigException.class, () -> WindowsInstallation.of("kilowatch-agent.jar", Map.of()));
    }

    @Test
    void argumentsAreQuotedAsWindowsSplitsThem() {
        assertEquals("plain", WindowsInstallation.quote("plain"));
        assertEquals("C:\\no\\spaces", WindowsInstallation.quote("C:\\no\\spaces"));
        assertEquals("\"\"", WindowsInstallation.quote(""));
        assertEquals("\"a b\"", WindowsInstallation.quote("a b"));
        // Backslashes double only before a quote, the closing one included.
        assertEquals("\"C:\\dir with space\\\\\"", WindowsInstallation.quote("C:\\dir with space\\"));
        assertEquals("\"say \\\"hi\\\"\"", WindowsInstallation.quote("say \"hi\""));
        assertEquals("\"a\\\\\\\"b c\"", WindowsInstallation.quote("a\\\"b c"));
    }

    @Test
    void theStateDirectoryIsForSystemAndAdministratorsOnly() {
        assertEquals(List.of("icacls", "D:\\ProgramData\\Kilowatch\\agent", "/inheritance:r",
                "/grant:r", "*S-1-5-18:(OI)(CI)F", "/grant:r", "*S-1-5-32-544:(OI)(CI)F"), PLAN.aclCommand());
    }

    @Test
    void theWrittenConfigIsReadBackByTheAgentAsInstalled(@TempDir Path dir) throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "kwe_estate-token\n");
        var options = new ServiceCommand.InstallOptions("https://kw.example:8443", token, "laptop",
                Map.of("site", "Town Hall \"B\"", "org", "Leeds\\City"));
        String yaml = PLAN.config(options, token.toString());
        assertTrue(yaml.contains("data_dir: \"D:\\\\ProgramData\\\\Kilowatch\\\\agent\""), yaml);

        var settings = CommandLine.parse(new String[0], Map.of()).settings(yaml, Map.of(), "").readSecretFilesWith(AgentConfig.SECRET_FILES);
        AgentConfig config = AgentConfig.from(settings);
        settings.requireAllKeysKnown();
        assertEquals(List.of(java.net.URI.create("https://kw.example:8443")), config.collectorUrls());
        assertEquals("laptop", config.deviceClass().label());
        assertEquals("Town Hall \"B\"", config.labels().get("site"));
        assertEquals("Leeds\\City", config.labels().get("org"));
        assertEquals(Path.of("D:\\ProgramData\\Kilowatch\\agent"), config.dataDir());
        assertTrue(config.enrolmentToken().isPresent());
        PLAN.validate(options);
    }

    @Test
    void badParametersAreRefusedBeforeAnythingIsChanged(@TempDir Path dir) throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "kwe_estate-token\n");
        assertThrows(ConfigException.class, () -> PLAN.validate(new ServiceCommand.InstallOptions("ftp://c", token, "desktop", Map.of())));
        assertThrows(ConfigException.class, () -> PLAN.validate(new ServiceCommand.InstallOptions("http://c:8080", token, "toaster", Map.of())));
        assertThrows(ConfigException.class, () -> PLAN.validate(
                new ServiceCommand.InstallOptions("http://c:8080", dir.resolve("missing"), "desktop", Map.of())));
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        ConfigException noToken = assertThrows(ConfigException.class, () -> PLAN.validate(
                new ServiceCommand.InstallOptions("http://c:8080", empty, "desktop", Map.of())));
        assertTrue(noToken.getMessage().contains("collector.enrolment_token_file: " + empty + " is empty"), noToken.getMessage());
        assertEquals(List.of(empty, token), Files.list(dir).sorted().toList());
    }
}
