package io.kilowatch.collector.snmp;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.kilowatch.core.snmp.ComposedReading;
import io.kilowatch.core.snmp.ProfileReading;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The poller's own metrics per device ({@code kilowatch_snmp_poll_duration_seconds},
 * {@code kilowatch_snmp_poll_success}), interface status ({@code kilowatch_snmp_interface_up}) and every
 * value a profile reads ({@code kilowatch_snmp_<metric>{device[,index]}}). Values vanish (NaN) when a
 * device stops reporting them, so a removed interface does not look up forever.
 */
final class SnmpMetrics {
    private final MeterRegistry registry;
    private final Map<String, AtomicLong> values = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> keysByDevice = new ConcurrentHashMap<>();

    SnmpMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void pollFinished(String device, double seconds, boolean success) {
        set("kilowatch.snmp.poll.duration", "seconds", "How long the device's latest poll took", Tags.of("device", device), seconds, null);
        set("kilowatch.snmp.poll.success", null, "1 when the device's latest poll succeeded, else 0", Tags.of("device", device),
                success ? 1 : 0, null);
    }

    /** Publishes a successful poll's readings, and forgets the device's readings that it no longer has. */
    void readings(String device, ComposedReading reading) {
        Set<String> seen = new HashSet<>();
        reading.interfaceUp().forEach((name, up) -> set("kilowatch.snmp.interface.up", null,
                "1 when the interface is operationally up (IF-MIB ifOperStatus), else 0",
                Tags.of("device", device, "interface", name), up ? 1 : 0, seen));
        for (ProfileReading.Sample s : reading.samples()) {
            Tags tags = s.index().isEmpty() ? Tags.of("device", device) : Tags.of("device", device, "index", s.index());
            set("kilowatch.snmp." + s.metric(), null, "Read by an SNMP profile (docs/snmp.md)", tags, s.value(), seen);
        }
        Set<String> before = keysByDevice.put(device, seen);
        if (before != null) {
            before.stream().filter(k -> !seen.contains(k)).forEach(k -> values.get(k).set(Double.doubleToLongBits(Double.NaN)));
        }
    }

    private void set(String name, String unit, String help, Tags tags, double value, Set<String> seen) {
        String key = name + tags;
        AtomicLong holder = values.computeIfAbsent(key, k -> {
            AtomicLong h = new AtomicLong(Double.doubleToLongBits(Double.NaN));
            Gauge.builder(name, h, x -> Double.longBitsToDouble(x.get())).baseUnit(unit).description(help).tags(tags).register(registry);
            return h;
        });
        holder.set(Double.doubleToLongBits(value));
        if (seen != null) {
            seen.add(key);
        }
    }
}
