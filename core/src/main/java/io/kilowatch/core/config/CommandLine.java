package io.kilowatch.core.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A program's arguments: {@code --config FILE}, named flags that stand for config keys
 * ({@code --http-port 9000} for {@code http.port}), and {@code --set key=value} for any other key.
 * Both {@code --flag value} and {@code --flag=value} are accepted.
 */
public record CommandLine(Optional<String> configFile, Map<String, String> overrides, boolean helpRequested) {

    public static CommandLine parse(String[] args, Map<String, String> flagToKey) {
        String configFile = null;
        Map<String, String> overrides = new LinkedHashMap<>();
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                help = true;
                continue;
            }
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            if (!name.equals("--config") && !name.equals("--set") && !flagToKey.containsKey(name)) {
                throw new ConfigException("unknown option '" + arg + "'");
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new ConfigException("option " + name + " needs a value");
                }
                value = args[++i];
            }
            if (name.equals("--config")) {
                configFile = value;
            } else if (name.equals("--set")) {
                int sep = value.indexOf('=');
                if (sep <= 0) {
                    throw new ConfigException("--set takes key=value, got '" + value + "'");
                }
                overrides.put(value.substring(0, sep), value.substring(sep + 1));
            } else {
                overrides.put(flagToKey.get(name), value);
            }
        }
        return new CommandLine(Optional.ofNullable(configFile), Map.copyOf(overrides), help);
    }

    /** The settings from the config file's text, the environment and these overrides, in that rising order. */
    public Settings settings(String configText, Map<String, String> environment, String envPrefix) {
        Settings settings = Settings.parse(configText, configFile.orElse("defaults"), environment, envPrefix);
        overrides.forEach(settings::override);
        return settings;
    }
}
