package io.kilowatch.collector.cluster;

import io.kilowatch.core.config.ConfigException;
import io.kilowatch.core.config.Settings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code cluster} section (docs/configuration.md): who this collector is among several on one store, how long its
 * leases last, and which poller groups' SNMP targets it polls.
 *
 * @param leaseDuration how long a lease lasts unrenewed: a dead collector's duties and targets move within it (plus one renewal)
 * @param pollerGroups the poller groups whose SNMP targets this collector polls
 */
public record ClusterConfig(String collectorId, Duration leaseDuration, List<String> pollerGroups) {
    /** The poller group of a target that names none, and of a collector that names none. */
    public static final String DEFAULT_GROUP = "default";
    private static final String NAME = "[A-Za-z0-9._:-]{1,128}";

    /** Leases are renewed three times in a lease duration, so one slow or failed renewal does not lose them. */
    public Duration renewInterval() {
        return leaseDuration.dividedBy(3);
    }

    public static ClusterConfig from(Settings settings) {
        Settings s = settings.section("cluster");
        String id = s.string("collector_id", defaultId());
        if (!id.matches(NAME)) {
            throw new ConfigException(s.key("collector_id") + " must be 1-128 letters, digits, '.', '_', ':' or '-', got '" + id + "'");
        }
        List<String> groups = Arrays.stream(s.string("poller_groups", DEFAULT_GROUP).split(",")).map(String::trim).filter(g -> !g.isEmpty())
                .distinct().toList();
        for (String g : groups) {
            if (!g.matches(NAME)) {
                throw new ConfigException(s.key("poller_groups") + ": a group name is 1-128 letters, digits, '.', '_', ':' or '-', got '" + g + "'");
            }
        }
        return new ClusterConfig(id, s.duration("lease_duration", Duration.ofSeconds(15), Duration.ofSeconds(3), Duration.ofMinutes(10)), groups);
    }

    /** The host name and process id: unique among collectors running at once, and readable in the API. */
    static String defaultId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = System.getenv().getOrDefault("HOSTNAME", "collector");
        }
        String id = host.replaceAll("[^A-Za-z0-9._-]", "-") + "-" + ProcessHandle.current().pid();
        return id.length() > 128 ? id.substring(id.length() - 128) : id;
    }
}
