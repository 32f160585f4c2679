package io.kilowatch.collector;

import io.kilowatch.core.config.CommandLine;
import io.kilowatch.core.config.ConfigException;
import io.kilowatch.core.config.Settings;
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
            String text = cli.configFile().map(CollectorMain::read).orElse("");
            Settings settings = cli.settings(text, System.getenv(), ENV_PREFIX);
            config = CollectorConfig.from(settings);
            settings.requireAllKeysKnown();
        } catch (ConfigException e) {
            System.err.println("kilowatch-collector: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        Vertx vertx = Vertx.vertx();
        CollectorVerticle collector = new CollectorVerticle(config, Clock.systemUTC());
        // SIGHUP reloads the services file, as it reloads config in Prometheus and most daemons. sun.misc.Signal
        // (module jdk.unsupported) is the only signal API the JDK has.
        sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> collector.reloadServices("SIGHUP"));
        vertx.deployVerticle(collector).onFailure(e -> {
            LOG.atError().setCause(e).log("collector failed to start");
            vertx.close();
            System.exit(1);
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close().await(), "kilowatch-collector-shutdown"));
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
            config = CollectorConfig.from(cli.settings(cli.configFile().map(CollectorMain::read).orElse(""), env, ENV_PREFIX));
        } catch (ConfigException e) {
            System.err.println("kilowatch-collector revoke-agent: " + e.getMessage());
            return 2;
        }
        try (JdbcStore store = JdbcStore.sqlite(config.dataDir())) {
            if (store.revoke(deviceId, System.currentTimeMillis())) {
                System.out.println("revoked the credential of " + deviceId);
                return 0;
            }
            System.err.println("kilowatch-collector revoke-agent: " + deviceId + " has no active credential");
            return 1;
        }
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
    }
}
