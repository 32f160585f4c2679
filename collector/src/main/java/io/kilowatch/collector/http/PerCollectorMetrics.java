package io.kilowatch.collector.http;

import java.util.List;

/**
 * Which series of {@code /metrics} each collector exposes for itself, when several share one store. Every other series
 * describes the estate (devices, services, probes, alerts, grid intensity), which every collector holds the same view
 * of: only the collector holding the metrics duty exposes those, so that scraping every collector counts each device
 * once (docs/metrics.md, "Several collectors"). The series kept are this process's own work and footprint, which
 * differ per collector and add up across them.
 */
final class PerCollectorMetrics {
    /** Name prefixes of per-collector series; docs/metrics.md lists the same. */
    static final List<String> PREFIXES = List.of(
            "process_", "jvm_", "kilowatch_collector_",
            "kilowatch_ingest_",              // reports this collector received
            "kilowatch_site_",                // counters of the reports this collector stored, since it started
            "kilowatch_device_events",        // events this collector stored, since it started
            "kilowatch_snmp_",                // the SNMP targets this collector polls, the traps it received
            "kilowatch_influxdb_",            // this collector's output
            "kilowatch_grid_intensity_fetches",
            "kilowatch_notifications",
            "kilowatch_service_config_last_reload_successful");

    private PerCollectorMetrics() {
    }

    /** The exposition text with only per-collector families: their HELP, TYPE and sample lines. */
    static String only(String exposition) {
        StringBuilder kept = new StringBuilder(exposition.length() / 4);
        exposition.lines().filter(line -> isPerCollector(metricName(line))).forEach(line -> kept.append(line).append('\n'));
        return kept.toString();
    }

    private static String metricName(String line) {
        if (line.startsWith("# ")) {
            String[] words = line.split(" ", 4); // "# HELP name text", "# TYPE name type"
            return words.length > 2 ? words[2] : "";
        }
        int end = 0;
        while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
            end++;
        }
        return line.substring(0, end);
    }

    static boolean isPerCollector(String metricName) {
        return PREFIXES.stream().anyMatch(metricName::startsWith);
    }
}
