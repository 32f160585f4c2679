package io.kilowatch.collector.agents;

import io.kilowatch.collector.config.WatchedFile;
import io.kilowatch.collector.estate.DeviceRow;
import io.kilowatch.collector.estate.Estate;
import io.kilowatch.core.agentsettings.AgentSettingsRules;
import io.kilowatch.core.agentsettings.CentralSettings;
import io.kilowatch.core.config.ConfigException;
import io.kilowatch.core.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
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

    private final Vertx vertx;
    private final AgentSettingsConfig config;
    private final Estate estate;
    private final Clock clock;
    /** What each device's agent said its own config sets, from its latest report; kept in memory, told again with every report. */
    private final Map<String, Set<String>> localKeys = new ConcurrentHashMap<>();
    private volatile AgentSettingsRules rules = AgentSettingsRules.NONE;
    private volatile Optional<String> lastError = Optional.empty();
    private volatile Instant lastLoaded;
    private String fingerprint = "";

    public AgentSettingsService(Vertx vertx, AgentSettingsConfig config, Estate estate, Clock clock) {
        this.vertx = vertx;
        this.estate = estate;
        this.config = config;
        this.clock = clock;
    }

    /** Loads the file (a bad one fails the start, as any bad config does) and, if {@code periodic}, watches it. */
    public Future<Void> start(boolean periodic) {
        if (config.file().isEmpty()) {
            return Future.succeededFuture();
        }
        return reload("start").<Void>mapEmpty().onSuccess(v -> {
            if (periodic) {
                vertx.setPeriodic(config.watchInterval().toMillis(), id -> reloadIfChanged());
            }
        });
    }

    /** Reads and applies the file now; fails with its error, changing nothing, when the new file is invalid. */
    public Future<AgentSettingsRules> reload(String trigger) {
        if (config.file().isEmpty()) {
            return Future.failedFuture(new ConfigException("no agent settings file is configured (agents.settings_file)"));
        }
        Path file = config.file().get();
        return WatchedFile.read(vertx, file, WHAT).map(text -> {
            fingerprint = text.fingerprint();
            try {
                Settings s = Settings.parse(text.content(), file.toString(), Map.of(), "");
                AgentSettingsRules next = AgentSettingsRules.from(s);
                s.requireAllKeysKnown();
                rules = next;
                lastError = Optional.empty();
                lastLoaded = clock.instant();
                LOG.atInfo().addKeyValue("trigger", trigger).addKeyValue("rules", next.rules().size()).log("agent settings loaded");
                return next;
            } catch (ConfigException e) {
                lastError = Optional.of(e.getMessage());
                LOG.atError().addKeyValue("trigger", trigger).addKeyValue("error", e.getMessage())
                        .log("agent settings file refused; the rules already loaded stay");
                throw e;
            }
        });
    }

    private void reloadIfChanged() {
        WatchedFile.read(vertx, config.file().orElseThrow(), WHAT).onSuccess(text -> {
            if (!text.fingerprint().equals(fingerprint)) {
                reload("file change").onFailure(e -> { });
            }
        }).onFailure(e -> LOG.atWarn().addKeyValue("error", e.getMessage()).log("cannot read the agent settings file"));
    }

    public AgentSettingsRules rules() {
        return rules;
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
        return rules.resolve(labels(row));
    }

    /** The labels of a device's latest report. */
    private static Map<String, String> labels(DeviceRow row) {
        Map<String, String> labels = new HashMap<>();
        String[][] pairs = {{"class", row.deviceClass()}, {"org", row.org()}, {"site", row.site()}, {"department", row.department()}};
        for (String[] pair : pairs) {
            if (pair[1] != null) {
                labels.put(pair[0], pair[1]);
            }
        }
        return labels;
    }

    /** Notes the managed keys a device's agent says its own config sets (its Kilowatch-Local-Settings header); unknown names are ignored. */
    void noteLocalKeys(String deviceId, String header) {
        if (header == null) {
            return;
        }
        localKeys.put(deviceId, Arrays.stream(header.split(",")).map(String::trim).filter(CentralSettings.KEYS::contains)
                .collect(Collectors.toUnmodifiableSet()));
    }

    /**
     * The settings to send with the answer to a device's reports, after noting what its agent's own config
     * sets; null when no settings file is configured or the device has no report stored.
     */
    public JsonObject answerFor(String deviceId, String localKeysHeader) {
        DeviceRow row = deviceId == null || config.file().isEmpty() ? null : estate.row(deviceId);
        if (row == null) {
            return null;
        }
        noteLocalKeys(deviceId, localKeysHeader);
        return wire(forDevice(row));
    }

    /** The settings as they go to the agent with the answer to its reports. */
    public static JsonObject wire(CentralSettings s) {
        JsonObject json = new JsonObject();
        s.reportInterval().ifPresent(d -> json.put("report_interval_seconds", d.toMillis() / 1000.0));
        if (!s.labels().isEmpty()) {
            json.put("labels", new JsonObject(new HashMap<>(s.labels())));
        }
        JsonObject model = new JsonObject();
        s.idleWatts().ifPresent(w -> model.put("idle_watts", w));
        s.maxWatts().ifPresent(w -> model.put("max_watts", w));
        if (!model.isEmpty()) {
            json.put("power_model", model);
        }
        if (!s.sources().isEmpty()) {
            json.put("sources", new JsonObject(new HashMap<>(s.sources())));
        }
        return json;
    }

    /** A device's effective settings and where each came from, for the API and the device page. */
    public JsonObject explain(DeviceRow row) {
        Set<String> local = localKeys.get(row.deviceId());
        JsonObject settings = new JsonObject();
        for (CentralSettings.Provenance p : forDevice(row).explain(Duration.ofMillis(row.intervalMs()), labels(row), local == null ? Set.of() : local)) {
            settings.put(p.key(), new JsonObject().put("value", p.value()).put("source", p.source()).put("rule", p.rule()).put("applied", p.applied()));
        }
        return new JsonObject().put("device_id", row.deviceId()).put("settings", settings)
                .put("local_keys_known", local != null);
    }
}
