package io.kilowatch.core.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
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
 * <p>
 * {@link #section(String)} gives a view of one section that reads {@code key} as {@code section.key}, as
 * Micrometer's {@code prefix()}; a view shares everything else (values, keys read, problems noted) with the
 * settings it came from. {@link #reportingEveryProblem} reads a whole configuration and reports every
 * problem in it at once.
 */
public final class Settings {
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)");

    /**
     * Reads the file a {@code <key>_file} setting names. Core does no I/O, so the program's edge gives the
     * one that reads the disk ({@link #readSecretFilesWith}).
     */
    @FunctionalInterface
    public interface SecretFiles {
        /** The file's whole text; throws, with the reason, when it cannot be read. */
        String read(String path) throws Exception;
    }

    /** What the settings and every section view of them share. */
    private static final class Source {
        final Map<String, Object> fileValues;
        /** Each file key's path as the file wrote it, so that a name holding dots ({@code pdu1.dc1}) stays one name. */
        final Map<String, List<String>> filePaths;
        final Map<String, String> environment;
        final String envPrefix;
        final String origin;
        final Map<String, String> overrides = new HashMap<>();
        final Set<String> readKeys = new LinkedHashSet<>();
        SecretFiles secretFiles;
        /** The problems noted while {@link #reportingEveryProblem} runs; null otherwise, when a problem is thrown at once. */
        Set<String> problems;

        Source(Map<String, Object> fileValues, Map<String, List<String>> filePaths, Map<String, String> environment, String envPrefix, String origin) {
            this.fileValues = fileValues;
            this.filePaths = filePaths;
            this.environment = environment;
            this.envPrefix = envPrefix;
            this.origin = origin;
        }
    }

    private final Source source;
    /** Put before every key read through this view: empty, or a section name and a dot. */
    private final String prefix;

    private Settings(Source source, String prefix) {
        this.source = source;
        this.prefix = prefix;
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
        return new Settings(new Source(flat, paths, Map.copyOf(environment), envPrefix, origin), "");
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
        source.overrides.put(key(key), value);
        return this;
    }

    /** How {@link #secret} reads the files {@code <key>_file} names: given by the program before its config is read. */
    public Settings readSecretFilesWith(SecretFiles files) {
        source.secretFiles = files;
        return this;
    }

    /**
     * A view of one section: {@code section("outputs.influxdb").string("url", ...)} reads
     * {@code outputs.influxdb.url}. It shares the values, the keys read and the problems noted with these
     * settings, and its messages name the full key.
     */
    public Settings section(String name) {
        return new Settings(source, key(name) + ".");
    }

    /** The full name of a key read through this view, for messages: {@code outputs.influxdb.org} for {@code org}. */
    public String key(String key) {
        return prefix + key;
    }

    public String string(String key, String defaultValue) {
        Object raw = raw(key(key));
        return raw == null ? defaultValue : raw.toString();
    }

    /**
     * A secret (a token, a password), by one rule wherever a program reads one:
     * <ul>
     * <li>it comes from its environment variable, or from the file named by {@code <key>_file} (that key
     *     may come from the config file, the command line or the environment); never from the config file
     *     or the command line themselves, where it would be copied around or seen by every user of the
     *     machine;</li>
     * <li>giving both is an error; an empty environment variable counts as not given;</li>
     * <li>the file is read now, when the config is read at start, never later at first use;</li>
     * <li>the secret is the file's text with surrounding whitespace (a trailing newline) stripped; an empty
     *     or unreadable file is an error naming the key and the path.</li>
     * </ul>
     * No message ever holds the secret itself. Empty when neither is given.
     */
    public Optional<String> secret(String key) {
        String name = key(key);
        Optional<String> fromEnvironment = environmentSecret(key);
        String fileKey = name + "_file";
        String file = string(key + "_file", "").strip();
        if (file.isEmpty()) {
            return fromEnvironment;
        }
        if (fromEnvironment.isPresent()) {
            throw new ConfigException(name + " is given twice, in " + envName(source.envPrefix, name) + " and in the file " + fileKey
                    + " names: give it one way");
        }
        if (source.secretFiles == null) {
            throw new IllegalStateException("no SecretFiles given to these settings, so " + fileKey + " cannot be read");
        }
        String text;
        try {
            text = source.secretFiles.read(file);
        } catch (Exception e) {
            throw new ConfigException(fileKey + ": cannot read " + file + " (" + reason(e, file) + ")");
        }
        String secret = text.strip();
        if (secret.isEmpty()) {
            throw new ConfigException(fileKey + ": " + file + " is empty; it must hold " + name);
        }
        return Optional.of(secret);
    }

    /**
     * A secret taken from its environment variable only, for the rare secret whose {@code _file} is not a
     * plain secret file (the collector's enrolment token file, which it makes on first start). Every other
     * secret is read with {@link #secret}.
     */
    public Optional<String> environmentSecret(String key) {
        String name = key(key);
        source.readKeys.add(name);
        if (source.overrides.containsKey(name) || source.fileValues.containsKey(name)) {
            throw new ConfigException(name + " is a secret: set it in the environment variable " + envName(source.envPrefix, name)
                    + " or give a file with " + name + "_file, never on the command line or in the config file");
        }
        String value = source.environment.get(envName(source.envPrefix, name));
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    public int integer(String key, int defaultValue, int min, int max) {
        String name = key(key);
        Object raw = raw(name);
        if (raw == null) {
            return defaultValue;
        }
        String expected = "a whole number from " + min + " to " + max;
        try {
            long value = raw instanceof Number n && !(raw instanceof Double) ? n.longValue() : Long.parseLong(raw.toString().trim());
            return value < min || value > max ? invalid(name, raw, expected, defaultValue) : (int) value;
        } catch (NumberFormatException e) {
            return invalid(name, raw, expected, defaultValue);
        }
    }

    public double number(String key, double defaultValue, double min, double max) {
        String name = key(key);
        Object raw = raw(name);
        if (raw == null) {
            return defaultValue;
        }
        String expected = "a number from " + min + " to " + max;
        try {
            double value = raw instanceof Number n ? n.doubleValue() : Double.parseDouble(raw.toString().trim());
            return value >= min && value <= max ? value : invalid(name, raw, expected, defaultValue);
        } catch (NumberFormatException e) {
            return invalid(name, raw, expected, defaultValue);
        }
    }

    public boolean bool(String key, boolean defaultValue) {
        String name = key(key);
        Object raw = raw(name);
        if (raw == null) {
            return defaultValue;
        }
        String text = raw.toString().trim().toLowerCase(Locale.ROOT);
        return switch (text) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> invalid(name, raw, "true or false", defaultValue);
        };
    }

    /** A duration written as a number and a unit: 500ms, 15s, 5m, 2h, 30d. */
    public Duration duration(String key, Duration defaultValue, Duration min, Duration max) {
        String name = key(key);
        Object raw = raw(name);
        if (raw == null) {
            return defaultValue;
        }
        Matcher m = DURATION.matcher(raw.toString().trim());
        String expected = "a duration such as 15s, 5m, 2h or 30d, from " + min + " to " + max;
        if (!m.matches()) {
            return invalid(name, raw, expected, defaultValue);
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
        return value.compareTo(min) < 0 || value.compareTo(max) > 0 ? invalid(name, raw, expected, defaultValue) : value;
    }

    /**
     * The names directly below a section, e.g. the site names under {@code sites}, from the file and the
     * command line. The environment cannot add names (its variables cannot spell them back).
     */
    public Set<String> children(String section) {
        String full = key(section);
        String below = full + ".";
        Set<String> names = new TreeSet<>();
        for (String key : source.fileValues.keySet()) {
            List<String> path = source.filePaths.get(key);
            StringBuilder joined = new StringBuilder();
            for (int i = 0; i < path.size() - 1; i++) {
                joined.append(i == 0 ? "" : ".").append(path.get(i));
                if (joined.toString().equals(full)) {
                    names.add(path.get(i + 1));
                    break;
                }
            }
        }
        for (String key : source.overrides.keySet()) {
            if (key.startsWith(below)) {
                names.add(key.substring(below.length()).split("\\.", 2)[0]);
            }
        }
        return Collections.unmodifiableSet(names);
    }

    /** Whether the key is given explicitly (command line, environment or file), not left to its default; does not count as a read. */
    public boolean isSet(String key) {
        String name = key(key);
        return source.overrides.containsKey(name) || !source.envPrefix.isEmpty() && source.environment.containsKey(envName(source.envPrefix, name))
                || source.fileValues.containsKey(name);
    }

    /**
     * Fails on any key in the file or on the command line that the program never asked for: almost always a typo.
     * While {@link #reportingEveryProblem} runs, the unknown keys join its report instead.
     */
    public void requireAllKeysKnown() {
        List<String> unknownInFile = source.fileValues.keySet().stream().filter(k -> !source.readKeys.contains(k)).sorted().toList();
        List<String> unknownOnCommandLine = source.overrides.keySet().stream().filter(k -> !source.readKeys.contains(k)).sorted().toList();
        if (!unknownInFile.isEmpty()) {
            problem(unknown(source.origin, unknownInFile));
        }
        if (!unknownOnCommandLine.isEmpty()) {
            problem(unknown("command line", unknownOnCommandLine));
        }
    }

    private static ConfigException unknown(String where, List<String> keys) {
        return new ConfigException(where + ": unknown key" + (keys.size() > 1 ? "s " : " ") + String.join(", ", keys)
                + " (docs/configuration.md lists every key)");
    }

    /**
     * Reads a whole configuration so that a bad one reports every problem at once, not only its first.
     * While {@code read} runs, a typed value that is not valid is noted and its default used so that reading
     * goes on, a failed {@link #attempt} is noted and {@link #requireAllKeysKnown} notes unknown keys. Then
     * one ConfigException lists every problem noted (a single problem as itself), or {@code read}'s value
     * is returned. Calls nest: only the outermost one reports, so a program can add its unknown keys to
     * the report of a config class that reports on its own.
     */
    public <T> T reportingEveryProblem(Supplier<T> read) {
        if (source.problems != null) {
            return read.get();
        }
        source.problems = new LinkedHashSet<>();
        try {
            T value = attempt(read, null);
            List<String> problems = List.copyOf(source.problems);
            if (problems.size() == 1) {
                throw new ConfigException(problems.get(0));
            }
            if (!problems.isEmpty()) {
                throw new ConfigException(problems.size() + " problems in the config:\n  - " + String.join("\n  - ", problems));
            }
            return value;
        } finally {
            source.problems = null;
        }
    }

    /**
     * {@code read}'s value, such as one section's config. While {@link #reportingEveryProblem} runs, a
     * ConfigException from {@code read} is noted and {@code fallback} returned, so that the sections after
     * it are read too; otherwise the exception is thrown as it comes.
     */
    public <T> T attempt(Supplier<T> read, T fallback) {
        if (source.problems == null) {
            return read.get();
        }
        try {
            return read.get();
        } catch (ConfigException e) {
            source.problems.add(e.getMessage());
            return fallback;
        }
    }

    /** Every key the program has asked for so far, for checks that the documentation covers them all. */
    public Set<String> keysRead() {
        return Collections.unmodifiableSet(source.readKeys);
    }

    public static String envName(String prefix, String key) {
        return prefix + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private Object raw(String name) {
        source.readKeys.add(name);
        if (source.overrides.containsKey(name)) {
            return source.overrides.get(name);
        }
        String env = source.environment.get(envName(source.envPrefix, name));
        if (env != null && !source.envPrefix.isEmpty()) {
            return env;
        }
        return source.fileValues.get(name);
    }

    /** Throws a bad value's problem, or notes it and gives the default while {@link #reportingEveryProblem} runs. */
    private <T> T invalid(String name, Object raw, String expected, T defaultValue) {
        String env = envName(source.envPrefix, name);
        String where = source.overrides.containsKey(name) ? "command line"
                : source.environment.containsKey(env) && !source.envPrefix.isEmpty() ? "environment " + env : source.origin;
        problem(new ConfigException(where + ": " + name + " must be " + expected + ", got '" + raw + "'"));
        return defaultValue;
    }

    private void problem(ConfigException e) {
        if (source.problems == null) {
            throw e;
        }
        source.problems.add(e.getMessage());
    }

    /** Why a file could not be read: the exception's type, and its message unless that only repeats the path. */
    private static String reason(Exception e, String path) {
        String type = e.getClass().getSimpleName();
        return e.getMessage() == null || e.getMessage().equals(path) ? type : type + ": " + e.getMessage();
    }

    private static void flatten(List<String> path, Map<?, ?> map, Map<String, Object> into, Map<String, List<String>> paths, String origin) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            List<String> here = new ArrayList<>(path);
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
