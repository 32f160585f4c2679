package io.kilowatch.core.service;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Multiwindow, multi-burn-rate alerting as the Google SRE workbook (chapter "Alerting on SLOs") sets it
 * out and Sloth generates it: an alert needs both a long window (the budget really is going) and a short
 * one (it is still going now, so the alert resolves soon after a fix).
 * <ul>
 *   <li>page: 1 h and 5 m both above 14.4 (2 % of a 30-day budget in an hour), or 6 h and 30 m above 6 (5 % in 6 h);</li>
 *   <li>ticket: 1 d and 2 h above 3 (10 % in a day), or 3 d and 6 h above 1 (10 % in 3 days).</li>
 * </ul>
 */
public final class BurnRateAlerts {
    /** A pair of windows and the burn rate both must exceed. */
    public record WindowPair(Duration longWindow, Duration shortWindow, double factor) {
    }

    public static final List<WindowPair> PAGE = List.of(
            new WindowPair(Duration.ofHours(1), Duration.ofMinutes(5), 14.4),
            new WindowPair(Duration.ofHours(6), Duration.ofMinutes(30), 6));
    public static final List<WindowPair> TICKET = List.of(
            new WindowPair(Duration.ofDays(1), Duration.ofHours(2), 3),
            new WindowPair(Duration.ofDays(3), Duration.ofHours(6), 1));

    /** Every window the rules read, shortest first. */
    public static final List<Duration> WINDOWS = List.of(Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofHours(1),
            Duration.ofHours(2), Duration.ofHours(6), Duration.ofDays(1), Duration.ofDays(3));

    private BurnRateAlerts() {
    }

    /** A firing pair: its long window's burn rate and what it crossed. */
    public record Firing(WindowPair pair, double longBurnRate, double shortBurnRate) {
    }

    /** The first pair of a severity whose both windows burn faster than its factor, if any. */
    public static Optional<Firing> firing(List<WindowPair> pairs, Function<Duration, Double> burnRate) {
        for (WindowPair p : pairs) {
            double longRate = burnRate.apply(p.longWindow());
            double shortRate = burnRate.apply(p.shortWindow());
            if (longRate > p.factor() && shortRate > p.factor()) {
                return Optional.of(new Firing(p, longRate, shortRate));
            }
        }
        return Optional.empty();
    }

    /** 1h, 5m, 30m, 1d: how windows are written in labels and summaries. */
    public static String label(Duration d) {
        if (d.toDays() > 0 && d.equals(Duration.ofDays(d.toDays()))) {
            return d.toDays() + "d";
        }
        if (d.toHours() > 0 && d.equals(Duration.ofHours(d.toHours()))) {
            return d.toHours() + "h";
        }
        return d.toMinutes() + "m";
    }
}
