package io.kilowatch.collector.estate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A device as the store keeps it: identity and labels, its latest report's readings, and the
 * collector's running totals. Times are epoch milliseconds (portable across SQLite and PostgreSQL).
 *
 * @param lastSeenMs the agent's timestamp of its newest report
 * @param counterStartMs the agent's energy counter start, with {@code counterJoules}, the baseline for the next delta
 * @param energyJoulesTotal energy the collector has counted for this device, monotonic
 * @param carbonGramsTotal operational carbon of that energy, monotonic
 * @param agentBacklogReports reports waiting in the agent's spool when it made its newest report
 * @param agentDroppedReportsTotal reports the agent ever dropped because its spool was full
 * @param stoppedMs when the agent last stopped cleanly (shutdown or service stop) and has not reported since, else null
 */
public record DeviceRow(
        String deviceId,
        String hostname,
        String os,
        String org,
        String site,
        String department,
        String deviceClass,
        long firstSeenMs,
        long lastSeenMs,
        long receivedMs,
        long lastSequence,
        long intervalMs,
        long bootTimeMs,
        double powerWatts,
        String powerSource,
        double cpuRatio,
        Long memoryUsedBytes,
        Long memoryTotalBytes,
        Integer sessions,
        long counterStartMs,
        double counterJoules,
        double energyJoulesTotal,
        double carbonGramsTotal,
        String agentVersion,
        Double agentCpuRatio,
        Long agentRssBytes,
        Integer agentBacklogReports,
        Long agentDroppedReportsTotal,
        String inventoryJson,
        Long inventoryUpdatedMs,
        Long stoppedMs) {

    /** The names of the labels a report gives its device: what rules, service selectors and alerts match on. */
    public static final List<String> LABELS = List.of("org", "site", "department", "class");

    /** The labels its reports gave it, in {@link #LABELS} order, each only when set. */
    public Map<String, String> labels() {
        Map<String, String> labels = new LinkedHashMap<>();
        String[] values = {org, site, department, deviceClass};
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null && !values[i].isBlank()) {
                labels.put(LABELS.get(i), values[i]);
            }
        }
        return labels;
    }
}
