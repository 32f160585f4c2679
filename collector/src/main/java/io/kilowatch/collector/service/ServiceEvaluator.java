package io.kilowatch.collector.service;

import io.kilowatch.collector.estate.DeviceRow;
import io.kilowatch.collector.estate.Estate;
import io.kilowatch.core.service.ComponentRef;
import io.kilowatch.core.service.Figures;
import io.kilowatch.core.service.Incident;
import io.kilowatch.core.service.LabelSelector;
import io.kilowatch.core.service.ServiceCatalog;
import io.kilowatch.core.service.ServiceDefinition;
import io.kilowatch.core.service.ServiceMaths;
import io.kilowatch.core.service.ServiceState;
import io.kilowatch.core.service.Span;
import io.kilowatch.core.service.StateInterval;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples every component each evaluation, works out each service's state (nested services first),
 * extends the state history, opens and closes incidents, and keeps a status per service for metrics, the
 * API and alerts. History and incidents go to the store; a write that fails is retried with the next one.
 * Runs on one event loop; statuses and counters may be read from any thread.
 */
public final class ServiceEvaluator {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceEvaluator.class);
    /** In memory: enough for the year-to-date window, whatever the date. */
    static final Duration MEMORY = Duration.ofDays(367);

    private final Estate estate;
    private final ProbeScheduler probes;
    private final ServiceHistoryStore store;
    private final WorkerExecutor storeWorker;
    private final WorkerExecutor maths;
    private final Clock clock;
    private final long gapToleranceMs;
    private volatile ServiceCatalog catalog = new ServiceCatalog(List.of());
    private final Map<String, List<StateInterval>> histories = new HashMap<>();
    private final Map<String, StateInterval> componentIntervals = new HashMap<>();
    private final Map<String, Incident> openIncidents = new HashMap<>();
    private final Map<String, ServiceStatus> statuses = new ConcurrentHashMap<>();
    private final Map<String, double[]> counters = new ConcurrentHashMap<>();
    private final Map<String, ServiceHistoryStore.IntervalRow> pendingIntervals = new LinkedHashMap<>();
    private final Map<String, Incident> pendingIncidents = new LinkedHashMap<>();
    private Instant previousTick;

    /**
     * @param evaluationInterval gaps in history longer than three of these are "no data" (the collector was stopped)
     */
    public ServiceEvaluator(Estate estate, ProbeScheduler probes, ServiceHistoryStore store, WorkerExecutor storeWorker, WorkerExecutor maths,
                            Clock clock, Duration evaluationInterval) {
        this.maths = maths;
        this.estate = estate;
        this.probes = probes;
        this.store = store;
        this.storeWorker = storeWorker;
        this.clock = clock;
        this.gapToleranceMs = evaluationInterval.multipliedBy(3).toMillis();
    }

    /** Loads history and open incidents from the store; runs on the store's worker before the first evaluation. */
    void load() {
        long since = clock.millis() - MEMORY.toMillis();
        store.serviceHistories(since).forEach((service, list) -> histories.put(service, new ArrayList<>(list)));
        store.openIncidents().forEach(i -> openIncidents.put(i.service(), i));
    }

    /** Takes a new catalog; services that stay keep their history, removed ones stop being published. */
    void configure(ServiceCatalog next) {
        catalog = next;
        statuses.keySet().removeIf(name -> next.get(name) == null);
    }

    ServiceCatalog catalog() {
        return catalog;
    }

    public Optional<ServiceStatus> status(String service) {
        return Optional.ofNullable(statuses.get(service));
    }

    public List<ServiceStatus> statuses() {
        return catalog.all().stream().map(s -> statuses.get(s.name())).filter(java.util.Objects::nonNull).toList();
    }

    /** Seconds counted toward availability and charged down since this collector started: [counted, down]. */
    double[] counters(String service) {
        return counters.getOrDefault(service, new double[2]);
    }

    /** How long a recorded state holds past its evaluation before the gap counts as "no data". */
    long gapToleranceMs() {
        return gapToleranceMs;
    }

    /** One evaluation at the clock's time; the future completes once its history is stored. */
    public Future<Void> tick() {
        Instant now = clock.instant();
        long nowMs = now.toEpochMilli();
        Map<String, ServiceState> states = new HashMap<>();
        Map<String, List<String>> failingByService = new HashMap<>();
        Set<String> waiting = new java.util.HashSet<>();
        List<Snapshot> snapshots = new ArrayList<>();
        for (ServiceDefinition def : catalog.evaluationOrder()) {
            if (def.components().stream().anyMatch(c -> c.kind() == ComponentRef.Kind.PROBE && probes.pending(c.ref(), now)
                    || c.kind() == ComponentRef.Kind.SERVICE && waiting.contains(c.ref()))) {
                // Not judged until its probes have had their first run; the wait stays a gap in its history.
                waiting.add(def.name());
                continue;
            }
            Set<String> inMaintenance = def.componentsInMaintenance(now);
            List<ServiceStatus.ComponentStatus> components = new ArrayList<>();
            List<String> failing = new ArrayList<>();
            for (ComponentRef c : def.components()) {
                ServiceStatus.ComponentStatus cs = componentState(c, now, states);
                if (cs.state() != ServiceState.UP && inMaintenance.contains(c.name())) {
                    cs = new ServiceStatus.ComponentStatus(c, ServiceState.MAINTENANCE, "in planned maintenance; " + cs.detail());
                }
                components.add(cs);
                recordComponent(def.name() + "/" + c.name(), cs.state(), nowMs);
                if (cs.state() == ServiceState.DOWN || cs.state() == ServiceState.NO_DATA) {
                    if (c.kind() == ComponentRef.Kind.SERVICE && !failingByService.getOrDefault(c.ref(), List.of()).isEmpty()) {
                        failingByService.get(c.ref()).forEach(f -> failing.add(c.name() + "/" + f));
                    } else {
                        failing.add(c.name());
                    }
                }
            }
            ServiceState state = def.inMaintenance(now) ? ServiceState.MAINTENANCE
                    : def.rule().combine(components.stream().map(ServiceStatus.ComponentStatus::state).toList());
            states.put(def.name(), state);
            failingByService.put(def.name(), failing);
            List<StateInterval> history = histories.computeIfAbsent(def.name(), k -> new ArrayList<>());
            ServiceState before = history.isEmpty() ? null : history.get(history.size() - 1).state();
            for (StateInterval changed : extend(history, state, nowMs)) {
                pendingIntervals.put("s/" + def.name() + "/" + changed.startMs(),
                        new ServiceHistoryStore.IntervalRow(ServiceHistoryStore.IntervalRow.SERVICE, def.name(), changed));
            }
            if (state != before) {
                LOG.atInfo().addKeyValue("service", def.name()).addKeyValue("state", state.label())
                        .addKeyValue("failing", String.join(",", failing)).log("service state");
            }
            trackIncident(def.name(), history, state, failing);
            if (previousTick != null && previousTick.isBefore(now)) {
                Figures f = ServiceMaths.measure(def, history, Span.of(previousTick, now));
                double[] c = counters.computeIfAbsent(def.name(), k -> new double[2]);
                c[0] += f.countedMs() / 1000.0;
                c[1] += f.chargedDownMs() / 1000.0;
            }
            history.removeIf(i -> i.endMs() < nowMs - MEMORY.toMillis());
            snapshots.add(new Snapshot(def, List.copyOf(history), state, components, failing, Optional.ofNullable(openIncidents.get(def.name()))));
        }
        previousTick = now;
        // A year of windows for many services is milliseconds each: worked out off the event loop, in order.
        Future<Void> summarised = maths.executeBlocking(() -> {
            snapshots.stream().filter(snap -> catalog.get(snap.definition().name()) != null)
                    .forEach(snap -> statuses.put(snap.definition().name(), summarise(snap, now)));
            return null;
        }, true).mapEmpty();
        return Future.join(summarised, flush()).mapEmpty();
    }

    private record Snapshot(ServiceDefinition definition, List<StateInterval> history, ServiceState state,
                            List<ServiceStatus.ComponentStatus> components, List<String> failing, Optional<Incident> openIncident) {
    }

    private Future<Void> flush() {
        if (pendingIntervals.isEmpty() && pendingIncidents.isEmpty()) {
            return Future.succeededFuture();
        }
        Map<String, ServiceHistoryStore.IntervalRow> intervals = new LinkedHashMap<>(pendingIntervals);
        Map<String, Incident> incidents = new LinkedHashMap<>(pendingIncidents);
        pendingIntervals.clear();
        pendingIncidents.clear();
        return storeWorker.executeBlocking(() -> {
            store.record(List.copyOf(intervals.values()), List.copyOf(incidents.values()));
            return null;
        }).<Void>mapEmpty().recover(e -> {
            // Keep what failed unless a newer version of the same row is already waiting.
            intervals.forEach(pendingIntervals::putIfAbsent);
            incidents.forEach(pendingIncidents::putIfAbsent);
            LOG.atWarn().setCause(e).log("storing service history failed; retrying with the next evaluation");
            return Future.failedFuture(e);
        });
    }

    /**
     * Grows a history by one sample: the same state extends the last interval; another state ends it now
     * and starts a new one; after a gap (the collector was not evaluating) a new interval starts and the
     * gap stays "no data". Returns the intervals that changed.
     */
    private List<StateInterval> extend(List<StateInterval> history, ServiceState state, long nowMs) {
        StateInterval last = history.isEmpty() ? null : history.get(history.size() - 1);
        if (last != null && nowMs < last.endMs()) {
            // The clock stepped back: history already covers this moment, and must not overlap itself.
            return List.of();
        }
        boolean continuous = last != null && nowMs - last.endMs() <= gapToleranceMs;
        List<StateInterval> changed = new ArrayList<>();
        if (continuous) {
            StateInterval grown = new StateInterval(last.startMs(), nowMs, last.state());
            history.set(history.size() - 1, grown);
            changed.add(grown);
            if (last.state() == state) {
                return changed;
            }
        }
        StateInterval fresh = new StateInterval(nowMs, nowMs, state);
        history.add(fresh);
        changed.add(fresh);
        return changed;
    }

    private void recordComponent(String subject, ServiceState state, long nowMs) {
        List<StateInterval> list = new ArrayList<>();
        StateInterval current = componentIntervals.get(subject);
        if (current != null) {
            list.add(current);
        }
        for (StateInterval changed : extend(list, state, nowMs)) {
            pendingIntervals.put("c/" + subject + "/" + changed.startMs(),
                    new ServiceHistoryStore.IntervalRow(ServiceHistoryStore.IntervalRow.COMPONENT, subject, changed));
        }
        componentIntervals.put(subject, list.get(list.size() - 1));
    }

    private void trackIncident(String service, List<StateInterval> history, ServiceState state, List<String> failing) {
        Incident open = openIncidents.get(service);
        if (state == ServiceState.DOWN) {
            Incident next;
            if (open == null) {
                next = new Incident(service, history.get(history.size() - 1).startMs(), OptionalLong.empty(), failing);
                LOG.atWarn().addKeyValue("service", service).addKeyValue("components", String.join(",", failing)).log("incident opened");
            } else {
                Set<String> all = new LinkedHashSet<>(open.components());
                all.addAll(failing);
                next = new Incident(service, open.startMs(), OptionalLong.empty(), List.copyOf(all));
            }
            if (!next.equals(open)) {
                openIncidents.put(service, next);
                pendingIncidents.put(service + "/" + next.startMs(), next);
            }
        } else if (open != null) {
            long end = history.stream().filter(i -> i.state() == ServiceState.DOWN && i.startMs() >= open.startMs())
                    .mapToLong(StateInterval::endMs).max().orElse(open.startMs());
            Incident closed = new Incident(service, open.startMs(), OptionalLong.of(end), open.components());
            openIncidents.remove(service);
            pendingIncidents.put(service + "/" + closed.startMs(), closed);
            LOG.atInfo().addKeyValue("service", service).addKeyValue("duration_s", (end - open.startMs()) / 1000).log("incident closed");
        }
    }

    private ServiceStatus.ComponentStatus componentState(ComponentRef c, Instant now, Map<String, ServiceState> states) {
        return switch (c.kind()) {
            case DEVICE -> {
                DeviceRow row = estate.row(c.ref());
                yield row == null ? new ServiceStatus.ComponentStatus(c, ServiceState.NO_DATA, "device " + c.ref() + " has never reported")
                        : deviceStatus(c, row, now);
            }
            case DEVICES -> {
                LabelSelector selector = LabelSelector.parse(c.ref());
                List<ServiceState> matched = new ArrayList<>();
                for (DeviceRow row : estate.rows()) {
                    if (selector.matches(labels(row))) {
                        matched.add(estate.isUp(row, now) ? ServiceState.UP : ServiceState.DOWN);
                    }
                }
                long up = matched.stream().filter(s -> s == ServiceState.UP).count();
                yield new ServiceStatus.ComponentStatus(c, matched.isEmpty() ? ServiceState.NO_DATA : c.rule().combine(matched),
                        matched.isEmpty() ? "no device matches " + c.ref() : up + " of " + matched.size() + " matching devices up");
            }
            case PROBE -> probes.fresh(c.ref(), now)
                    .map(r -> new ServiceStatus.ComponentStatus(c, r.success() ? ServiceState.UP : ServiceState.DOWN,
                            r.success() ? String.format("ok in %.3f s", r.durationSeconds()) : r.error()))
                    .orElse(new ServiceStatus.ComponentStatus(c, ServiceState.NO_DATA, "no recent result from probe " + c.ref()));
            case SERVICE -> new ServiceStatus.ComponentStatus(c, states.getOrDefault(c.ref(), ServiceState.NO_DATA), "service " + c.ref());
        };
    }

    private ServiceStatus.ComponentStatus deviceStatus(ComponentRef c, DeviceRow row, Instant now) {
        boolean up = estate.isUp(row, now);
        return new ServiceStatus.ComponentStatus(c, up ? ServiceState.UP : ServiceState.DOWN,
                (up ? "reporting; last report " : "silent since ") + Instant.ofEpochMilli(row.lastSeenMs()));
    }

    static Map<String, String> labels(DeviceRow row) {
        Map<String, String> labels = new HashMap<>();
        labels.put("device", row.deviceId());
        labels.put("hostname", nz(row.hostname()));
        labels.put("org", nz(row.org()));
        labels.put("site", nz(row.site()));
        labels.put("department", nz(row.department()));
        labels.put("class", nz(row.deviceClass()));
        labels.put("os", nz(row.os()));
        return labels;
    }

    private static String nz(String v) {
        return v == null ? "" : v;
    }

    private static ServiceStatus summarise(Snapshot snap, Instant now) {
        ServiceDefinition def = snap.definition();
        List<StateInterval> history = snap.history();
        ServiceState state = snap.state();
        ServiceMaths.Summary summary = ServiceMaths.summary(def, history, now);
        long sinceMs = now.toEpochMilli();
        for (int i = history.size() - 1; i >= 0 && history.get(i).state() == state; i--) {
            sinceMs = history.get(i).startMs();
        }
        return new ServiceStatus(def, state, Instant.ofEpochMilli(sinceMs), snap.components(), snap.failing(), summary.availability(),
                summary.budget(), summary.burnRates(), snap.openIncident(), now);
    }
}
