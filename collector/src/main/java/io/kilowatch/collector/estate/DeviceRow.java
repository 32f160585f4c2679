package io.kilowatch.collector.estate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A device as the store keeps it, grouped like the {@link io.kilowatch.core.report.Report} it comes from: the labels
 * its reports gave it, its host, when and how it reports, its newest readings, the collector's running totals, the
 * agent's own state and its inventory. Times are epoch milliseconds (portable across SQLite and PostgreSQL).
 */
public record DeviceRow(
        String deviceId,
        Identity identity,
        Host host,
        Reporting reporting,
        Utilisation utilisation,
        Power power,
        Counted counted,
        AgentSelf agent,
        Inventory inventory) {

    /** The names of the labels a report gives its device: what rules, service selectors and alerts match on. */
    public static final List<String> LABELS = List.of("org", "site", "department", "class");

    /** The labels its metrics and InfluxDB points carry as tags, beside {@code device}, each empty when unset. */
    public static final List<String> TAG_LABELS = List.of("org", "site", "class");

    /** The labels its reports gave it, in {@link #LABELS} order, each only when set. */
    public Map<String, String> labels() {
        Map<String, String> labels = new LinkedHashMap<>();
        for (String name : LABELS) {
            String value = label(name);
            if (value != null && !value.isBlank()) {
                labels.put(name, value);
            }
        }
        return labels;
    }

    /** One of {@link #LABELS} as stored, null when its reports never set it: the one place a label's name meets its field. */
    public String label(String name) {
        return switch (name) {
            case "org" -> identity.org;
            case "site" -> identity.site;
            case "department" -> identity.department;
            case "class" -> identity.deviceClass;
            default -> throw new IllegalArgumentException("not a device label: " + name);
        };
    }

    /** Who the device belongs to and what kind it is: its org, site, department and class labels, each null when unset. */
    public record Identity(String org, String site, String department, String deviceClass) {
    }

    public record Host(String hostname, String os, long bootTimeMs, Integer sessions) {
    }

    /**
     * @param lastSeenMs the agent's timestamp of its newest report
     * @param receivedMs when the collector received that report
     * @param lastSequence that report's sequence number
     * @param stoppedMs when the agent last stopped cleanly (shutdown or service stop) and has not reported since, else null
     */
    public record Reporting(long firstSeenMs, long lastSeenMs, long receivedMs, long lastSequence, long intervalMs, Long stoppedMs) {
    }

    public record Utilisation(double cpuRatio, Long memoryUsedBytes, Long memoryTotalBytes) {
    }

    /**
     * @param source how {@code watts} was obtained: rapl, battery, model, or an SNMP source
     * @param counterStartMs the agent's energy counter start, with {@code counterJoules}, the baseline for the next delta
     * @param counterJoules the agent's energy counter in its newest report
     */
    public record Power(double watts, String source, long counterStartMs, double counterJoules) {
    }

    /**
     * What the collector has counted for this device.
     *
     * @param energyJoulesTotal energy, monotonic
     * @param carbonGramsTotal operational carbon of that energy, monotonic
     */
    public record Counted(double energyJoulesTotal, double carbonGramsTotal) {
    }

    /**
     * The agent itself, from its newest report; every field null when that report did not say.
     *
     * @param backlogReports reports waiting in the agent's spool when it made its newest report
     * @param droppedReportsTotal reports the agent ever dropped because its spool was full
     */
    public record AgentSelf(String version, Double cpuRatio, Long rssBytes, Integer backlogReports, Long droppedReportsTotal) {
    }

    /** The agent's newest inventory as JSON and when the collector received it; both null before the first. */
    public record Inventory(String json, Long updatedMs) {
    }
}
