package io.kilowatch.core.agentsettings;

import io.kilowatch.core.energy.PowerModel;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the collector's rules give one device (docs/configuration.md, "Central agent settings"): each value
 * with the rule it came from. Empty where no rule sets it. The agent's own config wins over every value
 * here where it sets the key explicitly ({@link #merge}).
 *
 * @param labels org, site or department by label key
 * @param sources for each key set (see {@link #KEYS}), the name of the rule that set it
 */
public record CentralSettings(Optional<Duration> reportInterval, Map<String, String> labels, Optional<Double> idleWatts,
                              Optional<Double> maxWatts, Map<String, String> sources) {
    public static final String REPORT_INTERVAL = "report_interval";
    public static final String IDLE_WATTS = "power.model.idle_watts";
    public static final String MAX_WATTS = "power.model.max_watts";
    /** The labels a rule may set; class is the agent's own, since its power model's defaults depend on it. */
    public static final Set<String> LABELS = Set.of("org", "site", "department");
    /** Every key central settings manage, named as in the agent's config. */
    public static final Set<String> KEYS = Set.of(REPORT_INTERVAL, IDLE_WATTS, MAX_WATTS,
            labelKey("org"), labelKey("site"), labelKey("department"));

    public static final CentralSettings NONE = new CentralSettings(Optional.empty(), Map.of(), Optional.empty(), Optional.empty(), Map.of());

    public CentralSettings {
        labels = Map.copyOf(labels);
        sources = Map.copyOf(sources);
    }

    /** The agent config key of a label, e.g. {@code device.labels.site}. */
    public static String labelKey(String label) {
        return "device.labels." + label;
    }

    /** The settings an agent runs with: its own where it set them, else the collector's, else its defaults. */
    public record Effective(Duration reportInterval, Map<String, String> labels, PowerModel powerModel) {
    }

    /**
     * @param local the agent's values (its config or its defaults)
     * @param localKeys the keys of {@link #KEYS} the agent's config sets explicitly
     */
    public Effective merge(Effective local, Set<String> localKeys) {
        Duration interval = localKeys.contains(REPORT_INTERVAL) ? local.reportInterval() : reportInterval.orElse(local.reportInterval());
        Map<String, String> merged = new LinkedHashMap<>(local.labels());
        labels.forEach((label, value) -> {
            if (!localKeys.contains(labelKey(label))) {
                merged.put(label, value);
            }
        });
        double idle = localKeys.contains(IDLE_WATTS) ? local.powerModel().idleWatts() : idleWatts.orElse(local.powerModel().idleWatts());
        double max = localKeys.contains(MAX_WATTS) ? local.powerModel().maxWatts() : maxWatts.orElse(local.powerModel().maxWatts());
        // A central idle above the agent's own max (or the reverse) must not break the model: the max follows.
        return new Effective(interval, Map.copyOf(merged), new PowerModel(idle, Math.max(idle, max)));
    }

    /**
     * Where one of a device's settings came from.
     *
     * @param value what the device runs with, as far as the collector knows (null where the device does not report it)
     * @param source {@code agent_config} (the agent's own config, which wins), {@code rule} or {@code agent_default}
     * @param rule the rule's name when the source is a rule
     * @param applied for a rule's value, whether the device's latest report shows it in use; null where reports do not show it
     */
    public record Provenance(String key, Object value, String source, String rule, Boolean applied) {
    }

    /**
     * Each managed key of a device: its value and where it came from.
     *
     * @param reportedInterval the interval the device's latest report gives
     * @param reportedLabels the labels it gives
     * @param localKeys the keys the agent says its own config sets
     */
    public java.util.List<Provenance> explain(Duration reportedInterval, Map<String, String> reportedLabels, Set<String> localKeys) {
        java.util.List<Provenance> rows = new java.util.ArrayList<>();
        rows.add(provenance(REPORT_INTERVAL, reportedInterval.toMillis() / 1000.0,
                reportInterval.map(d -> d.toMillis() / 1000.0).orElse(null), localKeys, true));
        for (String label : LABELS.stream().sorted().toList()) {
            rows.add(provenance(labelKey(label), reportedLabels.get(label), labels.get(label), localKeys, true));
        }
        rows.add(provenance(IDLE_WATTS, null, idleWatts.orElse(null), localKeys, false));
        rows.add(provenance(MAX_WATTS, null, maxWatts.orElse(null), localKeys, false));
        return rows;
    }

    private Provenance provenance(String key, Object reported, Object central, Set<String> localKeys, boolean reportShowsIt) {
        if (localKeys.contains(key)) {
            return new Provenance(key, reported, "agent_config", null, null);
        }
        if (central != null) {
            return new Provenance(key, reportShowsIt ? reported : central, "rule", sources.get(key),
                    reportShowsIt ? central.equals(reported) : null);
        }
        return new Provenance(key, reported, "agent_default", null, null);
    }
}
