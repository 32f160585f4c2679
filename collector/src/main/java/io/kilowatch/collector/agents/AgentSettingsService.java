package io.kilowatch.collector.agents;

import io.kilowatch.collector.config.WatchedFile;
import io.kilowatch.collector.estate.DeviceRow;
import io.kilowatch.collector.estate.Estate;
import io.kilowatch.collector.feature.Scheduler;
import io.kilowatch.core.agentsettings.AgentSettingsRules;
import io.kilowatch.core.agentsettings.CentralSettings;
import io.kilowatch.core.config.ConfigException;
import io.kilowatch.core.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Central agent settings: the rules in {@code agents.settings_file} (reloaded on change, on SIGHUP and on an
 * admin API call; a bad new file is refused with its error and the rules already loaded stay), resolved for
 * each device from the labels it reports and sent with every answer to its reports. Lives on the event loop.
 */
public final class AgentSettingsService {
    private static final Logger LOG = LoggerFactory.getLogger(AgentSettingsService.class);
    private static final String WHAT = "agent settings file";

    private final AgentSettingsConfig config;
    private final Estate estate;
    private final Clock clock;
    /**
     * Each device's Kilowatch-Local-Settings header (the keys its agent's own config sets) from its latest batch,
     * as sent: kept in memory, told again with every batch, read only when a device's settings are explained.
     */
    private final Map<String, String> localKeysHeaders = new ConcurrentHashMap<>();
    private volatile Loaded loaded = new Loaded(AgentSettingsRules.NONE);
    private volatile Optional<String> lastError = Optional.empty();
    private volatile Instant lastLoaded;
    private final Optional<WatchedFile> watched;

    /**
     * The rules in force and the settings resolved from them so far, by the labels they were resolved for:
     * devices share a few label sets, so a batch's settings are a map look-up. Replaced whole on reload.
     */
    private record Loaded(AgentSettingsRules rules, Map<Map<String, String>, CentralSettings> answers) {
        /** Distinct label sets remembered at most; beyond it (labels churning) the cache starts again. */
        static final int MAX_ANSWERS = 10_000;

        Loaded(AgentSettingsRules rules) {
            this(rules, new ConcurrentHashMap<>());
        }

        CentralSettings answer(Map<String, String> labels) {
            if (answers.size() > MAX_ANSWERS) {
                answers.clear();
            }
            return answers.computeIfAbsent(labels, rules::resolve);
        }
    }

    public AgentSettingsService(Vertx vertx, AgentSettingsConfig config, Estate estate, Clock clock) {
        this.estate = estate;
        this.config = config;
        this.clock = clock;
        this.watched = config.file().map(f -> new WatchedFile(vertx, f, WHAT, "rules: {}"));
    }

    /** Loads the file (a bad one fails the start, as any bad config does) and watches it on the timers. */
    public Future<Void> start(Scheduler timers) {
        if (config.file().isEmpty()) {
            return Future.succeededFuture();
        }
        return reload("start").<Void>mapEmpty().onSuccess(v -> timers.every(config.watchInterval(), this::reloadIfChanged));
    }

    /** Reads and applies the file now; fails with its error, changing nothing, when the new file is invalid. */
    public Future<AgentSettingsRules> reload(String trigger) {
        if (watched.isEmpty()) {
            return Future.failedFuture(new ConfigException("no agent settings file is configured (agents.settings_file)"));
        }
        WatchedFile file = watched.get();
        return file.read().map(text -> {
            file.taken(text);
            Settings s = Settings.parse(text.content(), file.path().toString(), Map.of(), "");
            AgentSettingsRules next = AgentSettingsRules.from(s);
            s.requireAllKeysKnown();
            loaded = new Loaded(next);
            lastError = Optional.empty();
            lastLoaded = clock.instant();
            LOG.atInfo().addKeyValue("trigger", trigger).addKeyValue("rules", next.rules().size()).log("agent settings loaded");
            return next;
        }).onFailure(e -> {
            lastError = Optional.of(e.getMessage());
            LOG.atError().addKeyValue("trigger", trigger).addKeyValue("error", e.getMessage())
                    .log("agent settings file refused; the rules already loaded stay");
        });
    }

    private void reloadIfChanged() {
        watched.orElseThrow().settledChange().onSuccess(changed -> {
            if (changed) {
                reload("file change").onFailure(e -> { });
            }
        }).onFailure(e -> LOG.atWarn().addKeyValue("error", e.getMessage()).log("cannot read the agent settings file"));
    }

    public AgentSettingsRules rules() {
        return loaded.rules();
    }

    public Optional<Path> file() {
        return config.file();
    }

    public Optional<String> lastError() {
        return lastError;
    }

    public Instant lastLoaded() {
        return lastLoaded;
    }

    /** The rules' settings for a device, from the labels of its latest report. */
    public CentralSettings forDevice(DeviceRow row) {
        return loaded.rules().resolve(row.labels());
    }

    /** The managed keys a device's agent says its own config sets (its Kilowatch-Local-Settings header); unknown names are ignored. */
    static Set<String> localKeys(String header) {
        return Arrays.stream(header.split(",")).map(String::trim).filter(CentralSettings.KEYS::contains)
                .collect(Collectors.toUnmodifiableSet());
    }

    /**
     * The settings to send with the answer to a device's reports, after noting what its agent's own config
     * sets; null when no settings file is configured or the device has no report stored. The same instance for
     * every device with the same labels, until the rules are reloaded.
     */
    public CentralSettings answerFor(String deviceId, String localKeysHeader) {
        DeviceRow row = deviceId == null || config.file().isEmpty() ? null : estate.row(deviceId);
        if (row == null) {
            return null;
        }
        if (localKeysHeader != null) {
            localKeysHeaders.put(deviceId, localKeysHeader);
        }
        return loaded.answer(row.labels());
    }

    /** A device's effective settings and where each came from, for the API and the device page. */
    public SettingsExplanation explain(DeviceRow row) {
        String header = localKeysHeaders.get(row.deviceId());
        Set<String> local = header == null ? null : localKeys(header);
        return new SettingsExplanation(row.deviceId(),
                forDevice(row).explain(Duration.ofMillis(row.reporting().intervalMs()), row.labels(), local == null ? Set.of() : local),
                        local != null);
    }
}
