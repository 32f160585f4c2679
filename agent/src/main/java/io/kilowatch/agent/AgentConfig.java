package io.kilowatch.agent;

import io.kilowatch.agent.service.WindowsInstallation;
import io.kilowatch.agent.snmp.SnmpConfig;
import io.kilowatch.core.carbon.AnnualGridFactors;
import io.kilowatch.core.carbon.GridFactorSettings;
import io.kilowatch.core.config.ConfigException;
import io.kilowatch.core.config.Settings;
import io.kilowatch.core.energy.DeviceClass;
import io.kilowatch.core.energy.PowerModel;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import io.kilowatch.core.agentsettings.CentralSettings;

/**
 * The agent's settings, read once at start from {@link Settings}. Every key, its default and unit is
 * documented in agent/kilowatch-agent.yaml and docs/configuration.md.
 */
public record AgentConfig(
        List<URI> collectorUrls,
        Duration failbackInterval,
        Duration collectorTimeout,
        Optional<String> enrolmentToken,
        Optional<Path> tlsCaFile,
        Optional<Path> tlsCertFile,
        Optional<Path> tlsKeyFile,
        String deviceId,
        DeviceClass deviceClass,
        Map<String, String> labels,
        Duration reportInterval,
        Duration sampleInterval,
        Path dataDir,
        int backlogMaxReports,
        int backlogBatchReports,
        Duration retryMaxBackoff,
        List<String> powerSources,
        PowerModel powerModel,
        double displayWattsEach,
        boolean countDisplays,
        Path raplRoot,
        double raplPsuEfficiency,
        double raplPlatformWatts,
        Duration inventoryRefresh,
        AnnualGridFactors gridFactors,
        double pue,
        SnmpConfig snmp,
        Set<String> localSettingKeys) {

    public static final List<String> KNOWN_SOURCES = List.of("rapl", "battery", "model");

    /** How the agent reads the files that {@code <key>_file} secrets name ({@link Settings#secret}): from the disk, at start. */
    public static final Settings.SecretFiles SECRET_FILES = path -> Files.readString(Path.of(path));

    /** Board, disks, fans and NIC beside what RAPL sees: Kilowatch estimates, see docs/power-sources.md. */
    static double defaultPlatformWatts(DeviceClass c) {
        return switch (c) {
            case DESKTOP -> 12.0;
            case LAPTOP -> 4.0;
            case THIN_CLIENT -> 3.0;
            case SERVER, STORAGE -> 40.0;
            // the classes SNMP polls rarely run an agent; their board is unknown, so nothing is added
            default -> 0.0;
        };
    }

    public static AgentConfig from(Settings s) {
        List<URI> collectors = uris(s, "collector.url", "http://127.0.0.1:8080");
        Duration timeout = s.duration("collector.timeout", Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofMinutes(5));
        Optional<Path> tlsCert = optionalPath(s, "collector.tls.cert_file");
        Optional<Path> tlsKey = optionalPath(s, "collector.tls.key_file");
        if (tlsCert.isPresent() != tlsKey.isPresent()) {
            throw new ConfigException("collector.tls.cert_file and collector.tls.key_file go together: set both for mutual TLS, or neither");
        }
        Optional<String> enrolmentToken = s.secret("collector.enrolment_token");
        String deviceId = s.string("device.id", "");
        String classLabel = s.string("device.class", "desktop");
        DeviceClass deviceClass = DeviceClass.fromLabel(classLabel).orElseThrow(() ->
                new ConfigException("device.class must be one of " + DeviceClass.allLabels() + ", got '" + classLabel + "'"));
        Map<String, String> labels = new LinkedHashMap<>();
        for (String key : List.of("org", "site", "department")) {
            String value = s.string("device.labels." + key, "");
            if (!value.isBlank()) {
                labels.put(key, value.trim());
            }
        }
        labels.put("class", deviceClass.label());
        Duration reportInterval = s.duration("report_interval", Duration.ofSeconds(15), Duration.ofSeconds(1), Duration.ofHours(1));
        // OSHI caches CPU ticks for about 300 ms, so faster sampling would read the same ticks twice.
        Duration sampleInterval = s.duration("sample_interval", Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofMinutes(1));
        if (sampleInterval.compareTo(reportInterval) > 0) {
            sampleInterval = reportInterval;
        }
        Path dataDir = Path.of(s.string("data_dir", defaultDataDir().toString()));
        int backlog = s.integer("backlog.max_reports", 10_000, 1, 10_000_000);
        List<String> sources = Arrays.stream(s.string("power.sources", "rapl,battery,model").split(","))
                .map(x -> x.trim().toLowerCase(Locale.ROOT)).filter(x -> !x.isEmpty()).toList();
        for (String source : sources) {
            if (!KNOWN_SOURCES.contains(source)) {
                throw new ConfigException("power.sources: unknown source '" + source + "'; use rapl, battery, model");
            }
        }
        PowerModel classModel = deviceClass.defaultModel();
        double idle = s.number("power.model.idle_watts", classModel.idleWatts(), 0, 100_000);
        double max = s.number("power.model.max_watts", Math.max(idle, classModel.maxWatts()), 0, 100_000);
        if (max < idle) {
            throw new ConfigException("power.model.max_watts (" + max + ") must not be below power.model.idle_watts (" + idle + ")");
        }
        return new AgentConfig(
                collectors,
                s.duration("collector.failback_interval", Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofDays(1)),
                timeout,
                enrolmentToken,
                optionalPath(s, "collector.tls.ca_file"),
                tlsCert,
                tlsKey,
                deviceId,
                deviceClass,
                Map.copyOf(labels),
                reportInterval,
                sampleInterval,
                dataDir,
                backlog,
                s.integer("backlog.batch_reports", 100, 1, 500),
                s.duration("collector.retry_max_backoff", Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofHours(1)),
                sources,
                new PowerModel(idle, max),
                s.number("power.displays.watts_each", 20.0, 0, 1_000),
                s.bool("power.displays.count", deviceClass != DeviceClass.SERVER),
                Path.of(s.string("power.rapl.sysfs_root", "/sys/class/powercap")),
                s.number("power.rapl.psu_efficiency", 0.87, 0.3, 1.0),
                s.number("power.rapl.platform_watts", defaultPlatformWatts(deviceClass), 0, 10_000),
                s.duration("inventory.refresh", Duration.ofHours(6), Duration.ofMinutes(1), Duration.ofDays(30)),
                GridFactorSettings.read(s, "carbon", AnnualGridFactors.ukDesnz()),
                s.number("carbon.pue", 1.0, 1.0, 10.0),
                SnmpConfig.from(s, Settings::secret),
                // what the agent's own config sets wins over the collector's rules; an empty value (as the example's labels) sets nothing
                CentralSettings.KEYS.stream().filter(k -> s.isSet(k) && !s.string(k, "").isBlank()).collect(Collectors.toUnmodifiableSet()));
    }

    /** The settings the collector's rules may change, as this config gives them. */
    public CentralSettings.Effective localSettings() {
        return new CentralSettings.Effective(reportInterval, labels, powerModel);
    }

    private static Optional<Path> optionalPath(Settings s, String key) {
        String value = s.string(key, "");
        return value.isBlank() ? Optional.empty() : Optional.of(Path.of(value));
    }

    /** Where a service keeps state on each platform; a non-root user falls back to its home. */
    static Path defaultDataDir() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.contains("win")) {
            return Path.of(WindowsInstallation.stateDir(System.getenv()));
        }
        Path system = Path.of("/var/lib/kilowatch-agent");
        if ("root".equals(System.getProperty("user.name"))) {
            return system;
        }
        return Path.of(System.getProperty("user.home"), ".local", "state", "kilowatch-agent");
    }

    /** One or more comma-separated URLs, in order of preference. */
    private static List<URI> uris(Settings s, String key, String defaultValue) {
        List<URI> uris = Arrays.stream(s.string(key, defaultValue).split(",")).map(String::trim).filter(x -> !x.isEmpty())
                .map(text -> uri(key, text)).toList();
        if (uris.isEmpty()) {
            throw new ConfigException(key + " must name at least one http:// or https:// URL such as http://collector:8080");
        }
        return uris;
    }

    private static URI uri(String key, String text) {
        try {
            URI uri = URI.create(text);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("not http(s)");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key + " must be an http:// or https:// URL such as http://collector:8080, got '" + text + "'");
        }
    }
}
