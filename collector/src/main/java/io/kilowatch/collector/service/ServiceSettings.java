package io.kilowatch.collector.service;

import io.kilowatch.core.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The collector's own keys for services (the services themselves live in their own file, which can be
 * reloaded without a restart).
 *
 * @param file the services file; empty for none
 * @param evaluationInterval how often service states are sampled and recorded
 * @param watchInterval how often the file is checked for changes
 * @param probeConcurrency probes running at once, at most
 */
public record ServiceSettings(Optional<Path> file, Duration evaluationInterval, Duration watchInterval, int probeConcurrency) {
    public static ServiceSettings from(Settings s) {
        String file = s.string("services.file", "");
        return new ServiceSettings(file.isBlank() ? Optional.empty() : Optional.of(Path.of(file)),
                s.duration("services.evaluation_interval", Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofMinutes(5)),
                s.duration("services.watch_interval", Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofHours(1)),
                s.integer("services.probe_concurrency", 16, 1, 1024));
    }
}
