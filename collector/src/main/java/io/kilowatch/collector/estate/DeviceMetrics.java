package io.kilowatch.collector.estate;

import static io.kilowatch.collector.http.PrometheusText.family;
import static io.kilowatch.collector.http.PrometheusText.label;
import static io.kilowatch.collector.http.PrometheusText.sample;

import io.kilowatch.collector.http.MetricsExposition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * Every device's series on /metrics (names per docs/metrics.md), written from the live {@link Estate} when scraped, as an
 * exporter's const metrics are. One Micrometer meter per device and series cost 12 meters per device (240,000 at
 * 20,000 devices): their memory, and registering them on each device's first report, which held the event loop for
 * the whole first interval of a roll-out (bench/ingest-load.sh).
 */
final class DeviceMetrics implements MetricsExposition.Part {
    private record Series(String name, String type, String help, ToDoubleFunction<DeviceRow> value) {
    }

    /** A device's own labels in name order, as Prometheus' client writes them; a family's extra label sorts after them all. */
    private static final List<String> LABEL_NAMES = Stream.concat(Stream.of("device"), DeviceRow.TAG_LABELS.stream()).sorted().toList();

    private final Estate estate;
    private final Clock clock;
    /** The families whose only labels are the device's, by name. */
    private final List<Series> series = List.of(
            new Series("kilowatch_agent_backlog_reports", "gauge", "Reports waiting in the agent's spool at its newest report",
                    r -> r.agent().backlogReports() == null ? Double.NaN : r.agent().backlogReports()),
            new Series("kilowatch_agent_dropped_reports_total", "counter", "Reports the agent dropped because its spool was full",
                    r -> r.agent().droppedReportsTotal() == null ? 0 : r.agent().droppedReportsTotal()),
            new Series("kilowatch_device_boot_time_seconds", "gauge", "Boot time as Unix time", r -> r.host().bootTimeMs() / 1000.0),
            new Series("kilowatch_device_carbon_grams_total", "counter", "Operational carbon (location-based, gCO2e) of that energy",
                    r -> r.counted().carbonGramsTotal()),
            new Series("kilowatch_device_cpu_utilization_ratio", "gauge", "CPU utilisation over the last report interval",
                    r -> r.utilisation().cpuRatio()),
            new Series("kilowatch_device_energy_joules_total", "counter", "Energy used, from the agent's energy counter",
                    r -> r.counted().energyJoulesTotal()),
            new Series("kilowatch_device_last_report_timestamp_seconds", "gauge",
                    "Time of the newest stored report, Unix time (data freshness)", r -> r.reporting().lastSeenMs() / 1000.0));

    DeviceMetrics(Estate estate, Clock clock) {
        this.estate = estate;
        this.clock = clock;
    }

    @Override
    public void writeTo(StringBuilder text) {
        Instant now = clock.instant();
        List<DeviceRow> rows = estate.rows();
        String[] labels = new String[rows.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = labels(rows.get(i));
        }
        for (Series s : series) {
            family(text, s.name(), s.type(), s.help());
            for (int i = 0; i < labels.length; i++) {
                sample(text, s.name(), labels[i], s.value().applyAsDouble(rows.get(i)));
            }
        }
        family(text, "kilowatch_device_availability_ratio", "gauge", "Time-weighted availability over the window");
        for (int i = 0; i < labels.length; i++) {
            for (Map.Entry<String, Duration> window : Estate.WINDOWS.entrySet()) {
                sample(text, "kilowatch_device_availability_ratio", labels[i], "window", window.getKey(),
                        estate.availability(rows.get(i), window.getValue(), now).orElse(Double.NaN));
            }
        }
        family(text, "kilowatch_device_power_watts", "gauge", "Power now, labelled with how it was obtained");
        for (int i = 0; i < labels.length; i++) {
            DeviceRow row = rows.get(i);
            sample(text, "kilowatch_device_power_watts", labels[i], "source", nz(row.power().source()), row.power().watts());
        }
        family(text, "kilowatch_device_up", "gauge", "1 when the device reported within its allowance, else 0");
        for (int i = 0; i < labels.length; i++) {
            sample(text, "kilowatch_device_up", labels[i], estate.isUp(rows.get(i), now) ? 1 : 0);
        }
    }

    /** device, org, site and class: what a device's series are told apart and grouped by. */
    private static String labels(DeviceRow row) {
        StringBuilder labels = new StringBuilder(96);
        for (String name : LABEL_NAMES) {
            if (!labels.isEmpty()) {
                labels.append(',');
            }
            label(labels, name, nz(name.equals("device") ? row.deviceId() : row.label(name)));
        }
        return labels.toString();
    }

    private static String nz(String value) {
        return value == null ? "" : value;
    }
}
