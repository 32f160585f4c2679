package io.kilowatch.collector.output.influx;

import com.influxdb.client.domain.WritePrecision;
import com.influxdb.client.write.Point;
import io.kilowatch.collector.estate.DeviceRow;
import io.kilowatch.collector.estate.Estate;
import io.kilowatch.collector.estate.IngestPlan;
import io.kilowatch.collector.estate.SampleRow;
import io.kilowatch.collector.feature.Scheduler;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.NamingConvention;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * What Kilowatch writes to InfluxDB (schema in docs/influxdb.md): one {@code kilowatch_device} point per
 * stored report, at the report's own time, and every snapshot interval the state that has no report of
 * its own: devices' up state and availability, the estate's totals, and the meter families other parts
 * of the collector publish (services, probes, grid intensity), read from the meter registry by name so
 * that they need not know about InfluxDB. Snapshot times are aligned to the interval.
 */
public final class InfluxFeed {
    /** A family of meters written as one measurement, one point per distinct value of its key tags. */
    record Family(String meterPrefix, String measurement, List<String> keyTags) {
    }

    static final List<Family> FAMILIES = List.of(
            new Family("kilowatch.service.", "kilowatch_service", List.of("service")),
            new Family("kilowatch.probe.", "kilowatch_probe", List.of("probe", "kind")),
            new Family("kilowatch.grid.", "kilowatch_grid", List.of("region")));

    private InfluxFeed() {
    }

    /** Follows stored reports and writes snapshots on a timer. */
    public static void start(InfluxOutput output, Estate estate, MeterRegistry registry, Scheduler timers, Clock clock, Duration interval) {
        estate.onUpdate(plan -> output.offer(List.of(sample(plan))));
        timers.every(interval, () -> output.offer(snapshot(estate, registry, clock.instant(), interval)));
    }

    /** The point for one stored report: readings of that moment and the energy and carbon of its interval. */
    static String sample(IngestPlan plan) {
        SampleRow s = plan.sample();
        DeviceRow d = plan.device();
        Point p = deviceTags(Point.measurement("kilowatch_device"), d)
                .addTag("source", nz(s.powerSource()))
                .addField("power_watts", s.powerWatts())
                .addField("cpu_utilization_ratio", s.cpuRatio())
                .addField("energy_joules", s.energyJoules())
                .addField("carbon_grams", s.carbonGrams())
                .addField("boot_time_seconds", s.bootTimeMs() / 1000)
                .addField("sequence", s.sequence());
        if (s.memoryUsedBytes() != null) {
            p.addField("memory_used_bytes", s.memoryUsedBytes());
        }
        return p.time(Math.multiplyExact(s.timestampMs(), 1_000_000L), WritePrecision.NS).toLineProtocol();
    }

    /** Points of the state at {@code now}, stamped with the start of its interval. */
    static List<String> snapshot(Estate estate, MeterRegistry registry, Instant now, Duration interval) {
        long step = interval.toMillis();
        long time = Math.multiplyExact(Math.floorDiv(now.toEpochMilli(), step) * step, 1_000_000L);
        List<String> lines = new ArrayList<>();
        double power = 0;
        int up = 0;
        List<DeviceRow> rows = estate.rows();
        for (DeviceRow row : rows) {
            boolean isUp = estate.isUp(row, now);
            Point p = deviceTags(Point.measurement("kilowatch_device_status"), row).addField("up", isUp ? 1L : 0L);
            for (Map.Entry<String, Duration> w : Estate.WINDOWS.entrySet()) {
                OptionalDouble a = estate.availability(row, w.getValue(), now);
                if (a.isPresent()) {
                    p.addField("availability_ratio_" + w.getKey(), a.getAsDouble());
                }
            }
            lines.add(p.time(time, WritePrecision.NS).toLineProtocol());
            if (isUp) {
                up++;
                power += row.power().watts();
            }
        }
        lines.add(Point.measurement("kilowatch_estate").addField("power_watts", power).addField("devices_up", (long) up)
                .addField("devices_down", (long) (rows.size() - up)).time(time, WritePrecision.NS).toLineProtocol());
        for (Family family : FAMILIES) {
            families(registry, family).values().stream().filter(Point::hasFields)
                    .forEach(p -> lines.add(p.time(time, WritePrecision.NS).toLineProtocol()));
        }
        return lines;
    }

    /** Meters of a family grouped by their key tags; each meter becomes a field named after it (other tags as a suffix). */
    private static Map<List<String>, Point> families(MeterRegistry registry, Family family) {
        Map<List<String>, Point> points = new LinkedHashMap<>();
        NamingConvention naming = registry.config().namingConvention();
        String prefix = family.measurement() + "_";
        for (Meter meter : registry.getMeters()) {
            Meter.Id id = meter.getId();
            if (!id.getName().startsWith(family.meterPrefix())) {
                continue;
            }
            double value = meter instanceof Gauge g ? g.value()
                    : meter instanceof FunctionCounter c ? c.count()
                    : meter instanceof io.micrometer.core.instrument.Counter c ? c.count() : Double.NaN;
            if (Double.isNaN(value) || Double.isInfinite(value)) {
                continue;
            }
            List<String> key = family.keyTags().stream().map(t -> nz(id.getTag(t))).toList();
            StringBuilder field = new StringBuilder(naming.name(id.getName(), id.getType(), id.getBaseUnit()));
            // As on /metrics, where the Prometheus registry adds the suffix of counters when it writes them.
            if (id.getType() == Meter.Type.COUNTER && field.lastIndexOf("_total") != field.length() - "_total".length()) {
                field.append("_total");
            }
            if (field.indexOf(prefix) == 0) {
                field.delete(0, prefix.length());
            }
            for (Tag tag : id.getTagsAsIterable()) {
                if (!family.keyTags().contains(tag.getKey())) {
                    field.append('_').append(tag.getValue());
                }
            }
            Point p = points.computeIfAbsent(key, k -> {
                Point point = Point.measurement(family.measurement());
                for (int i = 0; i < k.size(); i++) {
                    point.addTag(family.keyTags().get(i), k.get(i));
                }
                return point;
            });
            p.addField(field.toString(), value);
        }
        return points;
    }

    private static Point deviceTags(Point p, DeviceRow d) {
        p.addTag("device", d.deviceId());
        DeviceRow.TAG_LABELS.forEach(name -> p.addTag(name, nz(d.label(name))));
        return p;
    }

    private static String nz(String value) {
        return value == null ? "" : value;
    }
}
