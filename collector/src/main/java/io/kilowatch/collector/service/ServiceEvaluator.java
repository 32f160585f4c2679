package io.kilowatch.collector.service;

import io.kilowatch.collector.estate.DeviceRow;
import io.kilowatch.collector.estate.Estate;
import io.kilowatch.core.service.ComponentRef;
import io.kilowatch.core.service.CountedTime;
import io.kilowatch.core.service.Incident;
import io.kilowatch.core.service.LabelSelector;
import io.kilowatch.core.service.ServiceCatalog;
import io.kilowatch.core.service.ServiceDefinition;
import io.kilowatch.core.service.ServiceMaths;
import io.kilowatch.core.service.ServiceState;
import io.kilowatch.core.service.ServiceTracker;
import io.kilowatch.core.service.ServiceVerdict;
import io.kilowatch.core.service.StateHistory;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples every component each evaluation, works out each service's state (nested services first) and
 * hands it to the service's {@link ServiceTracker} (core: history, incidents, counted time); keeps a status
 * per service for metrics, the API and alerts. What changed goes to the store; a write that
 * fails is retried with the next one. Runs on one event loop; statuses and counters may be read from any thread.
 */
public final class ServiceEvaluator {
    private final BooleanSupplier recordsHistory;
    private static final Logger LOG = LoggerFactory.getLogger(ServiceEvaluator.class);

    private final Estate estate;
    private final ProbeScheduler probes;
    private final ServiceHistoryStore store;
    private final WorkerExecutor maths;
    private final Clock clock;
    private final long gapToleranceMs;
    private volatile ServiceCatalog catalog = new ServiceCatalog(List.of());
    private final Map<String, ServiceTracker> trackers = new HashMap<>();
    private final Map<String, StateHistory> componentHistories = new HashMap<>();
    private final Map<String, ServiceStatus> statuses = new ConcurrentHashMap<>();
    private final Map<String, CountedTime> counted = new ConcurrentHashMap<>();
    private final Map<String, ServiceHistoryStore.IntervalRow> pendingIntervals = new LinkedHashMap<>();
    private final Map<String, Incident> pendingIncidents = new LinkedHashMap<>();
    private Instant previousTick;

    /**
     * @param evaluationInterval gaps in history longer than three of these are "no data" (the collector was stopped)
     * @param recordsHistory whether this collector writes service history and incidents now: only the one holding the services duty does
     */
    public ServiceEvaluator(Estate estate, ProbeScheduler probes, ServiceHistoryStore store, WorkerExecutor maths,
                            Clock clock, Duration evaluationInterval, BooleanSupplier recordsHistory) {
        this.recordsHistory = recordsHistory;
        this.maths = maths;
        this.estate = estate;
        this.probes = probes;
        this.store = store;
        this.clock = clock;
        this.gapToleranceMs = StateHistory.gapToleranceMs(evaluationInterval);
    }

