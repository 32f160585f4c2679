package io.kilowatch.core.service;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A stretch of time a service was down, and the components down during it.
 *
 * @param endMs empty while it goes on
 */
public record Incident(String service, long startMs, OptionalLong endMs, List<String> components) {
    public Incident {
        components = List.copyOf(components);
    }

    /** The same incident with {@code more} components down too, in the order first seen. */
    public Incident withComponents(List<String> more) {
        Set<String> all = new LinkedHashSet<>(components);
        all.addAll(more);
        return new Incident(service, startMs, endMs, List.copyOf(all));
    }

    public Incident closedAt(long endMs) {
        return new Incident(service, startMs, OptionalLong.of(endMs), components);
    }

    public long durationMs(long nowMs) {
        return endMs.orElse(nowMs) - startMs;
    }

    /** How much of it fell in the service's hours, within a range (a report's period). */
    public long serviceHoursMs(ServiceCalendar calendar, Span range, long nowMs) {
        long start = Math.max(startMs, range.startMs());
        long end = Math.min(endMs.orElse(nowMs), range.endMs());
        return end <= start ? 0 : Span.total(calendar.serviceTime(new Span(start, end)));
    }
}
