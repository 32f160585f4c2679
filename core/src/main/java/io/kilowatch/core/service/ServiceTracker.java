package io.kilowatch.core.service;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One service as its evaluations found it: its state history (the last {@link #MEMORY} of it), its open
 * incident, and the time counted and charged down since the tracker was made. Each evaluation hands its
 * verdict to {@link #record}, which says what changed. Mutable, and owned by the one thread that
 * evaluates; the {@link Step} it returns is immutable.
 */
public final class ServiceTracker {
    /** History kept in memory: enough for the year-to-date window, whatever the date. */
    public static final Duration MEMORY = Duration.ofDays(367);

    private final String service;
    private final StateHistory history;
    private Incident open;
    private CountedTime counted = CountedTime.ZERO;

    /**
     * @param stored the service's recorded intervals, sorted and not overlapping
     * @param open its incident not closed yet, if any
     */
    public ServiceTracker(String service, long gapToleranceMs, List<StateInterval> stored, Optional<Incident> open) {
        this.service = service;
        this.history = new StateHistory(gapToleranceMs, stored);
        this.open = open.orElse(null);
    }

    /**
     * What one evaluation did to the service.
     *
     * @param before the state of the last recorded interval before this evaluation; empty without history
     * @param changed intervals to store: the last one grown, a new one started
     * @param incident the incident opened, widened (more components down) or closed; empty if none changed
     * @param history the history after the evaluation, a copy
     * @param since when the current state began, as far as history goes back
     * @param counted time counted and charged down since the tracker was made
     */
    public record Step(ServiceState state, Optional<ServiceState> before, List<StateInterval> changed, Optional<IncidentChange> incident,
                       List<StateInterval> history, Instant since, Optional<Incident> openIncident, CountedTime counted) {
        public boolean stateChanged() {
            return before.isEmpty() || before.get() != state;
        }
    }

    public record IncidentChange(Kind kind, Incident incident) {
        public enum Kind { OPENED, WIDENED, CLOSED }
    }

    /**
     * Records the state one evaluation found at {@code now}. Down opens an incident, or adds the components
     * now failing to the open one; any other state closes it at the end of its last down interval. The time
     * since the previous evaluation is counted by the service's definition.
     *
     * @param failing the components down or without data, as the incident lists them
     * @param previousEvaluation the evaluator's previous evaluation, of whichever services; empty on its first
     */
    public Step record(ServiceDefinition definition, ServiceState state, List<String> failing, Instant now, Optional<Instant> previousEvaluation) {
        long nowMs = now.toEpochMilli();
        Optional<ServiceState> before = history.last().map(StateInterval::state);
        List<StateInterval> changed = history.record(state, nowMs);
        Optional<IncidentChange> incident = trackIncident(state, failing);
        previousEvaluation.filter(p -> p.isBefore(now)).ifPresent(p -> counted = counted.plus(history.measure(definition, Span.of(p, now))));
        history.forgetBefore(nowMs - MEMORY.toMillis());
        return new Step(state, before, changed, incident, history.intervals(), Instant.ofEpochMilli(history.since(state, nowMs)),
                Optional.ofNullable(open), counted);
    }

    private Optional<IncidentChange> trackIncident(ServiceState state, List<String> failing) {
        if (state == ServiceState.DOWN) {
            if (open == null) {
                // It began with the last interval: the evaluation that first found the service down.
                open = new Incident(service, history.last().orElseThrow().startMs(), OptionalLong.empty(), failing);
                return Optional.of(new IncidentChange(IncidentChange.Kind.OPENED, open));
            }
            Incident widened = open.withComponents(failing);
            if (widened.equals(open)) {
                return Optional.empty();
            }
            open = widened;
            return Optional.of(new IncidentChange(IncidentChange.Kind.WIDENED, open));
        }
        if (open == null) {
            return Optional.empty();
        }
        Incident closed = open.closedAt(history.lastEnd(ServiceState.DOWN, open.startMs()).orElse(open.startMs()));
        open = null;
        return Optional.of(new IncidentChange(IncidentChange.Kind.CLOSED, closed));
    }
}
