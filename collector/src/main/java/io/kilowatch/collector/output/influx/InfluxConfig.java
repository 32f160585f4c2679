package io.kilowatch.collector.output.influx;

import com.influxdb.client.domain.WritePrecision;
import io.kilowatch.core.config.ConfigException;
import io.kilowatch.core.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Settings of the InfluxDB output ({@code outputs.influxdb.*}; documented in docs/configuration.md and
 * docs/influxdb.md). Off by default: the embedded store stays the collector's source of truth.
 *
 * @param token from the environment or {@code token_file}, read at start; empty for servers that need none
 *              (VictoriaMetrics, InfluxDB 1.x without auth)
 * @param snapshotInterval how often state that has no report of its own (availability, estate, services) is written
 * @param backlogMaxBytes bound of the on-disk backlog; past it the oldest points are dropped and counted
 */
public record InfluxConfig(
        boolean enabled,
        String url,
        String org,
        String bucket,
        Optional<String> token,
        int batchSize,
        Duration flushInterval,
        WritePrecision precision,
        Duration timeout,
        Duration snapshotInterval,
        Path backlogDir,
        long backlogMaxBytes,
        Duration maxBackoff) {

    public static InfluxConfig from(Settings settings, Path dataDir) {
        Settings s = settings.section("outputs.influxdb");
        boolean enabled = s.bool("enabled", false);
        String url = s.string("url", "http://127.0.0.1:8086");
        String org = s.string("org", "");
        String bucket = s.string("bucket", "");
        InfluxConfig config = new InfluxConfig(
                enabled,
                url,
                org,
                bucket,
                s.secret("token"),
                s.integer("batch_size", 5_000, 1, 100_000),
                s.duration("flush_interval", Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofHours(1)),
                precision(s, s.string("precision", "ms")),
                s.duration("timeout", Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofMinutes(5)),
                s.duration("snapshot_interval", Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofHours(24)),
                Path.of(s.string("backlog.dir", dataDir.resolve("influxdb-backlog").toString())),
                (long) s.number("backlog.max_bytes", 256.0 * 1024 * 1024, 1024 * 1024, 1024.0 * 1024 * 1024 * 1024),
                s.duration("retry.max_backoff", Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofHours(1)));
        if (enabled && (org.isBlank() || bucket.isBlank())) {
            throw new ConfigException(s.key("org") + " and " + s.key("bucket") + " must be set when " + s.key("enabled") + " is true");
        }
        if (enabled && !(url.startsWith("http://") || url.startsWith("https://"))) {
            throw new ConfigException(s.key("url") + " must be an http:// or https:// URL, got '" + url + "'");
        }
        return config;
    }

    private static WritePrecision precision(Settings s, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "s" -> WritePrecision.S;
            case "ms" -> WritePrecision.MS;
            case "us" -> WritePrecision.US;
            case "ns" -> WritePrecision.NS;
            default -> throw new ConfigException(s.key("precision") + " must be s, ms, us or ns, got '" + value + "'");
        };
    }
}
