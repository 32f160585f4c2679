package io.kilowatch.agent.service;

import io.kilowatch.core.agentsettings.CentralSettings;
import io.kilowatch.core.config.ConfigException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code kilowatch-agent service install|uninstall|start|stop|run [options]}: the agent as a Windows
 * service. Install takes the parameters an unattended roll-out (Group Policy, Intune, Configuration
 * Manager) passes on its command line; docs/agent-install.md.
 */
public record ServiceCommand(Action action, Optional<InstallOptions> install, List<String> runArguments) {
    public enum Action { INSTALL, UNINSTALL, START, STOP, RUN }

    /** What an unattended install is told; the token file is copied into the agent's state directory. */
    public record InstallOptions(String collectorUrl, Path enrolmentTokenFile, String deviceClass, Map<String, String> labels) {
    }

    public static final String USAGE = """
            Usage: kilowatch-agent service install --collector URL --enrolment-token-file FILE
                                                   [--class CLASS] [--label org|site|department=VALUE]...
                   kilowatch-agent service uninstall | start | stop
            As an administrator, on Windows. State and config: %ProgramData%\\Kilowatch\\agent.
            """;

    public static ServiceCommand parse(String[] args) {
        if (args.length == 0) {
            throw new ConfigException("service needs an action: install, uninstall, start or stop");
        }
        Action action = switch (args[0]) {
            case "install" -> Action.INSTALL;
            case "uninstall" -> Action.UNINSTALL;
            case "start" -> Action.START;
            case "stop" -> Action.STOP;
            case "run" -> Action.RUN;
            default -> throw new ConfigException("unknown service action '" + args[0] + "': install, uninstall, start or stop");
        };
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        return switch (action) {
            case INSTALL -> new ServiceCommand(action, Optional.of(installOptions(rest)), List.of());
            // The service control manager starts "service run" with the agent's usual options.
            case RUN -> new ServiceCommand(action, Optional.empty(), List.of(rest));
            default -> {
                if (rest.length > 0) {
                    throw new ConfigException("service " + args[0] + " takes no options, got '" + rest[0] + "'");
                }
                yield new ServiceCommand(action, Optional.empty(), List.of(rest));
            }
        };
    }

    private static InstallOptions installOptions(String[] args) {
        String collector = null;
        Path token = null;
        String deviceClass = "desktop";
        Map<String, String> labels = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (i + 1 >= args.length) {
                throw new ConfigException("option " + name + " needs a value");
            }
            String value = args[++i];
            switch (name) {
                case "--collector" -> collector = value;
                case "--enrolment-token-file" -> token = Path.of(value);
                case "--class" -> deviceClass = value;
                case "--label" -> {
                    int eq = value.indexOf('=');
                    String key = eq > 0 ? value.substring(0, eq) : value;
                    if (!CentralSettings.LABELS.contains(key)) {
                        throw new ConfigException("--label takes org=, site= or department=VALUE, got '" + value + "'");
                    }
                    labels.put(key, value.substring(eq + 1));
                }
                default -> throw new ConfigException("unknown install option '" + name + "'");
            }
        }
        if (collector == null || token == null) {
            throw new ConfigException("service install needs --collector URL and --enrolment-token-file FILE");
        }
        return new InstallOptions(collector, token, deviceClass, Map.copyOf(labels));
    }
}
