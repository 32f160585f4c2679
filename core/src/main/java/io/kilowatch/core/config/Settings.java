package io.kilowatch.core.config;

import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * A program's configuration: a YAML document addressed by dotted keys ({@code http.port}), with
 * the precedence command line &gt; environment &gt; file &gt; built-in default.
 * <p>
 * Every read names its key, so a bad value fails with a message naming it; keys present in the file
 * but never read are reported by {@link #requireAllKeysKnown()}, which catches typos at start-up.
 * The environment variable for a key is the prefix plus the key in upper case with dots as
 * underscores: {@code KILOWATCH_COLLECTOR_HTTP_PORT} for {@code http.port}.
 */
public final class Settings {
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)");

    private final Map<String, Object> fileValues;
    /** Each file key's path as the file wrote it, so that a name holding dots ({@code pdu1.dc1}) stays one name. */
    private final Map<String, List<String>> filePaths;
    private final Map<String, String> environment;
    private final String envPrefix;
    private final Map<String, String> overrides = new HashMap<>();
    private final Set<String> readKeys = new LinkedHashSet<>();
    private final String origin;

    private Settings(Map<String, Object> fileValues, Map<String, List<String>> filePaths, Map<String, String> environment, String envPrefix,
                     String origin) {
        this.fileValues = fileValues;
        this.filePaths = filePaths;
        this.environment = environment;
        this.envPrefix = envPrefix;
        this.origin = origin;
    }

    /**
     * @param yaml the file's text (empty for none)
     * @param origin where it came from, for messages
     * @param envPrefix e.g. {@code KILOWATCH_COLLECTOR_}
     */
    public static Settings parse(String yaml, String origin, Map<String, String> environment, String envPrefix) {
        Map<String, Object> flat = new LinkedHashMap<>();
        Map<String, List<String>> paths = new HashMap<>();
        // No file, no YAML parser: a program started without one never loads SnakeYAML's classes.
        Object doc = yaml.isBlank() ? null : YamlText.load(yaml, origin);
        if (doc != null && !(doc instanceof Map)) {
            throw new ConfigException(origin + ": the top level must be a mapping of keys to values");
        }
        if (doc != null) {
            flatten(List.of(), (Map<?, ?>) doc, flat, paths, origin);
        }
        return new Settings(flat, paths, Map.copyOf(environment), envPrefix, origin);
    }

    /** SnakeYAML behind a class of its own, so that verifying {@link Settings} does not load any of its classes. */
    private static final class YamlText {
        static Object load(String yaml, String origin) {
            try {
                return new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
            } catch (YAMLException e) {
                throw new ConfigException(origin + ": not valid YAML: " + e.getMessage());
            }
        }
    }

    public static Settings empty(String origin) {
        return parse("", origin, Map.of(), "");
    }

    /** A command-line value for a key; it wins over the environment and the file. */
    public Settings override(String key, String value) {
        overrides.put(key, value);
        return this;
    }

    public String string(String key, String defaultValue) {
        Object raw = raw(key);
        return raw == null ? defaultValue : raw.toString();
    }

    /**
     * A secret (a token, a password): taken only from the environment, so it never sits in a config file
     * that is copied around, nor on a command line that every user of the machine can read. Empty when unset.
     */
    public java.util.Optional<String> secret(String key) {
        readKeys.add(key);
        if (overrides.containsKey(key) || fileValues.containsKey(key)) {
            throw new ConfigException(key + " is a secret: set it in the environment variable " + envName(envPrefix, key)
                    + " or give a file with " + key + "_file, never on the command line or in the config file");
        }
        String value = environment.get(envName(envPrefix, key));
        return value == null || value.isBlank() ? java.util.Optional.empty() : java.util.Optional.of(value.trim());
    }

    public int integer(String key, int defaultValue, int min, int max) {
        Object raw = raw(key);
        if (raw == null) {
            return defaultValue;
        }
        try {
            long value = raw instanceof Number n && !(raw instanceof Double) ? n.longValue() : Long.parseLong(raw.toString().trim());
            if (value < min || value > max) {
                throw invalid(key, raw, "a whole number from " + min + " to " + max);
            }
            return (int) value;
        } catch (NumberFormatException e) {
            throw invalid(key, raw, "a whole number from " + min + " to " + max);
        }
    }

    public double number(String key, double defaultValue, double min, double max) {
        Object raw = raw(key);
        if (raw == null) {
            return defaultValue;
        }
        try {
            double value = raw instanceof Number n ? n.doubleValue() : Double.parseDouble(raw.toString().trim());
            if (!(value >= min && value <= max)) {
                throw invalid(key, raw, "a number from " + min + " to " + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw invalid(key, raw, "a number from " + min + " to " + max);
        }
    }

    public boolean bool(String key, boolean defaultValue) {
        Object raw = raw(key);
        if (raw == null) {
            return defaultValue;
        }
        String text = raw.toString().trim().toLowerCase(Locale.ROOT);
        return switch (text) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw invalid(key, raw, "true or false");
        };
    }

    /** A duration written as a number and a unit: 500ms, 15s, 5m, 2h, 30d. */
    public Duration duration(String key, Duration defaultValue, Duration min, Duration max) {
        Object raw = raw(key);
        if (raw == null) {
            return defaultValue;
        }
        Matcher m = DURATION.matcher(raw.toString().trim());
        String expected = "a duration such as 15s, 5m, 2h or 30d, from " + min + " to " + max;
        if (!m.matches()) {
            throw invalid(key, raw, expected);
        }
        double amount = Double.parseDouble(m.group(1));
        long millis = Math.round(amount * switch (m.group(2)) {
            case "ms" -> 1;
            case "s" -> 1_000;
            case "m" -> 60_000;
            case "h" -> 3_600_000;
            default -> 86_400_000;
        });
        Duration value = Duration.ofMillis(millis);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw invalid(key, raw, expected);
        }
        return value;
    }

    /**
     * The names directly below a section, e.g. the site names under {@code sites}, from the file and the
     * command line. The environment cannot add names (its variables cannot spell them back).
     */
    public Set<String> children(String section) {
        String prefix = section + ".";
        Set<String> names = new TreeSet<>();
        for (String key : fileValues.keySet()) {
            List<String> path = filePaths.get(key);
            StringBuilder joined = new StringBuilder();
            for (int i = 0; i < path.size() - 1; i++) {
                joined.append(i == 0 ? "" : ".").append(path.get(i));
                if (joined.toString().equals(section)) {
                    names.add(path.get(i + 1));
                    break;
                }
            }
        }
        for (String key : overrides.keySet()) {
            if (key.startsWith(prefix)) {
                names.add(key.substring(prefix.length()).split("\\.", 2)[0]);
            }
        }
        return Collections.unmodifiableSet(names);
    }

    /** Whether the key is given explicitly (command line, environment or file), not left to its default; does not count as a read. */
    public boolean isSet(String key) {
        return overrides.containsKey(key) || !envPrefix.isEmpty() && environment.containsKey(envName(envPrefix, key))
                || fileValues.containsKey(key);
    }

    /** Fails on any key in the file or on the command line that the program never asked for: almost always a typo. */
    public void requireAllKeysKnown() {
        List<String> unknownInFile = fileValues.keySet().stream().filter(k -> !readKeys.contains(k)).sorted().toList();
        List<String> unknownOnCommandLine = overrides.keySet().stream().filter(k -> !readKeys.contains(k)).sorted().toList();
        if (!unknownInFile.isEmpty()) {
            throw unknown(origin, unknownInFile);
        }
        if (!unknownOnCommandLine.isEmpty()) {
            throw unknown("command line", unknownOnCommandLine);
        }
    }

    private static ConfigException unknown(String where, List<String> keys) {
        return new ConfigException(where + ": unknown key" + (keys.size() > 1 ? "s " : " ") + String.join(", ", keys)
                + " (docs/configuration.md lists every key)");
    }

    /** Every key the program has asked for so far, for checks that the documentation covers them all. */
    public Set<String> keysRead() {
        return Collections.unmodifiableSet(readKeys);
    }

    public static String envName(String prefix, String key) {
        return prefix + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private Object raw(String key) {
        readKeys.add(key);
        if (overrides.containsKey(key)) {
            return overrides.get(key);
        }
        String env = environment.get(envName(envPrefix, key));
        if (env != null && !envPrefix.isEmpty()) {
            return env;
        }
        return fileValues.get(key);
    }

    private ConfigException invalid(String key, Object raw, String expected) {
        String where = overrides.containsKey(key) ? "command line" : environment.containsKey(envName(envPrefix, key)) && !envPrefix.isEmpty()
                ? "environment " + envName(envPrefix, key) : origin;
        return new ConfigException(where + ": " + key + " must be " + expected + ", got '" + raw + "'");
    }

    private static void flatten(List<String> path, Map<?, ?> map, Map<String, Object> into, Map<String, List<String>> paths, String origin) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            List<String> here = new java.util.ArrayList<>(path);
            here.add(String.valueOf(e.getKey()));
            String key = String.join(".", here);
            if (e.getValue() instanceof Map<?, ?> nested) {
                flatten(here, nested, into, paths, origin);
            } else if (e.getValue() instanceof List<?>) {
                throw new ConfigException(origin + ": " + key + " is a list; Kilowatch config takes mappings and single values");
            } else if (e.getValue() != null) {
                into.put(key, e.getValue());
                paths.put(key, List.copyOf(here));
            }
        }
    }
}
