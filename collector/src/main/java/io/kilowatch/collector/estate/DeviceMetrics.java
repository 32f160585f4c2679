package io.kilowatch.collector.estate;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * Every device's series on /metrics (names per docs/metrics.md), made from the live {@link Estate} when scraped, as an
 * exporter's const metrics are. One Micrometer meter per device and series cost 12 meters per device (240,000 at
 * 20,000 devices): their memory, and registering them on each device's first report, which held the event loop for
 * the whole first interval of a roll-out (bench/ingest-load.sh).
 */
final class DeviceMetrics implements MultiCollector {
    private record Series(String name, String help, boolean counter, ToDoubleFunction<DeviceRow> value) {
    }

    private static final List<String> LABEL_NAMES = Stream.concat(Stream.of("device"), DeviceRow.TAG_LABELS.stream()).toList();

    private final Estate estate;
    private final Clock clock;
    private final List<Series> series;

    DeviceMetrics(Estate estate, Clock clock) {
        this.estate = estate;
        this.clock = clock;
        this.series = List.of(
                new Series("kilowatch_device_cpu_utilization_ratio", "CPU utilisation over the last report interval", false,
                        r -> r.utilisation().cpuRatio()),
                new Series("kilowatch_device_boot_time_seconds", "Boot time as Unix time", false, r -> r.host().bootTimeMs() / 1000.0),
                new Series("kilowatch_device_last_report_timestamp_seconds", "Time of the newest stored report, Unix time (data freshness)",
                        false, r -> r.reporting().lastSeenMs() / 1000.0),
                new Series("kilowatch_device_energy_joules", "Energy used, from the agent's energy counter", true,
                        r -> r.counted().energyJoulesTotal()),
                new Series("kilowatch_device_carbon_grams", "Operational carbon (location-based, gCO2e) of that energy", true,
                        r -> r.counted().carbonGramsTotal()),
                new Series("kilowatch_agent_backlog_reports", "Reports waiting in the agent's spool at its newest report", false,
                        r -> r.agent().backlogReports() == null ? Double.NaN : r.agent().backlogReports()),
                new Series("kilowatch_agent_dropped_reports", "Reports the agent dropped because its spool was full", true,
                        r -> r.agent().droppedReportsTotal() == null ? 0 : r.agent().droppedReportsTotal()));
    }

    @Override
    public MetricSnapshots collect() {
        Instant now = clock.instant();
        List<DeviceRow> rows = estate.rows();
        List<Labels> labels = new ArrayList<>(rows.size());
        rows.forEach(row -> labels.add(labels(row)));
        List<MetricSnapshot> families = new ArrayList<>();
        GaugeSnapshot.Builder up = GaugeSnapshot.builder().name("kilowatch_device_up").help("1 when the device reported within its allowance, else 0");
        GaugeSnapshot.Builder power = GaugeSnapshot.builder().name("kilowatch_device_power_watts").help("Power now, labelled with how it was obtained");
        GaugeSnapshot.Builder availability = GaugeSnapshot.builder().name("kilowatch_device_availability_ratio")
                .help("Time-weighted availability over the window");
        for (int i = 0; i < rows.size(); i++) {
            DeviceRow row = rows.get(i);
            up.dataPoint(gauge(labels.get(i), estate.isUp(row, now) ? 1 : 0));
            power.dataPoint(gauge(labels.get(i).add("source", nz(row.power().source())), row.power().watts()));
            for (Map.Entry<String, Duration> window : Estate.WINDOWS.entrySet()) {
                availability.dataPoint(gauge(labels.get(i).add("window", window.getKey()),
                        estate.availability(row, window.getValue(), now).orElse(Double.NaN)));
            }
        }
        families.add(up.build());
        families.add(power.build());
        families.add(availability.build());
        for (Series s : series) {
            families.add(s.counter() ? counter(s, rows, labels) : gauge(s, rows, labels));
        }
        return new MetricSnapshots(families);
    }

    @Override
    public List<String> getPrometheusNames() {
        List<String> names = new ArrayList<>(List.of("kilowatch_device_up", "kilowatch_device_power_watts", "kilowatch_device_availability_ratio"));
        series.forEach(s -> names.add(s.name()));
        return names;
    }

    private static GaugeSnapshot gauge(Series s, List<DeviceRow> rows, List<Labels> labels) {
        GaugeSnapshot.Builder family = GaugeSnapshot.builder().name(s.name()).help(s.help());
        for (int i = 0; i < rows.size(); i++) {
            family.dataPoint(gauge(labels.get(i), s.value().applyAsDouble(rows.get(i))));
        }
        return family.build();
    }

    private static CounterSnapshot counter(Series s, List<DeviceRow> rows, List<Labels> labels) {
        CounterSnapshot.Builder family = CounterSnapshot.builder().name(s.name()).help(s.help());
        for (int i = 0; i < rows.size(); i++) {
            family.dataPoint(CounterDataPointSnapshot.builder().labels(labels.get(i)).value(s.value().applyAsDouble(rows.get(i))).build());
        }
        return family.build();
    }

    private static GaugeDataPointSnapshot gauge(Labels labels, double value) {
        return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
    }

    /** device, org, site and class: what a device's series are told apart and grouped by. */
    private static Labels labels(DeviceRow row) {
        List<String> values = new ArrayList<>(LABEL_NAMES.size());
        values.add(row.deviceId());
        DeviceRow.TAG_LABELS.forEach(name -> values.add(nz(row.label(name))));
        return Labels.of(LABEL_NAMES, values);
    }

    private static String nz(String value) {
        return value == null ? "" : value;
    }
}
