package io.kilowatch.core.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A service's or component's state over time, grown by one evaluation at a time: the same state extends
 * the last interval to the evaluation; another state ends it there and starts a new one. After a gap
 * longer than the tolerance (the evaluator was stopped) a new interval starts and the gap stays "no data".
 * Mutable, and owned by the one thread that evaluates; {@link #intervals()} hands out copies.
 */
public final class StateHistory {
    private final long gapToleranceMs;
    private final List<StateInterval> intervals;

    /** @param stored intervals already recorded, sorted and not overlapping */
    public StateHistory(long gapToleranceMs, List<StateInterval> stored) {
        this.gapToleranceMs = gapToleranceMs;
        this.intervals = new ArrayList<>(stored);
    }

    /** A state holds until the next evaluation; one missed evaluation or two (a slow tick, a GC pause) is not a gap. */
    public static long gapToleranceMs(Duration evaluationInterval) {
        return evaluationInterval.multipliedBy(3).toMillis();
    }

    /** Grows the history by the state found at {@code nowMs}; returns the intervals that changed (to be stored). */
    public List<StateInterval> record(ServiceState state, long nowMs) {
        Optional<StateInterval> last = last();
        if (last.isPresent() && nowMs < last.get().endMs()) {
            // The clock stepped back: history already covers this moment, and must not overlap itself.
            return List.of();
        }
        List<StateInterval> changed = new ArrayList<>();
        if (last.isPresent() && last.get().holdsAt(nowMs, gapToleranceMs)) {
            StateInterval grown = last.get().until(nowMs);
            intervals.set(intervals.size() - 1, grown);
            changed.add(grown);
            if (grown.state() == state) {
                return changed;
            }
        }
        StateInterval fresh = new StateInterval(nowMs, nowMs, state);
        intervals.add(fresh);
        changed.add(fresh);
        return changed;
    }

    public Optional<StateInterval> last() {
        return intervals.isEmpty() ? Optional.empty() : Optional.of(intervals.get(intervals.size() - 1));
    }

    /** Drops the intervals that ended before {@code ms}. */
    public void forgetBefore(long ms) {
        intervals.removeIf(i -> i.endMs() < ms);
    }

    /** When {@code state} began, as far as the history goes back without another state between; {@code nowMs} if the last interval is another state. */
    public long since(ServiceState state, long nowMs) {
        long sinceMs = nowMs;
        for (int i = intervals.size() - 1; i >= 0 && intervals.get(i).state() == state; i--) {
            sinceMs = intervals.get(i).startMs();
        }
        return sinceMs;
    }

    /** The latest end of an interval in {@code state} starting at or after {@code fromMs}. */
    public Optional<Long> lastEnd(ServiceState state, long fromMs) {
        return intervals.stream().filter(i -> i.state() == state && i.startMs() >= fromMs).map(StateInterval::endMs).max(Long::compare);
    }

    /** Availability figures over {@code range} (see {@link ServiceMaths#measure}). */
    public Figures measure(ServiceDefinition service, Span range) {
        return ServiceMaths.measure(service, intervals, range);
    }

    /** A copy, for readers on other threads. */
    public List<StateInterval> intervals() {
        return List.copyOf(intervals);
    }
}
