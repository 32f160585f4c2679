package io.kilowatch.collector.estate;

import io.kilowatch.core.availability.Availability;
import io.kilowatch.core.availability.UptimeSpan;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The collector's live view of every device: its newest stored row and recent uptime spans, from
 * which state and availability are worked out on demand. Loaded from the store at start, refreshed
 * from it periodically (so collectors sharing a store converge) and updated after each stored report.
 * Safe to read and load from any thread.
 */
public final class Estate {
    /** Availability windows published for every device, by the label value metrics and the API use. */
    public static final Map<String, Duration> WINDOWS = windows();

    private final int downAfterMissedReports;
    /** Sorted by device id, so {@link #rows()} is a copy without a sort: it is read per API request and per live event. */
    private final Map<String, DeviceRow> rows = new ConcurrentSkipListMap<>();
    private final Map<String, List<UptimeSpan>> spans = new ConcurrentHashMap<>();
    private final Map<String, Integer> allowanceByDevice = new ConcurrentHashMap<>();
    private final List<Consumer<IngestPlan>> listeners = new CopyOnWriteArrayList<>();
    /** Periods each device was known asleep or off after a clean stop, as the store keeps them, for as long as spans are kept. */
    private final Map<String, List<UptimeSpan>> offPeriods = new ConcurrentHashMap<>();
    private volatile SleepPolicy sleepPolicy = SleepPolicy.NONE;

    /**
     * Which classes may sleep or be switched off as a matter of course (desktops, laptops, thin clients:
     * those with a sleep power), and each site's working hours. Such a device's silence is expected after a
     * clean stop or outside working hours; a device of any other class that is silent is down.
     */
    public record SleepPolicy(java.util.function.Predicate<String> classMaySleep,
                              java.util.function.Function<String, io.kilowatch.core.carbon.WorkingHours> hoursForSite) {
        public static final SleepPolicy NONE = new SleepPolicy(c -> false, s -> null);
    }

    public Estate(int downAfterMissedReports) {
        this.downAfterMissedReports = downAfterMissedReports;
    }

    public void sleepPolicy(SleepPolicy policy) {
        this.sleepPolicy = policy;
    }

    private static Map<String, Duration> windows() {
        Map<String, Duration> w = new LinkedHashMap<>();
        w.put("24h", Duration.ofHours(24));
        w.put("7d", Duration.ofDays(7));
        w.put("30d", Duration.ofDays(30));
        return Map.copyOf(w);
    }

    /**
     * Takes in what the store holds for some devices (all of them, or those changed since the last load): rows (with
     * any clean stop not yet followed by a report), uptime spans, and the periods known off or asleep, so a collector
     * that restarts, or another one, tells them apart as this one did.
     */
    public void load(EstateStore.Changes stored) {
        for (DeviceRow row : stored.devices()) {
            rows.merge(row.deviceId(), row, (mine, theirs) -> theirs.reporting().lastSequence() >= mine.reporting().lastSequence() ? theirs : mine);
        }
        stored.spans().forEach((device, list) -> replace(spans, device, list));
        stored.offPeriods().forEach((device, list) -> replace(offPeriods, device, list));
    }

    /** In place, under the list's lock as {@link #update} takes it: a load on a worker and an update on an event loop never touch one list at once. */
    private static void replace(Map<String, List<UptimeSpan>> byDevice, String deviceId, List<UptimeSpan> stored) {
        List<UptimeSpan> held = byDevice.computeIfAbsent(deviceId, k -> new ArrayList<>());
        synchronized (held) {
            held.clear();
            held.addAll(stored);
        }
    }

