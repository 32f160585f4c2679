package io.kilowatch.collector.estate;

import io.kilowatch.collector.estate.DeviceRow;
import io.kilowatch.collector.estate.Estate;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * Publishes the estate to Micrometer, names per docs/metrics.md. Meters read the live {@link Estate}
 * when scraped, so /metrics never shows a figure older than the newest stored report.
 * Prometheus names come from Micrometer's naming convention: {@code kilowatch.device.energy} with base
 * unit joules as a counter is exposed as {@code kilowatch_device_energy_joules_total}.
 */
public final class EstateMetrics {
    private final MeterRegistry registry;
    private final Estate estate;
    private final Clock clock;
    private final Map<String, DeviceMeters> registered = new ConcurrentHashMap<>();
    private final Counter stored;
    private final Counter duplicates;
    private final Counter rejected;

    /** @param labels org, site and class, kept apart so a report's row is checked against them without building tags */
    private record DeviceMeters(List<String> labels, Tags tags, String powerSource, Gauge power) {
    }

    public EstateMetrics(MeterRegistry registry, Estate estate, Clock clock) {
        this.registry = registry;
        this.estate = estate;
        this.clock = clock;
        Gauge.builder("kilowatch.estate.power", estate, e -> e.rows().stream().filter(r -> e.isUp(r, clock.instant()))
                        .mapToDouble(deviceRow -> deviceRow.power().watts()).sum())
                .baseUnit("watts").description("Power of all devices that are up now").register(registry);
        for (boolean up : new boolean[] {true, false}) {
            Gauge.builder("kilowatch.estate.devices", estate, e -> e.rows().stream().filter(r -> e.isUp(r, clock.instant()) == up).count())
                    .tag("state", up ? "up" : "down").description("Devices by state").register(registry);
        }
        this.stored = ingestCounter("stored");
        this.duplicates = ingestCounter("duplicate");
        this.rejected = ingestCounter("rejected");
    }

    private Counter ingestCounter(String outcome) {
        return Counter.builder("kilowatch.ingest.reports").tag("outcome", outcome)
                .description("Agent reports received, by outcome").register(registry);
    }

    public void countStored() {
        stored.increment();
    }

    public void countDuplicate() {
        duplicates.increment();
    }

    public void countRejected() {
        rejected.increment();
    }

    /** Registers meters for devices new to this collector and follows changes of labels and power source. */
    public void sync() {
        estate.rows().forEach(this::sync);
    }

    /** The same for one device, after a report of it was stored. */
    public void sync(DeviceRow row) {
        DeviceMeters meters = registered.get(row.deviceId());
        if (meters != null && !sameLabels(meters.labels(), row)) {
            registry.getMeters().stream().filter(m -> row.deviceId().equals(m.getId().getTag("device"))).forEach(registry::remove);
            meters = null;
        }
        if (meters == null) {
            registered.put(row.deviceId(), register(row));
        } else if (!Objects.equals(meters.powerSource(), row.power().source())) {
            registry.remove(meters.power());
            registered.put(row.deviceId(), new DeviceMeters(meters.labels(), meters.tags(), row.power().source(),
                    powerGauge(row.deviceId(), meters.tags(), row.power().source())));
        }
    }

    private DeviceMeters register(DeviceRow row) {
        String id = row.deviceId();
        Tags tags = deviceTags(row);
        gauge("kilowatch.device.up", null, "1 when the device reported within its allowance, else 0", id, tags,
                r -> estate.isUp(r, clock.instant()) ? 1 : 0);
        gauge("kilowatch.device.cpu.utilization", "ratio", "CPU utilisation over the last report interval", id, tags,
                deviceRow -> deviceRow.utilisation().cpuRatio());
        gauge("kilowatch.device.boot.time", "seconds", "Boot time as Unix time", id, tags, r -> r.host().bootTimeMs() / 1000.0);
        gauge("kilowatch.device.last.report.timestamp", "seconds", "Time of the newest stored report, Unix time (data freshness)", id, tags,
                r -> r.reporting().lastSeenMs() / 1000.0);
        counter("kilowatch.device.energy", "joules", "Energy used, from the agent's energy counter", id, tags,
                deviceRow -> deviceRow.counted().energyJoulesTotal());
        counter("kilowatch.device.carbon", "grams", "Operational carbon (location-based, gCO2e) of that energy", id, tags,
                deviceRow -> deviceRow.counted().carbonGramsTotal());
        gauge("kilowatch.agent.backlog.reports", null, "Reports waiting in the agent's spool at its newest report", id, tags,
                r -> r.agent().backlogReports() == null ? Double.NaN : r.agent().backlogReports());
        counter("kilowatch.agent.dropped.reports", null, "Reports the agent dropped because its spool was full", id, tags,
                r -> r.agent().droppedReportsTotal() == null ? 0 : r.agent().droppedReportsTotal());
        Estate.WINDOWS.forEach((label, window) -> gauge("kilowatch.device.availability", "ratio",
                "Time-weighted availability over the window", id, tags.and("window", label),
                r -> estate.availability(r, window, clock.instant()).orElse(Double.NaN)));
        return new DeviceMeters(labels(row), tags, row.power().source(), powerGauge(id, tags, row.power().source()));
    }

    /** Whether the row still has these labels: per report, so without building a list. */
    private static boolean sameLabels(List<String> labels, DeviceRow row) {
        for (int i = 0; i < labels.size(); i++) {
            if (!labels.get(i).equals(nz(row.label(DeviceRow.TAG_LABELS.get(i))))) {
                return false;
            }
        }
        return true;
    }

    private static List<String> labels(DeviceRow row) {
        return DeviceRow.TAG_LABELS.stream().map(name -> nz(row.label(name))).toList();
    }

    private static Tags deviceTags(DeviceRow row) {
        Tags tags = Tags.of("device", row.deviceId());
        for (String name : DeviceRow.TAG_LABELS) {
            tags = tags.and(name, nz(row.label(name)));
        }
        return tags;
    }

    private Gauge powerGauge(String id, Tags tags, String source) {
        return gauge("kilowatch.device.power", "watts", "Power now, labelled with how it was obtained", id, tags.and("source", nz(source)),
                deviceRow -> deviceRow.power().watts());
    }

    private Gauge gauge(String name, String unit, String help, String id, Tags tags, ToDoubleFunction<DeviceRow> value) {
        return Gauge.builder(name, estate, e -> {
                    DeviceRow r = e.row(id);
                    return r == null ? Double.NaN : value.applyAsDouble(r);
                })
                .baseUnit(unit).description(help).tags(tags).register(registry);
    }

    private void counter(String name, String unit, String help, String id, Tags tags, ToDoubleFunction<DeviceRow> value) {
        FunctionCounter.builder(name, estate, e -> {
                    DeviceRow r = e.row(id);
                    return r == null ? 0 : value.applyAsDouble(r);
                })
                .baseUnit(unit).description(help).tags(tags).register(registry);
    }

    private static String nz(String value) {
        return value == null ? "" : value;
    }
}