    /** Loads history and open incidents from the store, before the first evaluation. */
    Future<Void> load() {
        Future<Map<String, List<StateInterval>>> stored = store.serviceHistories(clock.millis() - ServiceTracker.MEMORY.toMillis());
        Future<List<Incident>> openIncidents = store.openIncidents();
        return Future.all(stored, openIncidents).map(read -> {
            Map<String, List<StateInterval>> histories = stored.result();
            Map<String, Incident> open = new HashMap<>();
            openIncidents.result().forEach(i -> open.put(i.service(), i));
            Set<String> services = new LinkedHashSet<>(histories.keySet());
            services.addAll(open.keySet());
            services.forEach(name -> trackers.put(name, new ServiceTracker(name, gapToleranceMs, histories.getOrDefault(name, List.of()),
                    Optional.ofNullable(open.get(name)))));
            return null;
        });
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

    /** Time counted toward availability and charged down since this collector started. */
    CountedTime counted(String service) {
        return counted.getOrDefault(service, CountedTime.ZERO);
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
            List<ServiceStatus.ComponentStatus> found = def.components().stream().map(c -> componentState(c, now, states)).toList();
            ServiceVerdict verdict = ServiceVerdict.judge(def, now, found.stream().map(ServiceStatus.ComponentStatus::state).toList(), failingByService);
            List<ServiceStatus.ComponentStatus> components = new ArrayList<>();
            for (ServiceStatus.ComponentStatus cs : found) {
                if (verdict.maintained().contains(cs.ref().name())) {
                    cs = new ServiceStatus.ComponentStatus(cs.ref(), ServiceState.MAINTENANCE, "in planned maintenance; " + cs.detail());
                }
                components.add(cs);
                recordComponent(def.name() + "/" + cs.ref().name(), cs.state(), nowMs);
            }
            ServiceState state = verdict.state();
            List<String> failing = verdict.failing();
            states.put(def.name(), state);
            failingByService.put(def.name(), failing);
            ServiceTracker tracker = trackers.computeIfAbsent(def.name(), name -> new ServiceTracker(name, gapToleranceMs, List.of(), Optional.empty()));
            ServiceTracker.Step step = tracker.record(def, state, failing, now, Optional.ofNullable(previousTick));
            for (StateInterval changed : step.changed()) {
                pendingIntervals.put("s/" + def.name() + "/" + changed.startMs(),
                        new ServiceHistoryStore.IntervalRow(ServiceHistoryStore.IntervalRow.SERVICE, def.name(), changed));
            }
            if (step.stateChanged()) {
                LOG.atInfo().addKeyValue("service", def.name()).addKeyValue("state", state.label())
                        .addKeyValue("failing", String.join(",", failing)).log("service state");
            }
            step.incident().ifPresent(this::incidentChanged);
            counted.put(def.name(), step.counted());
            snapshots.add(new Snapshot(def, step, components, failing));
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

    private record Snapshot(ServiceDefinition definition, ServiceTracker.Step step, List<ServiceStatus.ComponentStatus> components,
                            List<String> failing) {
    }

    private Future<Void> flush() {
        if (!recordsHistory.getAsBoolean()) {
            // another collector records the history; this one evaluates for its own API, metrics and alert conditions
            pendingIntervals.clear();
            pendingIncidents.clear();
            return Future.succeededFuture();
        }
        if (pendingIntervals.isEmpty() && pendingIncidents.isEmpty()) {
            return Future.succeededFuture();
        }
        Map<String, ServiceHistoryStore.IntervalRow> intervals = new LinkedHashMap<>(pendingIntervals);
        Map<String, Incident> incidents = new LinkedHashMap<>(pendingIncidents);
        pendingIntervals.clear();
        pendingIncidents.clear();
        return store.record(List.copyOf(intervals.values()), List.copyOf(incidents.values())).recover(e -> {
            // Keep what failed unless a newer version of the same row is already waiting.
            intervals.forEach(pendingIntervals::putIfAbsent);
            incidents.forEach(pendingIncidents::putIfAbsent);
            LOG.atWarn().setCause(e).log("storing service history failed; retrying with the next evaluation");
            return Future.failedFuture(e);
        });
    }

    private void recordComponent(String subject, ServiceState state, long nowMs) {
        StateHistory history = componentHistories.computeIfAbsent(subject, k -> new StateHistory(gapToleranceMs, List.of()));
        for (StateInterval changed : history.record(state, nowMs)) {
            pendingIntervals.put("c/" + subject + "/" + changed.startMs(),
                    new ServiceHistoryStore.IntervalRow(ServiceHistoryStore.IntervalRow.COMPONENT, subject, changed));
        }
        // Only the current interval is needed to grow a component's history; the rest is in the store.
        history.forgetBefore(nowMs);
    }

    private void incidentChanged(ServiceTracker.IncidentChange change) {
        Incident i = change.incident();
        pendingIncidents.put(i.service() + "/" + i.startMs(), i);
        switch (change.kind()) {
            case OPENED -> LOG.atWarn().addKeyValue("service", i.service()).addKeyValue("components", String.join(",", i.components()))
                    .log("incident opened");
            case CLOSED -> LOG.atInfo().addKeyValue("service", i.service()).addKeyValue("duration_s", (i.endMs().getAsLong() - i.startMs()) / 1000)
                    .log("incident closed");
            case WIDENED -> { }
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
                (up ? "reporting; last report " : "silent since ") + Instant.ofEpochMilli(row.reporting().lastSeenMs()));
    }

    /** What a selector matches: the device's labels (empty when unset), its id, hostname and OS. */
    static Map<String, String> labels(DeviceRow row) {
        Map<String, String> labels = new HashMap<>();
        DeviceRow.LABELS.forEach(name -> labels.put(name, row.labels().getOrDefault(name, "")));
        labels.put("device", row.deviceId());
        labels.put("hostname", nz(row.host().hostname()));
        labels.put("os", nz(row.host().os()));
        return labels;
    }

    private static String nz(String v) {
        return v == null ? "" : v;
    }

    private static ServiceStatus summarise(Snapshot snap, Instant now) {
        ServiceTracker.Step step = snap.step();
        ServiceMaths.Summary summary = ServiceMaths.summary(snap.definition(), step.history(), now);
        return new ServiceStatus(snap.definition(), step.state(), step.since(), snap.components(), snap.failing(), summary.availability(),
                summary.budget(), summary.burnRates(), step.openIncident(), now);
    }
}
