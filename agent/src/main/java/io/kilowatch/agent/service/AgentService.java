package io.kilowatch.agent.service;

import io.kilowatch.core.config.ConfigException;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** {@code kilowatch-agent service ...}: the Windows service; on Linux the .deb's systemd unit, on macOS launchd. */
public final class AgentService {
    private AgentService() {
    }

    /**
     * @param args what follows {@code service}
     * @param agentJar the running agent's jar, whose directory's parent is the installation
     * @param startAgent starts the agent with the service's arguments and gives what stops it
     */
    public static void main(String[] args, String agentJar, Map<String, String> env, String osName,
                            Function<List<String>, Runnable> startAgent) throws IOException, InterruptedException {
        ServiceCommand command = ServiceCommand.parse(args);
        if (!osName.toLowerCase(Locale.ROOT).startsWith("windows")) {
            throw new ConfigException("the service command is for Windows; on Linux install the .deb (a systemd unit), "
                    + "on macOS the launchd plist in deploy/macos (docs/agent-install.md)");
        }
        switch (command.action()) {
            case INSTALL -> WindowsService.install(WindowsInstallation.of(agentJar, env), command.install().orElseThrow());
            case UNINSTALL -> WindowsService.uninstall();
            case START -> WindowsService.control(true);
            case STOP -> WindowsService.control(false);
            case RUN -> WindowsService.run(() -> startAgent.apply(command.runArguments()));
        }
    }
}
