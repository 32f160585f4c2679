package io.kilowatch.collector.snmp;

import io.kilowatch.collector.cluster.ClusterConfig;
import io.kilowatch.core.config.ConfigException;
import io.kilowatch.core.config.Settings;
import io.kilowatch.core.energy.DeviceClass;
import io.kilowatch.core.energy.PowerModel;
import io.kilowatch.core.report.ReportValidator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code snmp} section of the collector's config (docs/snmp.md): poll settings, named auth profiles
 * kept apart from the targets that use them (as snmp_exporter's {@code auths}), targets, the trap
 * receiver and discovery. Secrets (communities, pass phrases) come from the environment or from files,
 * never from the config file itself.
 */
public record SnmpConfig(
        boolean enabled,
        Duration interval,
        Duration timeout,
        int retries,
        int maxConcurrentPolls,
        int maxOidsPerRequest,
        int maxRepetitions,
        int downAfterFailedPolls,
        Optional<Path> profilesDir,
        Map<String, Auth> auths,
        Map<String, Target> targets,
        Traps traps,
        Discovery discovery) {

    public enum Version { V1, V2C, V3 }

    public enum Level { NO_AUTH_NO_PRIV, AUTH_NO_PRIV, AUTH_PRIV }

    /**
     * How to talk to a device. For v1/v2c only {@code community} matters; for v3 the user and protocols.
     * {@link #toString()} leaves the secrets out, so an auth never reaches a log.
     */
    public record Auth(String name, Version version, String community, String username, Level level,
                       String authProtocol, String authPassword, String privProtocol, String privPassword) {
        @Override
        public String toString() {
            return "Auth[" + name + ", " + version + (version == Version.V3 ? ", user " + username + ", " + level + ", " + authProtocol + "/" + privProtocol : "") + "]";
        }
    }

    /**
     * One device to poll.
     *
     * @param id the device id it has in Kilowatch
     * @param profiles the profiles to use whatever the device answers, or empty to probe its capabilities
     * @param model the class's default model unless the target overrides it
     * @param feeds devices whose power this one's measurement includes (a PDU's servers): see reconciliation
     * @param outlets a PDU's outlet number to the device plugged into it, whose power that outlet measures (calibration)
     * @param pollerGroup only collectors in this poller group poll it ({@code cluster.poller_groups}), as a remote site's own
     */
    public record Target(String id, String address, int port, Auth auth, List<String> profiles, Duration interval,
                         Map<String, String> labels, DeviceClass deviceClass, PowerModel model, List<String> feeds,
                         Map<Long, String> outlets, String pollerGroup) {
        public Target {
            outlets = Map.copyOf(outlets);
        }
    }

    /** @param auths the auth profiles whose communities and users may send traps */
    public record Traps(boolean enabled, String host, int port, List<Auth> auths, Map<String, List<String>> kinds) {
    }

    public record Discovery(Optional<String> cidr, int port, Optional<Auth> auth, Duration interval, int maxConcurrent, double maxPerSecond,
                            String deviceClass, Map<String, String> labels) {
    }

    static final String[] AUTH_PROTOCOLS = {"md5", "sha", "sha-224", "sha-256", "sha-384", "sha-512"};
    static final String[] PRIV_PROTOCOLS = {"des", "aes", "aes-192", "aes-256"};

    /** Built-in trap kinds and their notification OIDs (SNMPv2-MIB, IF-MIB, UPS-MIB, APC PowerNet). */
    static final Map<String, List<String>> DEFAULT_TRAP_KINDS = defaultTrapKinds();

    private static Map<String, List<String>> defaultTrapKinds() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("cold_start", List.of("1.3.6.1.6.3.1.1.5.1"));
        m.put("warm_start", List.of("1.3.6.1.6.3.1.1.5.2"));
        m.put("link_down", List.of("1.3.6.1.6.3.1.1.5.3"));
        m.put("link_up", List.of("1.3.6.1.6.3.1.1.5.4"));
        // UPS-MIB upsTrapOnBattery; APC upsOnBattery
        m.put("on_battery", List.of("1.3.6.1.2.1.33.2.0.1", "1.3.6.1.4.1.318.0.5"));
        // APC lowBattery; UPS-MIB reports low battery as an alarm (upsTrapAlarmEntryAdded) naming upsAlarmLowBattery
        m.put("low_battery", List.of("1.3.6.1.4.1.318.0.7"));
        m.put("ups_alarm", List.of("1.3.6.1.2.1.33.2.0.3"));
        return m;
    }

    public static SnmpConfig from(Settings settings) {
        Settings s = settings.section("snmp");
        boolean enabled = s.bool("enabled", false);
        Duration interval = s.duration("interval", Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofHours(1));
        Map<String, Auth> auths = new LinkedHashMap<>();
        for (String name : s.children("auths")) {
            auths.put(name, auth(s.section("auths").section(name), name));
        }
        Map<String, Target> targets = new LinkedHashMap<>();
        for (String id : s.children("targets")) {
            if (!ReportValidator.DEVICE_ID.matcher(id).matches()) {
                throw new ConfigException(s.key("targets." + id) + ": a target's name is its device id: 1-128 letters, digits, '.', '_', ':' or '-'");
            }
            targets.put(id, target(s.section("targets").section(id), id, auths, interval));
        }
        for (Target t : targets.values()) {
            for (String fed : t.feeds()) {
                if (fed.equals(t.id())) {
                    throw new ConfigException(s.key("targets." + t.id() + ".feeds") + " names the target itself");
                }
            }
            t.outlets().forEach((outlet, device) -> {
                if (device.equals(t.id())) {
                    throw new ConfigException(s.key("targets." + t.id() + ".outlets." + outlet + ".device") + " names the target itself");
                }
            });
        }
        Settings trapSettings = s.section("traps");
        List<Auth> trapAuths = names(trapSettings, "auths").stream().map(n -> authNamed(auths, n, trapSettings.key("auths"))).toList();
        boolean trapsOn = trapSettings.bool("enabled", false);
        if (trapsOn && trapAuths.isEmpty()) {
            throw new ConfigException(trapSettings.key("auths") + " must name the auth profiles whose traps are accepted (comma-separated)");
        }
        Map<String, List<String>> kinds = new LinkedHashMap<>(DEFAULT_TRAP_KINDS);
        for (String kind : trapSettings.children("kinds")) {
            String key = trapSettings.key("kinds." + kind);
            if (!kind.matches("[a-z][a-z0-9_]{0,31}")) {
                throw new ConfigException(key + ": a kind is snake_case, 1-32 characters");
            }
            kinds.put(kind, names(trapSettings, "kinds." + kind).stream().map(oid -> {
                String n = io.kilowatch.core.snmp.Oids.normalise(oid);
                if (n == null) {
                    throw new ConfigException(key + " must list numeric notification OIDs, got '" + oid + "'");
                }
                return n;
            }).toList());
        }
        Traps traps = new Traps(trapsOn, trapSettings.string("host", "127.0.0.1"), trapSettings.integer("port", 9162, 0, 65535),
                trapAuths, Map.copyOf(kinds));
        return new SnmpConfig(enabled, interval,
                s.duration("timeout", Duration.ofSeconds(2), Duration.ofMillis(100), Duration.ofMinutes(1)),
                s.integer("retries", 1, 0, 10),
                s.integer("max_concurrent_polls", 64, 1, 10_000),
                s.integer("max_oids_per_request", 32, 1, 128),
                s.integer("max_repetitions", 25, 1, 200),
                s.integer("down_after_failed_polls", 3, 1, 1000),
                Optional.of(s.string("profiles_dir", "")).filter(p -> !p.isBlank()).map(Path::of),
                Map.copyOf(auths), targets, traps, discovery(s.section("discovery"), auths));
    }

    private static Discovery discovery(Settings d, Map<String, Auth> auths) {
        Optional<String> cidr = Optional.of(d.string("cidr", "")).filter(c -> !c.isBlank());
        cidr.ifPresent(c -> {
            try {
                io.kilowatch.core.snmp.Cidr.hosts(c);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(d.key("cidr") + ": " + e.getMessage());
            }
        });
        String discoveryAuth = d.string("auth", "");
        if (cidr.isPresent() && discoveryAuth.isBlank()) {
            throw new ConfigException(d.key("auth") + " must name the auth profile to try on " + d.key("cidr"));
        }
        return new Discovery(cidr, d.integer("port", 161, 1, 65535),
                discoveryAuth.isBlank() ? Optional.empty() : Optional.of(authNamed(auths, discoveryAuth, d.key("auth"))),
                d.duration("interval", Duration.ofHours(6), Duration.ofMinutes(1), Duration.ofDays(30)),
                d.integer("max_concurrent", 16, 1, 1024),
                d.number("max_per_second", 20, 0.1, 10_000),
                deviceClass(d, "class"),
                labels(d));
    }

    private static Auth authNamed(Map<String, Auth> auths, String name, String key) {
        Auth a = auths.get(name);
        if (a == null) {
            throw new ConfigException(key + " names auth profile '" + name + "', which is not under snmp.auths (known: "
                    + String.join(", ", auths.keySet()) + ")");
        }
        return a;
    }

    /** @param a the auth profile's section, {@code snmp.auths.<name>} */
    private static Auth auth(Settings a, String name) {
        Version version = choice(a, "version", "v3", Version.class);
        if (version != Version.V3) {
            String community = a.secret("community").orElseThrow(() -> new ConfigException(a.key("community") + " is required for "
                    + version.name().toLowerCase(Locale.ROOT) + ": set " + Settings.envName("KILOWATCH_COLLECTOR_", a.key("community"))
                    + " or " + a.key("community_file")));
            return new Auth(name, version, community, null, null, null, null, null, null);
        }
        String user = a.string("username", "");
        if (user.isBlank()) {
            throw new ConfigException(a.key("username") + " is required for v3");
        }
        Level level = choice(a, "security_level", "auth_priv", Level.class);
        String authProtocol = oneOf(a, "auth_protocol", "sha-256", AUTH_PROTOCOLS);
        String privProtocol = oneOf(a, "priv_protocol", "aes", PRIV_PROTOCOLS);
        String authPass = null;
        String privPass = null;
        if (level != Level.NO_AUTH_NO_PRIV) {
            authPass = password(a, "auth_password");
        }
        if (level == Level.AUTH_PRIV) {
            privPass = password(a, "priv_password");
        }
        return new Auth(name, version, null, user, level, authProtocol, authPass, privProtocol, privPass);
    }

    private static String password(Settings a, String key) {
        String value = a.secret(key).orElseThrow(() -> new ConfigException(a.key(key) + " is required: set "
                + Settings.envName("KILOWATCH_COLLECTOR_", a.key(key)) + " or " + a.key(key + "_file")));
        if (value.length() < 8) {
            throw new ConfigException(a.key(key) + " must be at least 8 characters (RFC 3414)");
        }
        return value;
    }

    /** @param t the target's section, {@code snmp.targets.<id>} */
    private static Target target(Settings t, String id, Map<String, Auth> auths, Duration defaultInterval) {
        String address = t.string("address", "");
        if (address.isBlank()) {
            throw new ConfigException(t.key("address") + " is required (a host name or IP address)");
        }
        String authName = t.string("auth", "");
        if (authName.isBlank()) {
            throw new ConfigException(t.key("auth") + " must name an auth profile under snmp.auths");
        }
        Auth auth = authNamed(auths, authName, t.key("auth"));
        DeviceClass cls = DeviceClass.fromLabel(t.string("class", "network_device")).orElseThrow(() ->
                new ConfigException(t.key("class") + " must be one of " + DeviceClass.allLabels()));
        double idle = t.number("idle_watts", cls.defaultModel().idleWatts(), 0, 100_000);
        double max = t.number("max_watts", Math.max(idle, cls.defaultModel().maxWatts()), 0, 100_000);
        if (max < idle) {
            throw new ConfigException(t.key("max_watts") + " (" + max + ") must be at least idle_watts (" + idle + ")");
        }
        List<String> feeds = names(t, "feeds");
        List<String> profiles = new java.util.ArrayList<>(names(t, "profile"));
        profiles.addAll(names(t, "profiles"));
        Map<String, String> labels = labels(t);
        labels.put("class", cls.label());
        return new Target(id, address.trim(), t.integer("port", 161, 1, 65535), auth,
                profiles.stream().distinct().toList(),
                t.duration("interval", defaultInterval, Duration.ofSeconds(1), Duration.ofHours(1)),
                labels, cls, new PowerModel(idle, max), feeds, outlets(t), pollerGroup(t));
    }

    /** {@code outlets.<n>.device}: which device each numbered outlet feeds (a device with two supplies on two outlets is named twice). */
    private static Map<Long, String> outlets(Settings t) {
        Map<Long, String> outlets = new java.util.TreeMap<>();
        for (String n : t.children("outlets")) {
            String key = t.key("outlets." + n + ".device");
            if (!n.matches("[0-9]{1,6}")) {
                throw new ConfigException(t.key("outlets." + n) + ": an outlet is its number on the PDU (1-999999)");
            }
            String device = t.section("outlets").section(n).string("device", "").trim();
            if (!ReportValidator.DEVICE_ID.matcher(device).matches()) {
                throw new ConfigException(key + " must be the device id plugged into outlet " + n);
            }
            outlets.put(Long.parseLong(n), device);
        }
        return outlets;
    }

    private static String pollerGroup(Settings t) {
        String group = t.string("poller_group", ClusterConfig.DEFAULT_GROUP).trim();
        if (!group.matches("[A-Za-z0-9._:-]{1,128}")) {
            throw new ConfigException(t.key("poller_group") + " must be 1-128 letters, digits, '.', '_', ':' or '-', got '" + group + "'");
        }
        return group;
    }

    /** A comma-separated list of names (config values are single values, never YAML lists). */
    private static List<String> names(Settings s, String key) {
        return Arrays.stream(s.string(key, "").split(",")).map(String::trim).filter(f -> !f.isEmpty()).toList();
    }

    private static Map<String, String> labels(Settings s) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (String label : List.of("org", "site", "department")) {
            String v = s.string(label, "");
            if (!v.isBlank()) {
                labels.put(label, v);
            }
        }
        return labels;
    }

    private static String deviceClass(Settings s, String key) {
        String label = s.string(key, "network_device");
        return DeviceClass.fromLabel(label).orElseThrow(() -> new ConfigException(s.key(key) + " must be one of " + DeviceClass.allLabels())).label();
    }

    private static <E extends Enum<E>> E choice(Settings s, String key, String fallback, Class<E> type) {
        String value = s.string(key, fallback).trim().toLowerCase(Locale.ROOT);
        for (E e : type.getEnumConstants()) {
            if (e.name().toLowerCase(Locale.ROOT).equals(value)) {
                return e;
            }
        }
        throw new ConfigException(s.key(key) + " must be one of " + String.join(", ",
                Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList()) + ", got '" + value + "'");
    }

    private static String oneOf(Settings s, String key, String fallback, String[] allowed) {
        String value = s.string(key, fallback).trim().toLowerCase(Locale.ROOT);
        if (!Arrays.asList(allowed).contains(value)) {
            throw new ConfigException(s.key(key) + " must be one of " + String.join(", ", allowed) + ", got '" + value + "'");
        }
        return value;
    }
}
