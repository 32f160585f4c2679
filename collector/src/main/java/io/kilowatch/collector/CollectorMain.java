package io.kilowatch.collector;

import io.kilowatch.core.config.CommandLine;
import io.kilowatch.core.config.ConfigException;
import io.kilowatch.core.config.Settings;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code java -jar kilowatch-collector.jar [--config FILE] [--http-port 8080] [--data-dir DIR]}. */
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
            """;

    private CollectorMain() {
    }

    public static void main(String[] args) {
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
        vertx.deployVerticle(collector).onFailure(e -> {
            LOG.atError().setCause(e).log("collector failed to start");
            vertx.close();
            System.exit(1);
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close().await(), "kilowatch-collector-shutdown"));
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
    }
}
