package io.kilowatch.collector.store;

import io.kilowatch.collector.estate.DeviceRow;
import io.kilowatch.collector.estate.MeteredEnergy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Acknowledged reports in the ingest journal not yet written into the store's tables, by journal row: what planning
 * a report looks up before the tables (a device's newest row, whether a sequence is taken, metered energy used), and
 * what the writer writes next. Each entry carries its journal id, and an entry leaves only after the transaction that
 * wrote it committed, so a reader that looks here first and in the tables second never misses a report: one gone from
 * here is in the tables. Shared by the ingest thread (which adds) and the writer (which removes); every method locks.
 */
final class UnappliedReports {
    private record SampleKey(String deviceId, long sequence) {
    }

    private record Versioned<T>(long journalId, T value) {
    }

    /** A journal id and the metered energy a report of it used up. */
    record MeteredUse(long journalId, MeteredEnergy used) {
    }

    private final NavigableMap<Long, List<ReportWrites>> groups = new TreeMap<>();
    private final Map<String, Versioned<DeviceRow>> rows = new HashMap<>();
    private final Map<SampleKey, Versioned<Long>> sampleTimes = new HashMap<>();
    private final Map<String, List<MeteredUse>> meteredUses = new HashMap<>();
    private int reports;

    /** A committed journal row's reports, in the order they were accepted; ids only grow. */
    synchronized void add(long journalId, List<ReportWrites> group) {
        groups.put(journalId, List.copyOf(group));
        reports += group.size();
        for (ReportWrites w : group) {
            sampleTimes.put(new SampleKey(w.deviceId(), w.sample().sequence()), new Versioned<>(journalId, w.sample().timestampMs()));
            if (w.device() != null) {
                rows.put(w.deviceId(), new Versioned<>(journalId, w.device()));
            }
            if (!w.meteredUsed().equals(MeteredEnergy.NONE)) {
                meteredUses.computeIfAbsent(w.deviceId(), k -> new ArrayList<>()).add(new MeteredUse(journalId, w.meteredUsed()));
            }
        }
        notifyAll();
    }

    /** Drops the groups up to this journal id, once the transaction that wrote them (or found them written) committed. */
    synchronized void removeUpTo(long journalId) {
        NavigableMap<Long, List<ReportWrites>> done = groups.headMap(journalId, true);
        for (List<ReportWrites> group : done.values()) {
            reports -= group.size();
            for (ReportWrites w : group) {
                SampleKey key = new SampleKey(w.deviceId(), w.sample().sequence());
                Versioned<Long> at = sampleTimes.get(key);
                if (at != null && at.journalId() <= journalId) {
                    sampleTimes.remove(key);
                }
                Versioned<DeviceRow> row = rows.get(w.deviceId());
                if (row != null && row.journalId() <= journalId) {
                    rows.remove(w.deviceId());
                }
                List<MeteredUse> uses = meteredUses.get(w.deviceId());
                if (uses != null) {
                    uses.removeIf(u -> u.journalId() <= journalId);
                    if (uses.isEmpty()) {
                        meteredUses.remove(w.deviceId());
                    }
                }
            }
        }
        done.clear();
        notifyAll();
    }

    /** These groups in place of those held: the journal as read again. */
    synchronized void replaceWith(NavigableMap<Long, List<ReportWrites>> journal) {
        removeUpTo(Long.MAX_VALUE);
        journal.forEach(this::add);
    }

    /** The groups to write, by journal id. */
    synchronized NavigableMap<Long, List<ReportWrites>> groups() {
        return new TreeMap<>(groups);
    }

    synchronized int reports() {
        return reports;
    }

    /**
     * Waits (up to {@code timeoutMillis}) until fewer than {@code limit} reports wait to be written; false if they still
     * do then.
     */
    synchronized boolean awaitFewerThan(int limit, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (reports >= limit) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    /** The device's newest row among these reports, or null. */
    synchronized DeviceRow row(String deviceId) {
        Versioned<DeviceRow> row = rows.get(deviceId);
        return row == null ? null : row.value();
    }

    /** When the report of this device and sequence was made, if it is one of these; else null. */
    synchronized Long sampleTime(String deviceId, long sequence) {
        Versioned<Long> at = sampleTimes.get(new SampleKey(deviceId, sequence));
        return at == null ? null : at.value();
    }

    /** What these reports used up of the device's metered energy, each with its journal id. */
    synchronized List<MeteredUse> meteredUses(String deviceId) {
        return List.copyOf(meteredUses.getOrDefault(deviceId, List.of()));
    }
}
