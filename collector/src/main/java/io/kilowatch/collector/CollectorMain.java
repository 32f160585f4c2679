package io.kilowatch.collector;

import io.kilowatch.core.config.CommandLine;
import io.kilowatch.core.config.ConfigException;
import io.kilowatch.core.config.Settings;
import io.kilowatch.collector.carbon.IntensityCache;
import io.kilowatch.collector.carbon.IntensityFile;
import io.kilowatch.collector.carbon.IntensityFormatException;
import io.kilowatch.collector.carbon.RollupRecompute;
import io.kilowatch.collector.store.JdbcCarbonStore;
import io.kilowatch.collector.store.Database;
import io.kilowatch.collector.store.JdbcStore;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar kilowatch-collector.jar [--config FILE] [--http-port 8080] [--data-dir DIR]} runs the collector;
 * {@code java -jar kilowatch-collector.jar revoke-agent DEVICE_ID [--config FILE] [--data-dir DIR]} revokes an
 * agent's credential in the store (a running collector honours it within 30 s).
 */
public final class CollectorMain {
    private static final Logger LOG = LoggerFactory.getLogger(CollectorMain.class);
    static final String ENV_PREFIX = "KILOWATCH_COLLECTOR_";
    static final Map<String, String> FLAGS = Map.of(
            "--http-port", "http.port",
            "--http-host", "http.host",
            "--data-dir", "data_dir");
    private static final String USAGE = """
            Usage: java -jar kilowatch-collector.jar [options]
              --config FILE     YAML config (every key: docs/configuration.md)
              --http-port PORT  port for ingest, API, /metrics and the dashboard (http.port), default 8080; 0 picks a free one
              --http-host HOST  address to bind (http.host), default 127.0.0.1
              --data-dir DIR    where the embedded store lives (data_dir), default ./data
              --set KEY=VALUE   any other config key
            Environment: KILOWATCH_COLLECTOR_<KEY>, e.g. KILOWATCH_COLLECTOR_HTTP_PORT.

            Usage: java -jar kilowatch-collector.jar revoke-agent DEVICE_ID [--config FILE] [--data-dir DIR]
              revokes the agent's credential; it must enrol again (rotate the enrolment token to keep it out)
            Usage: java -jar kilowatch-collector.jar import-intensity FILE [--format neso|csv] [--region R] [--source NAME]
                                                    [--config FILE] [--data-dir DIR]
              imports half-hourly grid intensity (NESO Carbon Intensity API JSON, or CSV: docs/carbon.md) and
              recomputes the carbon of the energy it covers; a bad file changes nothing
            Usage: java -jar kilowatch-collector.jar import-history FILE [--config FILE] [--data-dir DIR]
              imports historical energy per device, site meter or organisation (CSV by half-hour, day or month:
              docs/carbon-reporting.md); a bad file changes nothing and names its line
            Usage: java -jar kilowatch-collector.jar recompute-carbon --from DATE --to DATE [--config FILE] [--data-dir DIR]
              works out carbon, overhead, T&D losses and cost of local days DATE..DATE again with the config as it
              is now (new factors, PUE, regions or tariffs); hourly rollups past retention are no longer recomputed
            Usage: java -jar kilowatch-collector.jar migrate-store --to JDBC_URL [--config FILE] [--data-dir DIR]
              copies the SQLite store in data_dir (the collector stopped) into an empty PostgreSQL database, logging in
              as store.postgresql.user with its password; compares every table's rows and energy and carbon totals and
              keeps the copy only if all match; refuses a database that has rows (docs/configuration.md)
            Usage: java -jar kilowatch-collector.jar hash-password < password-file
              prints the hash for security.users.<name>.password_hash
            Usage: java -jar kilowatch-collector.jar new-api-token
              prints a new API token and the SHA-256 for security.api_tokens.<name>.sha256
            """;

