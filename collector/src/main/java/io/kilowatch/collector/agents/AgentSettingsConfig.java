package io.kilowatch.collector.agents;

import io.kilowatch.core.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Where the central agent settings live ({@code agents.settings_file}) and how often the file is checked for changes. */
public record AgentSettingsConfig(Optional<Path> file, Duration watchInterval) {
    public static AgentSettingsConfig from(Settings s) {
        String file = s.string("agents.settings_file", "");
        return new AgentSettingsConfig(file.isBlank() ? Optional.empty() : Optional.of(Path.of(file)),
                s.duration("agents.settings_watch_interval", Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofHours(1)));
    }
}
