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
}