    /** Takes in a report the store has just committed. */
    public void update(IngestPlan plan) {
        if (plan.newest()) {
            rows.merge(plan.device().deviceId(), plan.device(), (mine,
                    theirs) -> theirs.reporting().lastSequence() >= mine.reporting().lastSequence() ? theirs : mine);
        }
        SampleRow s = plan.sample();
        List<UptimeSpan> list = spans.computeIfAbsent(s.deviceId(), k -> new ArrayList<>());
        synchronized (list) {
            Availability.record(list, Instant.ofEpochMilli(s.bootTimeMs()), Instant.ofEpochMilli(s.timestampMs()));
        }
        if (plan.newest() && !plan.offPeriods().isEmpty()) {
            List<UptimeSpan> off = offPeriods.computeIfAbsent(s.deviceId(), k -> new ArrayList<>());
            synchronized (off) {
                off.addAll(plan.offPeriods());
            }
        }
        listeners.forEach(l -> l.accept(plan));
    }

    /**
     * Whether a device that is not up is silent as expected: its class may sleep and it either stopped
     * cleanly or it is outside its site's working hours. (A desktop asleep out of hours is expected; a
     * server asleep is down.)
     */
    public boolean silenceExpected(DeviceRow row, Instant now) {
        if (isUp(row, now) || !sleepPolicy.classMaySleep().test(row.identity().deviceClass())) {
            return false;
        }
        if (row.reporting().stoppedMs() != null) {
            return true;
        }
        var hours = sleepPolicy.hoursForSite().apply(row.identity().site());
        return hours != null && !hours.isWorking(now);
    }

    /** A device's live state: up, silent as its class may be (asleep or stopped cleanly), or down. */
    public enum State { UP, EXPECTED_OFF, DOWN }

    /** The state the API filters on and the overview counts, so both agree with each row's {@code up} and {@code expected_off}. */
    public State state(DeviceRow row, Instant now) {
        return isUp(row, now) ? State.UP : silenceExpected(row, now) ? State.EXPECTED_OFF : State.DOWN;
    }

    /** Follows every newly stored report (outputs such as InfluxDB); called on the ingest thread, so it must not block. */
    public void onUpdate(Consumer<IngestPlan> listener) {
        listeners.add(listener);
    }

    public List<DeviceRow> rows() {
        return new ArrayList<>(rows.values());
    }

    public DeviceRow row(String deviceId) {
        return rows.get(deviceId);
    }

    /** How long a device may be silent before it counts as down: its interval times the allowance. */
    public Duration downAfter(DeviceRow row) {
        return Duration.ofMillis(row.reporting().intervalMs()).multipliedBy(allowanceByDevice.getOrDefault(row.deviceId(), downAfterMissedReports));
    }

    /** A device's own allowance of missed intervals (an SNMP target's failed polls), instead of the estate's. */
    public void setMissedAllowance(String deviceId, int intervals) {
        allowanceByDevice.put(deviceId, intervals);
    }

    public boolean isUp(DeviceRow row, Instant now) {
        return Availability.isUp(Instant.ofEpochMilli(row.reporting().lastSeenMs()), now, downAfter(row));
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
        List<UptimeSpan> off = new ArrayList<>();
        List<UptimeSpan> known = offPeriods.get(row.deviceId());
        if (known != null) {
            synchronized (known) {
                off.addAll(known);
            }
        }
        if (row.reporting().stoppedMs() != null && now.isAfter(Instant.ofEpochMilli(row.reporting().stoppedMs()))) {
            off.add(new UptimeSpan(Instant.ofEpochMilli(row.reporting().stoppedMs()), now));
        }
        return Availability.ratio(copy, off, sleepPolicy.classMaySleep().test(row.identity().deviceClass()), now.minus(window), now, downAfter(row));
    }

    /** The longest availability window: spans that ended before it are no longer needed in memory. */
    public static Duration longestWindow() {
        return WINDOWS.values().stream().max(Duration::compareTo).orElseThrow();
    }

    /** Drops spans that ended before the longest window, so memory stays bounded. */
    public void forgetSpansBefore(Instant cutoff) {
        offPeriods.values().forEach(list -> {
            synchronized (list) {
                list.removeIf(p -> p.end().isBefore(cutoff));
            }
        });
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
