package io.kilowatch.agent.service;

import io.kilowatch.agent.AgentLogging;
import io.kilowatch.agent.AgentConfig;
import io.kilowatch.core.config.CommandLine;
import io.kilowatch.core.config.ConfigException;
import java.util.List;
import java.util.Map;

/**
 * Everything a Windows install decides, as plain strings so it is tested on any OS: where state and
 * config go, the service's command line, the ACL of the state directory and the config written there.
 * {@link WindowsService} only carries it out.
 *
 * @param agentJar the agent's jar, with jvm.options beside it: {@code lib\} of the self-contained agent,
 *                 {@code app\} where the MSI put it
 * @param java the runtime shipped beside it, {@code runtime\bin\java.exe} in the parent of the jar's directory
 * @param stateDir {@code %ProgramData%\Kilowatch\agent}
 */
public record WindowsInstallation(String agentJar, String java, String stateDir) {
    public static final String SERVICE_NAME = "KilowatchAgent";
    public static final String DISPLAY_NAME = "Kilowatch agent";
    public static final String DESCRIPTION = "Reports this machine's power, energy, carbon and availability to the Kilowatch collector.";
    // Well-known SIDs, not names: "Administrators" is "Administratoren" on a German Windows.
    static final String SYSTEM_SID = "*S-1-5-18";
    static final String ADMINISTRATORS_SID = "*S-1-5-32-544";

    /** The agent's state directory on Windows, under %ProgramData% (C:\ProgramData when unset). */
    public static String stateDir(Map<String, String> env) {
        return env.getOrDefault("ProgramData", "C:\\ProgramData") + "\\Kilowatch\\agent";
    }

    /** For the agent started from {@code <home>\lib\kilowatch-agent.jar} (or {@code <home>\app\...}). */
    public static WindowsInstallation of(String agentJar, Map<String, String> env) {
        return new WindowsInstallation(agentJar, parent(parent(agentJar)) + "\\runtime\\bin\\java.exe", stateDir(env));
    }

    public String configFile() {
        return stateDir + "\\kilowatch-agent.yaml";
    }

    public String tokenFile() {
        return stateDir + "\\enrolment-token";
    }

    /** Where the service's log goes (rotated: five files of 10 MiB at most): a service has no console anyone reads. */
    public String logFile() {
        return stateDir + "\\logs\\kilowatch-agent.log";
    }

    /** What the service control manager runs: the shipped runtime with the shipped JVM flags, as bin\kilowatch-agent.cmd does. */
    public String serviceCommandLine() {
        return String.join(" ", List.of(quote(java), quote("@" + parent(agentJar) + "\\jvm.options"),
                quote("-D" + AgentLogging.FILE_PROPERTY + "=" + logFile()), "-jar", quote(agentJar), "service", "run", "--config", quote(configFile())));
    }

    /**
     * icacls arguments leaving the state directory, and all made in it (the credential, the token), to
     * SYSTEM and Administrators only: inherited entries (ProgramData lets Users read) are removed.
     */
    public List<String> aclCommand() {
        return List.of("icacls", stateDir, "/inheritance:r",
                "/grant:r", SYSTEM_SID + ":(OI)(CI)F", "/grant:r", ADMINISTRATORS_SID + ":(OI)(CI)F");
    }

    /** The agent's config for this install, with the token file at {@code tokenFile}. */
    public String config(ServiceCommand.InstallOptions options, String tokenFile) {
        StringBuilder yaml = new StringBuilder("# Written by kilowatch-agent service install; every key: docs/configuration.md\n")
                .append("collector:\n")
                .append("  url: ").append(yamlString(options.collectorUrl())).append('\n')
                .append("  enrolment_token_file: ").append(yamlString(tokenFile)).append('\n')
                .append("device:\n")
                .append("  class: ").append(yamlString(options.deviceClass())).append('\n');
        if (!options.labels().isEmpty()) {
            yaml.append("  labels:\n");
            options.labels().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(label -> yaml.append("    ").append(label.getKey()).append(": ").append(yamlString(label.getValue())).append('\n'));
        }
        return yaml.append("data_dir: ").append(yamlString(stateDir)).append('\n').toString();
    }

    /**
     * Checks the install's parameters as the agent will read them, token file included, before anything
     * on the machine is changed.
     */
    public void validate(ServiceCommand.InstallOptions options) {
        var settings = CommandLine.parse(new String[0], Map.of()).settings(config(options, options.enrolmentTokenFile().toString()), Map.of(), "")
                .readSecretFilesWith(AgentConfig.SECRET_FILES);
        AgentConfig config = AgentConfig.from(settings);
        settings.requireAllKeysKnown();
        if (config.enrolmentToken().isEmpty()) {
            throw new ConfigException("--enrolment-token-file " + options.enrolmentTokenFile() + " holds no token");
        }
    }

    /** One argument as CommandLineToArgvW and the C runtime read it back. */
    static String quote(String arg) {
        if (!arg.isEmpty() && arg.chars().noneMatch(c -> c == ' ' || c == '\t' || c == '"')) {
            return arg;
        }
        StringBuilder out = new StringBuilder("\"");
        int backslashes = 0;
        for (char c : arg.toCharArray()) {
            if (c == '\\') {
                backslashes++;
                continue;
            }
            // Backslashes are literal unless they come before a quote, the closing one included.
            out.append("\\".repeat(c == '"' ? backslashes * 2 + 1 : backslashes)).append(c);
            backslashes = 0;
        }
        return out.append("\\".repeat(backslashes * 2)).append('"').toString();
    }

    private static String yamlString(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static String parent(String windowsPath) {
        int cut = windowsPath.lastIndexOf('\\');
        if (cut <= 0) {
            throw new ConfigException("cannot find the agent's directory from '" + windowsPath + "'");
        }
        return windowsPath.substring(0, cut);
    }
}
