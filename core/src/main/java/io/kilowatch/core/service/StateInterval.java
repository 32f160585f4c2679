package io.kilowatch.core.service;

/** A stretch of a service's or component's history in one state, [startMs, endMs). */
public record StateInterval(long startMs, long endMs, ServiceState state) {
    public StateInterval {
        if (endMs < startMs) {
            throw new IllegalArgumentException("interval ends before it starts");
        }
    }

    public Span span() {
        return new Span(startMs, endMs);
    }

    /**
     * Whether the state recorded here still holds at {@code nowMs}: a state holds until the next evaluation,
     * unless more than {@code gapToleranceMs} passed since this one (the evaluator was stopped: no data).
     */
    public boolean holdsAt(long nowMs, long gapToleranceMs) {
        return nowMs >= endMs && nowMs - endMs <= gapToleranceMs;
    }

    /** The same stretch, ending at {@code endMs} instead. */
    public StateInterval until(long endMs) {
        return new StateInterval(startMs, endMs, state);
    }
}
