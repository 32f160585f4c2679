package io.kilowatch.core.report;

import java.time.Instant;
import java.util.Map;

/**
 * One agent report, schema version 1 or 2 (docs/report-schema.md). Field names in JSON are snake_case.
 *
 * @param sequence per-device number, starting at 1 and growing by one a report, kept across agent restarts
 * @param labels org, site, department and class from the agent's config
 * @param inventory sent on the first report after start and whenever it changes; null otherwise
 * @param sleeps (version 2) the periods the machine was asleep (suspended or hibernated) since the previous report; null for none
 * @param stopping (version 2) true on the agent's last report before it stops cleanly (service stop, OS shutdown); null otherwise
 */
public record Report(
        Integer schemaVersion,
        String deviceId,
        Long sequence,
        Instant timestamp,
        Double intervalSeconds,
        Map<String, String> labels,
        Host host,
        Utilisation utilisation,
        Power power,
        AgentSelf agent,
        Inventory inventory,
        java.util.List<Sleep> sleeps,
        Boolean stopping) {

    /** The base schema, which every collector takes. */
    public static final int SCHEMA_VERSION = 1;
    /** The schema with {@code sleeps} and {@code stopping}: sent only by a report that carries either. */
    public static final int SCHEMA_VERSION_POWER_STATES = 2;

    /** A version 1 report. */
    public Report(Integer schemaVersion, String deviceId, Long sequence, Instant timestamp, Double intervalSeconds, Map<String, String> labels,
                  Host host, Utilisation utilisation, Power power, AgentSelf agent, Inventory inventory) {
        this(schemaVersion, deviceId, sequence, timestamp, intervalSeconds, labels, host, utilisation, power, agent, inventory, null, null);
    }

    /** The lowest schema version that can carry these power states, so a report without them still reaches an older collector. */
    public static int schemaVersionFor(java.util.List<Sleep> sleeps, Boolean stopping) {
        return (sleeps != null && !sleeps.isEmpty()) || Boolean.TRUE.equals(stopping) ? SCHEMA_VERSION_POWER_STATES : SCHEMA_VERSION;
    }

    /** A period the machine was asleep: from when the agent last ran before it to when it ran again. */
    public record Sleep(Instant start, Instant end) {
    }

    public record Host(String hostname, String os, Instant bootTime, Double uptimeSeconds, Integer sessions) {
    }

    public record Utilisation(Double cpuRatio, Long memoryUsedBytes, Long memoryTotalBytes) {
    }

    /**
     * @param source how {@code watts} was obtained: rapl, battery or model
     * @param energyJoulesTotal the agent's monotonic energy counter
     * @param counterStart when that counter was last at zero; a new value means the counter was reset
     */
    public record Power(Double watts, String source, Double energyJoulesTotal, Instant counterStart) {
    }

    /**
     * The agent itself: its footprint (share of the machine's CPU, 0..1, and resident memory), the
     * reports waiting in its spool, and how many it has ever dropped because the spool was full.
     */
    public record AgentSelf(String version, Double cpuRatio, Long rssBytes, Integer backlogReports, Long droppedReportsTotal) {
    }
}
