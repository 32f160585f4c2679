package io.kilowatch.collector;

import io.kilowatch.collector.alerting.AlertingConfig;
import io.kilowatch.collector.carbon.CarbonConfig;
import io.kilowatch.collector.carbon.CarbonWindowsConfig;
import io.kilowatch.collector.cluster.ClusterConfig;
import io.kilowatch.collector.output.influx.InfluxConfig;
import io.kilowatch.collector.security.Role;
import io.kilowatch.collector.security.Users;
import io.kilowatch.collector.service.ServiceSettings;
import io.kilowatch.collector.agents.AgentSettingsConfig;
import io.kilowatch.collector.snmp.SnmpConfig;
import io.kilowatch.collector.store.StoreConfig;
import io.kilowatch.collector.sustainability.SustainabilityConfig;
import io.kilowatch.core.carbon.CarbonPolicy;
import io.kilowatch.core.config.ConfigException;
import io.kilowatch.core.config.Hosts;
import io.kilowatch.core.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The collector's settings, read once at start. Every key, its default and unit is documented in
 * collector/kilowatch-collector.yaml and docs/configuration.md.
 */
public record CollectorConfig(
        String httpHost,
        int httpPort,
        Optional<Path> tlsCertFile,
        Optional<Path> tlsKeyFile,
        Optional<Path> tlsClientCaFile,
        boolean requireClientCertificate,
        int maxBodyBytes,
        int maxBatchBodyBytes,
        Duration requestTimeout,
        Duration idleTimeout,
        int rateLimitPerMinute,
        int rateLimitBurst,
        Path dataDir,
        ZoneId timeZone,
        int downAfterMissedReports,
        Duration rawRetention,
        Duration hourlyRetention,
        StoreConfig store,
        Duration refreshInterval,
        Duration groupCommitWindow,
        Duration pushInterval,
        boolean requireAgentCredentials,
        boolean anonymousRead,
        Users users,
        Optional<String> enrolmentToken,
        Path enrolmentTokenFile,
        CarbonPolicy carbon,
        CarbonConfig.Fetch intensityFetch,
        AlertingConfig alerting,
        ServiceSettings services,
        InfluxConfig influx,
        SnmpConfig snmp,
        SustainabilityConfig sustainability,
        CarbonWindowsConfig carbonWindows,
        AgentSettingsConfig agentSettings,
        ClusterConfig cluster) {

    /** How the collector reads the files that {@code <key>_file} secrets name: from the disk, at start. */
    public static final Settings.SecretFiles SECRET_FILES = path -> Files.readString(Path.of(path));

    /**
     * Reads every section even when one before it is wrong, and reports every problem found (each bad
     * typed value, and the first problem of each section) in one ConfigException.
     */
    public static CollectorConfig from(Settings s) {
        return s.reportingEveryProblem(() -> read(s));
    }

    private static CollectorConfig read(Settings s) {
        Settings http = s.section("http");
        String host = http.string("host", "127.0.0.1");
        Optional<Path> cert = path(http, "tls.cert_file");
        Optional<Path> privateKey = path(http, "tls.key_file");
        Optional<Path> clientCa = path(http, "tls.client_ca_file");
        boolean requireClientCert = s.bool("security.agents.require_client_certificate", false);
        boolean allowPlain = http.bool("allow_plain_http", false);
        // a bad zone is reported; the sections that need one are still read, on the system's
        ZoneId zone = s.attempt(() -> zone(s.string("time_zone", ZoneId.systemDefault().getId())), ZoneId.systemDefault());
        CollectorConfig config = new CollectorConfig(
                host,
                http.integer("port", 8080, 0, 65535),
                cert,
                privateKey,
                clientCa,
                requireClientCert,
                http.integer("max_body_bytes", 65_536, 1_024, 16 * 1024 * 1024),
                http.integer("max_batch_body_bytes", 4 * 1024 * 1024, 1_024, 64 * 1024 * 1024),
                http.duration("request_timeout", Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofMinutes(10)),
                http.duration("idle_timeout", Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofHours(1)),
                http.integer("rate_limit.requests_per_minute_per_device", 60, 1, 1_000_000),
                http.integer("rate_limit.burst", 30, 1, 1_000_000),
                Path.of(s.string("data_dir", "data")),
                zone,
                s.integer("devices.down_after_missed_reports", 3, 1, 1000),
                s.duration("storage.raw_retention", Duration.ofDays(14), Duration.ofDays(1), Duration.ofDays(3650)),
                s.duration("storage.hourly_retention", Duration.ofDays(400), Duration.ofDays(31), Duration.ofDays(36500)),
                s.attempt(() -> StoreConfig.from(s), null),
                s.duration("storage.refresh_interval", Duration.ofSeconds(15), Duration.ofSeconds(1), Duration.ofHours(1)),
                s.duration("storage.group_commit_window", Duration.ofMillis(5), Duration.ZERO, Duration.ofSeconds(1)),
                s.duration("dashboard.push_interval", Duration.ofSeconds(2), Duration.ofMillis(250), Duration.ofMinutes(5)),
                s.bool("security.agents.require_credentials", true),
                s.bool("security.read.anonymous", false),
                s.attempt(() -> users(s), null),
                // not secret(): the collector makes this file when it is missing (security.EnrolmentToken), so it is no plain secret file
                s.attempt(() -> s.environmentSecret("security.agents.enrolment_token"), Optional.empty()),
                Path.of(s.string("security.agents.enrolment_token_file", Path.of(s.string("data_dir", "data"), "enrolment-token").toString())),
                s.attempt(() -> CarbonConfig.policy(s, zone), null),
                s.attempt(() -> CarbonConfig.fetch(s), null),
                s.attempt(() -> AlertingConfig.from(s), null),
                s.attempt(() -> ServiceSettings.from(s), null),
                s.attempt(() -> InfluxConfig.from(s, Path.of(s.string("data_dir", "data"))), null),
                s.attempt(() -> SnmpConfig.from(s), null),
                s.attempt(() -> SustainabilityConfig.from(s, zone), null),
                s.attempt(() -> CarbonWindowsConfig.from(s), null),
                s.attempt(() -> AgentSettingsConfig.from(s), null),
                s.attempt(() -> ClusterConfig.from(s), null));
        // checked after the sections, so that a problem here is reported with theirs
        if (cert.isPresent() != privateKey.isPresent()) {
            throw new ConfigException("http.tls.cert_file and http.tls.key_file go together: set both for TLS, or neither");
        }
        if (cert.isEmpty() && !Hosts.isLoopback(host) && !allowPlain) {
            throw new ConfigException("http.host " + host + " is reachable from the network but TLS is off: set http.tls.cert_file and "
                    + "http.tls.key_file, or http.allow_plain_http: true if a TLS-terminating proxy stands in front");
        }
        if (clientCa.isPresent() && cert.isEmpty()) {
            throw new ConfigException("http.tls.client_ca_file needs TLS: set http.tls.cert_file and http.tls.key_file too");
        }
        if (requireClientCert && clientCa.isEmpty()) {
            throw new ConfigException("security.agents.require_client_certificate needs http.tls.client_ca_file, the CA that signs agents' certificates");
        }
        return config;
    }

    private static Users users(Settings s) {
        Map<String, Users.User> users = new LinkedHashMap<>();
        for (String name : s.children("security.users")) {
            String key = "security.users." + name;
            String hash = s.string(key + ".password_hash", "");
            if (!Users.isPasswordHash(hash)) {
                throw new ConfigException(key + ".password_hash must be a hash made by 'java -jar kilowatch-collector.jar hash-password'");
            }
            users.put(name, new Users.User(role(s, key + ".role"), hash));
        }
        Map<String, Users.ApiToken> tokens = new LinkedHashMap<>();
        for (String name : s.children("security.api_tokens")) {
            String key = "security.api_tokens." + name;
            String sha = s.string(key + ".sha256", "");
            if (!Users.isTokenHash(sha)) {
                throw new ConfigException(key + ".sha256 must be the 64-hex SHA-256 printed by 'java -jar kilowatch-collector.jar new-api-token'");
            }
            tokens.put(name, new Users.ApiToken(role(s, key + ".role"), sha));
        }
        return new Users(users, tokens);
    }

    private static Role role(Settings s, String key) {
        String label = s.string(key, "viewer");
        return Role.fromLabel(label).orElseThrow(() -> new ConfigException(key + " must be viewer or admin, got '" + label + "'"));
    }

    private static Optional<Path> path(Settings s, String key) {
        String value = s.string(key, "");
        return value.isBlank() ? Optional.empty() : Optional.of(Path.of(value));
    }

    private static ZoneId zone(String id) {
        try {
            return ZoneId.of(id);
        } catch (DateTimeException e) {
            throw new ConfigException("time_zone must be an IANA time zone such as Europe/London, got '" + id + "'");
        }
    }
}