    private CollectorMain() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("revoke-agent")) {
            System.exit(revokeAgent(java.util.Arrays.copyOfRange(args, 1, args.length), System.getenv()));
        }
        if (args.length > 0 && args[0].equals("import-intensity")) {
            System.exit(importIntensity(java.util.Arrays.copyOfRange(args, 1, args.length), System.getenv()));
        }
        if (args.length > 0 && args[0].equals("import-history")) {
            System.exit(importHistory(java.util.Arrays.copyOfRange(args, 1, args.length), System.getenv()));
        }
        if (args.length > 0 && args[0].equals("recompute-carbon")) {
            System.exit(recomputeCarbon(java.util.Arrays.copyOfRange(args, 1, args.length), System.getenv()));
        }
        if (args.length > 0 && args[0].equals("migrate-store")) {
            System.exit(migrateStore(java.util.Arrays.copyOfRange(args, 1, args.length), System.getenv()));
        }
        if (args.length > 0 && args[0].equals("hash-password")) {
            // The password comes on standard input, never the command line (visible to every user of the machine).
            java.io.Console console = System.console();
            char[] password = console != null ? console.readPassword("password: ")
                    : new java.util.Scanner(System.in, java.nio.charset.StandardCharsets.UTF_8).nextLine().toCharArray();
            System.out.println(io.kilowatch.collector.security.Users.hashPassword(password));
            return;
        }
        if (args.length > 0 && args[0].equals("new-api-token")) {
            String[] token = io.kilowatch.collector.security.Users.newApiToken();
            System.out.println("token (give it to the client; it is not kept): " + token[0]);
            System.out.println("sha256 (put it in security.api_tokens.<name>.sha256): " + token[1]);
            return;
        }
        CollectorConfig config;
        try {
            CommandLine cli = CommandLine.parse(args, FLAGS);
            if (cli.helpRequested()) {
                System.out.print(USAGE);
                return;
            }
            config = config(cli, System.getenv());
        } catch (ConfigException e) {
            System.err.println("kilowatch-collector: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        Vertx vertx = Vertx.vertx();
        CollectorVerticle collector = new CollectorVerticle(config, Clock.systemUTC());
        // SIGHUP reloads the services and agent settings files, as it reloads config in Prometheus and most daemons.
        // sun.misc.Signal (module jdk.unsupported) is the only signal API the JDK has.
        sun.misc.SignalHandler before = sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> collector.reload("SIGHUP"));
        if (before == sun.misc.SignalHandler.SIG_IGN) {
            // A process started with SIGHUP ignored (nohup) keeps it ignored: the JVM does not install the handler.
            LOG.atWarn().log("SIGHUP is ignored in this process (started under nohup?), so it reloads nothing: files are still "
                    + "reloaded when they change and on the reload API calls");
        }
        vertx.deployVerticle(collector).onFailure(e -> {
            LOG.atError().setCause(e).log("collector failed to start");
            vertx.close();
            System.exit(1);
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close().await(), "kilowatch-collector-shutdown"));
    }

    /** The config to run with; a bad one throws, listing every problem, unknown keys included. */
    static CollectorConfig config(CommandLine cli, Map<String, String> env) {
        Settings settings = settings(cli, env);
        return settings.reportingEveryProblem(() -> {
            CollectorConfig config = CollectorConfig.from(settings);
            settings.requireAllKeysKnown();
            return config;
        });
    }

    /** The {@code revoke-agent} command; returns the process exit code. */
    static int revokeAgent(String[] args, Map<String, String> env) {
        if (args.length == 0 || args[0].startsWith("-")) {
            System.err.println("kilowatch-collector revoke-agent: name the device id");
            return 2;
        }
        String deviceId = args[0];
        CollectorConfig config;
        try {
            CommandLine cli = CommandLine.parse(java.util.Arrays.copyOfRange(args, 1, args.length), FLAGS);
            config = CollectorConfig.from(settings(cli, env));
        } catch (ConfigException e) {
            System.err.println("kilowatch-collector revoke-agent: " + e.getMessage());
            return 2;
        }
        try (JdbcStore store = new JdbcStore(Database.open(config.store()))) {
            if (store.revoke(deviceId, System.currentTimeMillis()).await()) {
                System.out.println("revoked the credential of " + deviceId);
                return 0;
            }
            System.err.println("kilowatch-collector revoke-agent: " + deviceId + " has no active credential");
            return 1;
        }
    }

    /** A command's config and the text of the one file it imports; null (after saying why) when either is wrong. */
    private record ImportInput(CollectorConfig config, String file, String text) {
        static ImportInput read(String command, String[] args, Map<String, String> env, Map<String, String> options) {
            java.util.List<String> positional = new java.util.ArrayList<>();
            try {
                CollectorConfig config = subcommandConfig(args, env, options, positional);
                if (positional.size() != 1) {
                    throw new ConfigException("name the one file to import");
                }
                return new ImportInput(config, positional.get(0), Files.readString(Path.of(positional.get(0))));
            } catch (ConfigException e) {
                System.err.println("kilowatch-collector " + command + ": " + e.getMessage());
            } catch (IOException e) {
                System.err.println("kilowatch-collector " + command + ": cannot read " + positional.get(0) + ": " + e.getMessage());
            }
            return null;
        }
    }

    /** The {@code import-intensity} command; returns the process exit code. */
    static int importIntensity(String[] args, Map<String, String> env) {
        Map<String, String> options = new java.util.HashMap<>(Map.of("--format", "", "--region", "", "--source", ""));
        ImportInput input = ImportInput.read("import-intensity", args, env, options);
        if (input == null) {
            return 2;
        }
        CollectorConfig config = input.config();
        String text = input.text();
        String file = input.file();
        String format = options.get("--format").isEmpty() ? (file.toLowerCase(java.util.Locale.ROOT).endsWith(".csv") ? "csv" : "neso")
                : options.get("--format");
        try (JdbcStore store = new JdbcStore(Database.open(config.store()))) {
            var points = IntensityFile.parse(text, IntensityFile.Format.of(format), blankToNull(options.get("--region")),
                    blankToNull(options.get("--source")));
            var outcome = new JdbcCarbonStore(store.database()).importIntensity(points, System.currentTimeMillis(),
                    RollupRecompute.afterImport(config.carbon(), dayStart(config))).await();
            System.out.println("imported " + outcome.points() + " half-hours of " + points.keySet() + " from " + file + " (" + outcome.stored()
                    + " stored; forecasts never replace actuals); recomputed the carbon of " + outcome.recomputedRollups() + " hourly rollups");
            return 0;
        } catch (IntensityFormatException e) {
            System.err.println("kilowatch-collector import-intensity: " + file + ": " + e.getMessage() + "; nothing was imported");
            return 1;
        }
    }

    /** The {@code import-history} command: historical energy as CSV (docs/carbon-reporting.md); returns the process exit code. */
    static int importHistory(String[] args, Map<String, String> env) {
        ImportInput input = ImportInput.read("import-history", args, env, new java.util.HashMap<>());
        if (input == null) {
            return 2;
        }
        CollectorConfig config = input.config();
        try (JdbcStore store = new JdbcStore(Database.open(config.store()))) {
            IntensityCache intensity = new IntensityCache();
            intensity.replaceAll(new JdbcCarbonStore(store.database()).intensity().await());
            var outcome = new io.kilowatch.collector.history.HistoryImport(new io.kilowatch.collector.store.JdbcHistoryStore(store.database()), store,
                    config.carbon(), intensity, config.timeZone(), io.kilowatch.collector.feature.Maths.INLINE).run(input.text(), System.currentTimeMillis()).await();
            System.out.println("imported " + outcome.rows() + " rows (" + outcome.energyKwh() + " kWh over " + outcome.days()
                    + " local day parts) from " + input.file());
            return 0;
        } catch (io.kilowatch.collector.history.HistoryFormatException e) {
            System.err.println("kilowatch-collector import-history: " + input.file() + ": " + e.getMessage() + "; nothing was imported");
            return 1;
        }
    }

    /** The {@code recompute-carbon} command: rollups of local days [--from, --to] worked out again with the config as it is now. */
    static int recomputeCarbon(String[] args, Map<String, String> env) {
        Map<String, String> options = new java.util.HashMap<>(Map.of("--from", "", "--to", ""));
        CollectorConfig config;
        java.time.LocalDate from;
        java.time.LocalDate to;
        try {
            java.util.List<String> positional = new java.util.ArrayList<>();
            config = subcommandConfig(args, env, options, positional);
            if (!positional.isEmpty()) {
                throw new ConfigException("unexpected " + positional);
            }
            from = java.time.LocalDate.parse(options.get("--from"));
            to = java.time.LocalDate.parse(options.get("--to"));
            if (to.isBefore(from)) {
                throw new ConfigException("--to must not be before --from");
            }
        } catch (ConfigException | java.time.format.DateTimeParseException e) {
            System.err.println("kilowatch-collector recompute-carbon: " + e.getMessage() + " (give --from and --to as dates such as 2025-01-01)");
            return 2;
        }
        java.time.ZoneId zone = config.timeZone();
        try (JdbcStore store = new JdbcStore(Database.open(config.store()))) {
            int changed = new JdbcCarbonStore(store.database()).recomputeRollups(from.atStartOfDay(zone).toInstant().toEpochMilli(),
                    to.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli(), RollupRecompute.withCurrentSettings(config.carbon(), dayStart(config))).await();
            System.out.println("recomputed " + changed + " hourly rollups (and their days) from " + from + " to " + to + " in " + zone.getId());
            return 0;
        }
    }

    /**
     * The {@code migrate-store} command: copies the SQLite store of the config's {@code data_dir} into the empty PostgreSQL
     * database {@code --to}, checks the copy and prints what it compared (docs/configuration.md#moving-a-sqlite-store-to-postgresql).
     * Returns 0 when every table matched, 1 when it refused, failed or found a difference (the target then keeps none of
     * the rows), 2 for a wrong command line or config.
     */
    static int migrateStore(String[] args, Map<String, String> env) {
        Map<String, String> options = new java.util.HashMap<>(Map.of("--to", ""));
        Path dataDir;
        io.kilowatch.collector.store.StoreConfig.Postgresql target;
        try {
            java.util.List<String> positional = new java.util.ArrayList<>();
            Settings settings = subcommandSettings(args, env, options, positional);
            if (!positional.isEmpty()) {
                throw new ConfigException("unexpected " + positional);
            }
            if (options.get("--to").isEmpty()) {
                throw new ConfigException("name the empty PostgreSQL database to copy into: --to jdbc:postgresql://HOST:PORT/DATABASE");
            }
            dataDir = CollectorConfig.from(settings).store().dataDir();
            target = io.kilowatch.collector.store.StoreConfig.postgresqlAt(settings, options.get("--to"));
        } catch (ConfigException e) {
            System.err.println("kilowatch-collector migrate-store: " + e.getMessage());
            return 2;
        }
        try {
            var outcome = io.kilowatch.collector.store.StoreCopy.copy(dataDir, target);
            outcome.summary().forEach(System.out::println);
            if (!outcome.committed()) {
                System.err.println("kilowatch-collector migrate-store: the copy in " + target.redactedUrl()
                        + " differs from the SQLite store (MISMATCH above); it was rolled back, so the database holds none of its rows");
                return 1;
            }
            System.out.println("copied the SQLite store in " + dataDir + " to " + target.redactedUrl()
                    + "; every table's rows and energy and carbon totals match. Set store.type: postgresql and start the collector on it.");
            return 0;
        } catch (io.kilowatch.collector.store.StoreException e) {
            System.err.println("kilowatch-collector migrate-store: " + e.getMessage());
            return 1;
        }
    }

    private static java.util.function.ToLongFunction<java.time.Instant> dayStart(CollectorConfig config) {
        return new io.kilowatch.collector.estate.ReportAccounting(config.carbon(), config.timeZone(), new IntensityCache())::dayStart;
    }

    /**
     * A subcommand's config from {@code --config}, {@code --data-dir} and {@code --set}, taking out its own
     * options (each followed by a value) and its positional arguments.
     */
    private static CollectorConfig subcommandConfig(String[] args, Map<String, String> env, Map<String, String> options, java.util.List<String> positional) {
        return CollectorConfig.from(subcommandSettings(args, env, options, positional));
    }

    /** Like {@link #subcommandConfig}, the settings themselves, for a subcommand that reads keys beyond the config's. */
    private static Settings subcommandSettings(String[] args, Map<String, String> env, Map<String, String> options, java.util.List<String> positional) {
        java.util.List<String> rest = new java.util.ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (options.containsKey(args[i]) && i + 1 < args.length) {
                options.put(args[i], args[++i]);
            } else if (!args[i].startsWith("-") && (i == 0 || !args[i - 1].startsWith("--"))) {
                positional.add(args[i]);
            } else {
                rest.add(args[i]);
            }
        }
        CommandLine cli = CommandLine.parse(rest.toArray(String[]::new), FLAGS);
        return settings(cli, env);
    }

    /** The settings from the config file, the environment and the command line; secret files are read from the disk. */
    private static Settings settings(CommandLine cli, Map<String, String> env) {
        return cli.settings(cli.configFile().map(CollectorMain::read).orElse(""), env, ENV_PREFIX).readSecretFilesWith(CollectorConfig.SECRET_FILES);
    }

    private static String blankToNull(String s) {
        return s.isEmpty() ? null : s;
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
    }
}
