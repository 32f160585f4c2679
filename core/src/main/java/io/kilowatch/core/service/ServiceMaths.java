package io.kilowatch.core.service;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Availability, error budget and burn rate of a service from its state history. The definition
 * (docs/services.md): over a range, only the service's calendar time counts, from its first observation
 * on; planned maintenance (whole-service windows, and time the service was down only through components in
 * their own windows) leaves both up and down time; time with no record or a no-data record follows the
 * service's no-data policy. A = up / (up + down).
 */
public final class ServiceMaths {
    /** Rolling availability windows, by the label metrics and the API use. */
    public static final Map<String, Duration> ROLLING = rolling();
    /** Every availability window label: rolling, then the calendar periods so far. */
    public static final List<String> WINDOW_LABELS = windowLabels();

    private ServiceMaths() {
    }

    private static Map<String, Duration> rolling() {
        Map<String, Duration> m = new LinkedHashMap<>();
        m.put("1h", Duration.ofHours(1));
        m.put("24h", Duration.ofHours(24));
        m.put("7d", Duration.ofDays(7));
        m.put("30d", Duration.ofDays(30));
        return Collections.unmodifiableMap(m);
    }

    private static List<String> windowLabels() {
        List<String> labels = new ArrayList<>(ROLLING.keySet());
        for (SlaPeriod p : SlaPeriod.values()) {
            labels.add(p.label());
        }
        return List.copyOf(labels);
    }

    /**
     * What a service's status shows, at {@code now}.
     *
     * @param availability by {@link #WINDOW_LABELS}; empty where nothing counted
     * @param burnRates by {@link BurnRateAlerts#WINDOWS}' labels
     */
    public record Summary(Map<String, OptionalDouble> availability, ErrorBudget budget, Map<String, Double> burnRates) {
    }

    public static Summary summary(ServiceDefinition service, List<StateInterval> history, Instant now) {
        Map<String, OptionalDouble> availability = new LinkedHashMap<>();
        ROLLING.forEach((label, window) -> availability.put(label, window(service, history, window, now).ratio()));
        for (SlaPeriod p : SlaPeriod.values()) {
            Span period = p.containing(now, service.calendar().zone());
            availability.put(p.label(), measure(service, history, new Span(period.startMs(), now.toEpochMilli())).ratio());
        }
        Map<String, Double> burnRates = new LinkedHashMap<>();
        for (Duration w : BurnRateAlerts.WINDOWS) {
            burnRates.put(BurnRateAlerts.label(w), burnRate(service, history, w, now));
        }
        return new Summary(Collections.unmodifiableMap(availability), errorBudget(service, history, now), Collections.unmodifiableMap(burnRates));
    }

    /**
     * @param history the service's state intervals, sorted and not overlapping; gaps between them are no data
     */
    public static Figures measure(ServiceDefinition service, List<StateInterval> history, Span range) {
        if (history.isEmpty() || range.millis() == 0) {
            return Figures.none(service.noData());
        }
        long observedFrom = Math.max(range.startMs(), history.get(0).startMs());
        if (observedFrom >= range.endMs()) {
            return Figures.none(service.noData());
        }
        Span observed = new Span(observedFrom, range.endMs());
        List<Span> serviceTime = service.calendar().serviceTime(observed);
        List<Span> maintenance = new ArrayList<>(service.plannedMaintenance(observed));
        List<Span> up = new ArrayList<>();
        List<Span> down = new ArrayList<>();
        for (StateInterval i : history) {
            if (i.endMs() <= observed.startMs() || i.startMs() >= observed.endMs()) {
                continue;
            }
            switch (i.state()) {
                case MAINTENANCE -> maintenance.add(i.span());
                case UP -> up.add(i.span());
                case DOWN -> down.add(i.span());
                case NO_DATA -> { }
            }
        }
        List<Span> maintenanceInHours = Span.intersect(serviceTime, Span.normalise(maintenance));
        List<Span> counted = Span.subtract(serviceTime, maintenanceInHours);
        long upMs = Span.total(Span.intersect(counted, Span.normalise(up)));
        long downMs = Span.total(Span.intersect(counted, Span.normalise(down)));
        long countedMs = Span.total(counted);
        return new Figures(Span.total(serviceTime), Span.total(maintenanceInHours), upMs, downMs, countedMs - upMs - downMs, service.noData());
    }

    /**
     * History as it stands at {@code nowMs}: the state of the last evaluation holds until the next one, so
     * the last interval reaches now unless more than {@code gapToleranceMs} has passed since it (then the
     * evaluator was stopped and the gap stays "no data").
     */
    public static List<StateInterval> holding(List<StateInterval> history, long nowMs, long gapToleranceMs) {
        if (history.isEmpty()) {
            return history;
        }
        StateInterval last = history.get(history.size() - 1);
        if (!last.holdsAt(nowMs, gapToleranceMs)) {
            return history;
        }
        List<StateInterval> held = new ArrayList<>(history);
        held.set(held.size() - 1, last.until(nowMs));
        return held;
    }

    /** Figures for a rolling window ending now. */
    public static Figures window(ServiceDefinition service, List<StateInterval> history, Duration window, Instant now) {
        return measure(service, history, Span.of(now.minus(window), now));
    }

    /**
     * The error budget of the budget period holding {@code now}: the allowed downtime of the whole period's
     * scheduled service time (calendar hours less planned maintenance), less the downtime charged so far.
     */
    public static ErrorBudget errorBudget(ServiceDefinition service, List<StateInterval> history, Instant now) {
        Span period = service.budgetPeriod().containing(now, service.calendar().zone());
        return errorBudget(service, history, period, now);
    }

    public static ErrorBudget errorBudget(ServiceDefinition service, List<StateInterval> history, Span period, Instant now) {
        List<Span> hours = service.calendar().serviceTime(period);
        List<Span> maintenance = new ArrayList<>(service.plannedMaintenance(period));
        history.stream().filter(i -> i.state() == ServiceState.MAINTENANCE && i.endMs() > period.startMs() && i.startMs() < period.endMs())
                .forEach(i -> maintenance.add(i.span()));
        long scheduledMs = Span.total(Span.subtract(hours, Span.normalise(maintenance)));
        long spentMs = measure(service, history, period.until(now)).chargedDownMs();
        return new ErrorBudget(Math.round(scheduledMs * (1 - service.targetRatio())), spentMs);
    }

    /** How fast the budget burns over a window: its error ratio over the error ratio the target allows. */
    public static double burnRate(ServiceDefinition service, List<StateInterval> history, Duration window, Instant now) {
        return window(service, history, window, now).errorRatio() / (1 - service.targetRatio());
    }
}
