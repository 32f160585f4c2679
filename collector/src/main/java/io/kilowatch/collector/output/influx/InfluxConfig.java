package io.kilowatch.collector.output.influx;

import com.influxdb.client.domain.WritePrecision;
import io.kilowatch.core.config.ConfigException;
import io.kilowatch.core.config.Settings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Settings of the InfluxDB output ({@code outputs.influxdb.*}; documented in docs/configuration.md and
 * docs/influxdb.md). Off by default: the embedded store stays the collector's source of truth.
 *
 * @param tokenFile where the token is read from when the environment does not set it (read at start)
 * @param snapshotInterval how often state that has no report of its own (availability, estate, services) is written
 * @param backlogMaxBytes bound of the on-disk backlog; past it the oldest points are dropped and counted
 */
public record InfluxConfig(
        boolean enabled,
        String url,
        String org,
        String bucket,
        Optional<String> token,
        Optional<Path> tokenFile,
        int batchSize,
        Duration flushInterval,
        WritePrecision precision,
        Duration timeout,
        Duration snapshotInterval,
        Path backlogDir,
        long backlogMaxBytes,
        Duration maxBackoff) {

    private static final String P = "outputs.influxdb.";

    public static InfluxConfig from(Settings s, Path dataDir) {
        boolean enabled = s.bool(P + "enabled", false);
        String url = s.string(P + "url", "http://127.0.0.1:8086");
        String org = s.string(P + "org", "");
        String bucket = s.string(P + "bucket", "");
        Optional<String> token = s.secret(P + "token");
        String file = s.string(P + "token_file", "");
        String precision = s.string(P + "precision", "ms");
        InfluxConfig config = new InfluxConfig(
                enabled,
                url,
                org,
                bucket,
                token,
                file.isBlank() ? Optional.empty() : Optional.of(Path.of(file)),
                s.integer(P + "batch_size", 5_000, 1, 100_000),
                s.duration(P + "flush_interval", Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofHours(1)),
                precision(precision),
                s.duration(P + "timeout", Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofMinutes(5)),
                s.duration(P + "snapshot_interval", Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofHours(24)),
                Path.of(s.string(P + "backlog.dir", dataDir.resolve("influxdb-backlog").toString())),
                (long) s.number(P + "backlog.max_bytes", 256.0 * 1024 * 1024, 1024 * 1024, 1024.0 * 1024 * 1024 * 1024),
                s.duration(P + "retry.max_backoff", Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofHours(1)));
        if (enabled && (org.isBlank() || bucket.isBlank())) {
            throw new ConfigException(P + "org and " + P + "bucket must be set when " + P + "enabled is true");
        }
        if (enabled && !(url.startsWith("http://") || url.startsWith("https://"))) {
            throw new ConfigException(P + "url must be an http:// or https:// URL, got '" + url + "'");
        }
        if (token.isPresent() && config.tokenFile.isPresent()) {
            throw new ConfigException(P + "token and " + P + "token_file both set: give the token one way");
        }
        return config;
    }

    /** The token from the environment or the token file; empty for servers that need none (VictoriaMetrics, InfluxDB 1.x without auth). */
    public Optional<String> resolveToken() {
        if (token.isPresent() || tokenFile.isEmpty()) {
            return token;
        }
        try {
            String value = Files.readString(tokenFile.get(), StandardCharsets.UTF_8).trim();
            if (value.isEmpty()) {
                throw new ConfigException(P + "token_file " + tokenFile.get() + " is empty");
            }
            return Optional.of(value);
        } catch (IOException e) {
            throw new ConfigException(P + "token_file " + tokenFile.get() + " cannot be read: " + e.getMessage());
        }
    }

    private static WritePrecision precision(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "s" -> WritePrecision.S;
            case "ms" -> WritePrecision.MS;
            case "us" -> WritePrecision.US;
            case "ns" -> WritePrecision.NS;
            default -> throw new ConfigException(P + "precision must be s, ms, us or ns, got '" + value + "'");
        };
    }
}
