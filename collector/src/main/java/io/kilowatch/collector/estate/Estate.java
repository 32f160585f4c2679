package io.kilowatch.collector.estate;

import io.kilowatch.core.availability.Availability;
import io.kilowatch.core.availability.UptimeSpan;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The collector's live view of every device: its newest stored row and recent uptime spans, from
 * which state and availability are worked out on demand. Loaded from the store at start, refreshed
 * from it periodically (so collectors sharing a store converge) and updated after each stored report.
 * Safe to read from any thread.
 */
public final class Estate {
    /** Availability windows published for every device, by the label value metrics and the API use. */
    public static final Map<String, Duration> WINDOWS = windows();

    private final int downAfterMissedReports;
    private final Map<String, DeviceRow> rows = new ConcurrentHashMap<>();
    private final Map<String, List<UptimeSpan>> spans = new ConcurrentHashMap<>();
    private final List<Consumer<IngestPlan>> listeners = new CopyOnWriteArrayList<>();

    public Estate(int downAfterMissedReports) {
        this.downAfterMissedReports = downAfterMissedReports;
    }

    private static Map<String, Duration> windows() {
        Map<String, Duration> w = new LinkedHashMap<>();
        w.put("24h", Duration.ofHours(24));
        w.put("7d", Duration.ofDays(7));
        w.put("30d", Duration.ofDays(30));
        return Map.copyOf(w);
    }

    /** Replaces the view with what the store holds. */
    public void load(List<DeviceRow> stored, Map<String, List<UptimeSpan>> storedSpans) {
        for (DeviceRow row : stored) {
            rows.merge(row.deviceId(), row, (mine, theirs) -> theirs.lastSequence() >= mine.lastSequence() ? theirs : mine);
        }
        storedSpans.forEach((device, list) -> spans.put(device, new ArrayList<>(list)));
    }

    /** Takes in a report the store has just committed. */
    public void update(IngestPlan plan) {
        if (plan.newest()) {
            rows.merge(plan.device().deviceId(), plan.device(), (mine, theirs) -> theirs.lastSequence() >= mine.lastSequence() ? theirs : mine);
        }
        SampleRow s = plan.sample();
        List<UptimeSpan> list = spans.computeIfAbsent(s.deviceId(), k -> new ArrayList<>());
        synchronized (list) {
            Availability.record(list, Instant.ofEpochMilli(s.bootTimeMs()), Instant.ofEpochMilli(s.timestampMs()));
        }
        listeners.forEach(l -> l.accept(plan));
    }

    /** Follows every newly stored report (outputs such as InfluxDB); called on the ingest thread, so it must not block. */
    public void onUpdate(Consumer<IngestPlan> listener) {
        listeners.add(listener);
    }

    public List<DeviceRow> rows() {
        List<DeviceRow> all = new ArrayList<>(rows.values());
        all.sort(Comparator.comparing(DeviceRow::deviceId));
        return all;
    }

    public DeviceRow row(String deviceId) {
        return rows.get(deviceId);
    }

    /** How long a device may be silent before it counts as down: its interval times the allowance. */
    public Duration downAfter(DeviceRow row) {
        return Duration.ofMillis(row.intervalMs()).multipliedBy(downAfterMissedReports);
    }

    public boolean isUp(DeviceRow row, Instant now) {
        return Availability.isUp(Instant.ofEpochMilli(row.lastSeenMs()), now, downAfter(row));
    }

    /** Availability over a window ending now; empty when there is no evidence in it. */
    public OptionalDouble availability(DeviceRow row, Duration window, Instant now) {
        List<UptimeSpan> list = spans.get(row.deviceId());
        if (list == null) {
            return OptionalDouble.empty();
        }
        List<UptimeSpan> copy;
        synchronized (list) {
            copy = List.copyOf(list);
        }
        return Availability.ratio(copy, now.minus(window), now, downAfter(row));
    }

    /** The longest availability window: spans that ended before it are no longer needed in memory. */
    public static Duration longestWindow() {
        return WINDOWS.values().stream().max(Duration::compareTo).orElseThrow();
    }

    /** Drops spans that ended before the longest window, so memory stays bounded. */
    public void forgetSpansBefore(Instant cutoff) {
        spans.values().forEach(list -> {
            synchronized (list) {
                // keep the newest span of a device whatever its age: it is the device's latest evidence
                for (int i = list.size() - 2; i >= 0; i--) {
                    if (list.get(i).end().isBefore(cutoff)) {
                        list.remove(i);
                    }
                }
            }
        });
    }
}
