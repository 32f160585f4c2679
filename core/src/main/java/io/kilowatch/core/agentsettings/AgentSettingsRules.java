package io.kilowatch.core.agentsettings;

import io.kilowatch.core.config.ConfigException;
import io.kilowatch.core.config.Settings;
import io.kilowatch.core.energy.DeviceClass;
import io.kilowatch.core.report.ReportValidator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * The collector's rules for agents' settings: each rule matches devices by class, site and organisation
 * (all it names must match; one it leaves out matches anything) and sets any of the report interval,
 * labels and power-model figures. Rules apply in the order of their names; a later rule overrides an
 * earlier one for the keys it sets, so {@code 10-all-desktops} then {@code 20-county-hall} reads as it runs.
 */
public final class AgentSettingsRules {
    /** What a rule may match on: the labels the device reports. */
    public static final List<String> MATCH_KEYS = List.of("class", "site", "org");

    /** @param match for each match key it names, the values any of which matches */
    public record Rule(String name, Map<String, Set<String>> match, Optional<Duration> reportInterval, Map<String, String> labels,
                       OptionalDouble idleWatts, OptionalDouble maxWatts) {
        boolean matches(Map<String, String> deviceLabels) {
            return match.entrySet().stream().allMatch(m -> deviceLabels.get(m.getKey()) != null && m.getValue().contains(deviceLabels.get(m.getKey())));
        }
    }

    public static final AgentSettingsRules NONE = new AgentSettingsRules(List.of());

    private final List<Rule> rules;

    public AgentSettingsRules(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    public List<Rule> rules() {
        return rules;
    }

    /** The rules under {@code rules.<name>}; a bad rule fails naming its key, and nothing is taken. */
    public static AgentSettingsRules from(Settings s) {
        List<Rule> rules = new ArrayList<>();
        for (String name : s.children("rules")) {
            String key = "rules." + name + ".";
            Map<String, Set<String>> match = new LinkedHashMap<>();
            for (String m : MATCH_KEYS) {
                String values = s.string(key + "match." + m, "");
                if (!values.isBlank()) {
                    Set<String> set = Set.copyOf(Arrays.stream(values.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList());
                    if (m.equals("class")) {
                        set.stream().filter(c -> DeviceClass.fromLabel(c).isEmpty()).findFirst().ifPresent(c -> {
                            throw new ConfigException(key + "match.class: unknown class '" + c + "'; use " + DeviceClass.allLabels());
                        });
                    }
                    match.put(m, set);
                }
            }
            String interval = s.string(key + "report_interval", "");
            Optional<Duration> reportInterval = interval.isBlank() ? Optional.empty()
                    : Optional.of(s.duration(key + "report_interval", Duration.ofSeconds(15), Duration.ofSeconds(1), Duration.ofHours(1)));
            Map<String, String> labels = new LinkedHashMap<>();
            for (String label : CentralSettings.LABELS.stream().sorted().toList()) {
                String value = s.string(key + "labels." + label, "").trim();
                if (value.isEmpty()) {
                    continue;
                }
                if (!ReportValidator.isLabelValue(value)) {
                    throw new ConfigException(key + "labels." + label + " must be 1-64 letters, digits, spaces or ._/&()-, got '" + value + "'");
                }
                if (match.containsKey(label)) {
                    // it would stop matching the devices it relabels, and flip back and forth
                    throw new ConfigException(key + "labels." + label + ": a rule may not set a label it matches on");
                }
                labels.put(label, value);
            }
            OptionalDouble idle = watts(s, key + "power_model.idle_watts");
            OptionalDouble max = watts(s, key + "power_model.max_watts");
            if (idle.isPresent() && max.isPresent() && max.getAsDouble() < idle.getAsDouble()) {
                throw new ConfigException(key + "power_model.max_watts (" + max.getAsDouble() + ") must not be below idle_watts ("
                        + idle.getAsDouble() + ")");
            }
            if (reportInterval.isEmpty() && labels.isEmpty() && idle.isEmpty() && max.isEmpty()) {
                throw new ConfigException(key.substring(0, key.length() - 1) + " sets nothing: give report_interval, labels or power_model");
            }
            rules.add(new Rule(name, Map.copyOf(match), reportInterval, Map.copyOf(labels), idle, max));
        }
        return new AgentSettingsRules(rules);
    }

    private static OptionalDouble watts(Settings s, String key) {
        return s.string(key, "").isBlank() ? OptionalDouble.empty() : OptionalDouble.of(s.number(key, 0, 0, 100_000));
    }

    /** The settings for a device with these labels (class, site, org as it reports them). */
    public CentralSettings resolve(Map<String, String> deviceLabels) {
        Optional<Duration> interval = Optional.empty();
        Map<String, String> labels = new LinkedHashMap<>();
        OptionalDouble idle = OptionalDouble.empty();
        OptionalDouble max = OptionalDouble.empty();
        Map<String, String> sources = new LinkedHashMap<>();
        for (Rule rule : rules) {
            if (!rule.matches(deviceLabels)) {
                continue;
            }
            if (rule.reportInterval().isPresent()) {
                interval = rule.reportInterval();
                sources.put(CentralSettings.REPORT_INTERVAL, rule.name());
            }
            rule.labels().forEach((label, value) -> {
                labels.put(label, value);
                sources.put(CentralSettings.labelKey(label), rule.name());
            });
            if (rule.idleWatts().isPresent()) {
                idle = rule.idleWatts();
                sources.put(CentralSettings.IDLE_WATTS, rule.name());
            }
            if (rule.maxWatts().isPresent()) {
                max = rule.maxWatts();
                sources.put(CentralSettings.MAX_WATTS, rule.name());
            }
        }
        return new CentralSettings(interval, labels, boxed(idle), boxed(max), sources);
    }

    private static Optional<Double> boxed(OptionalDouble d) {
        return d.isPresent() ? Optional.of(d.getAsDouble()) : Optional.empty();
    }
}
