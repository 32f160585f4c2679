package io.kilowatch.core.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A half-open stretch of time [startMs, endMs) in epoch milliseconds, with the set algebra availability needs. */
public record Span(long startMs, long endMs) {
    public Span {
        if (endMs < startMs) {
            throw new IllegalArgumentException("span ends before it starts: " + startMs + " .. " + endMs);
        }
    }

    public static Span of(Instant start, Instant end) {
        return new Span(start.toEpochMilli(), end.toEpochMilli());
    }

    public long millis() {
        return endMs - startMs;
    }

    public Instant start() {
        return Instant.ofEpochMilli(startMs);
    }

    public Instant end() {
        return Instant.ofEpochMilli(endMs);
    }

    /** The part of this span before {@code now}: all of it once it is over, none of it (empty at its start) before it begins. */
    public Span until(Instant now) {
        return new Span(startMs, Math.max(startMs, Math.min(endMs, now.toEpochMilli())));
    }

    /** Sorted, overlapping or touching spans merged, empty ones dropped. */
    public static List<Span> normalise(List<Span> spans) {
        List<Span> sorted = new ArrayList<>(spans);
        sorted.removeIf(s -> s.millis() == 0);
        sorted.sort(Comparator.comparingLong(Span::startMs));
        List<Span> out = new ArrayList<>();
        for (Span s : sorted) {
            Span last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && s.startMs <= last.endMs) {
                out.set(out.size() - 1, new Span(last.startMs, Math.max(last.endMs, s.endMs)));
            } else {
                out.add(s);
            }
        }
        return out;
    }

    /** The parts of {@code a} inside {@code b}; both normalised. */
    public static List<Span> intersect(List<Span> a, List<Span> b) {
        List<Span> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.size() && j < b.size()) {
            long start = Math.max(a.get(i).startMs, b.get(j).startMs);
            long end = Math.min(a.get(i).endMs, b.get(j).endMs);
            if (end > start) {
                out.add(new Span(start, end));
            }
            if (a.get(i).endMs < b.get(j).endMs) {
                i++;
            } else {
                j++;
            }
        }
        return out;
    }

    /** The parts of {@code a} outside {@code b}; both normalised. */
    public static List<Span> subtract(List<Span> a, List<Span> b) {
        List<Span> out = new ArrayList<>();
        for (Span s : a) {
            long cursor = s.startMs;
            for (Span cut : b) {
                if (cut.endMs <= cursor || cut.startMs >= s.endMs) {
                    continue;
                }
                if (cut.startMs > cursor) {
                    out.add(new Span(cursor, cut.startMs));
                }
                cursor = Math.max(cursor, cut.endMs);
            }
            if (cursor < s.endMs) {
                out.add(new Span(cursor, s.endMs));
            }
        }
        return out;
    }

    public static long total(List<Span> spans) {
        return spans.stream().mapToLong(Span::millis).sum();
    }
}
