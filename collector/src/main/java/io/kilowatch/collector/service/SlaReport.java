package io.kilowatch.collector.service;

import io.kilowatch.core.carbon.SoftwareCarbonIntensity;
import io.kilowatch.core.service.ErrorBudget;
import io.kilowatch.core.service.Figures;
import io.kilowatch.core.service.Incident;
import io.kilowatch.core.service.MaintenanceWindow;
import io.kilowatch.core.service.ServiceDefinition;
import io.kilowatch.core.service.ServiceMaths;
import io.kilowatch.core.service.SlaPeriod;
import io.kilowatch.core.service.Span;
import io.kilowatch.core.service.StateInterval;
import io.kilowatch.collector.feature.Maths;
import io.vertx.core.Future;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The SLA report of one service for one calendar period (the quarterly review): availability against
 * target, met or missed, the error budget, incidents, maintenance and no-data time; {@link ServicesApi} writes it as
 * JSON and as CSV. Format: docs/services.md.
 */
public record SlaReport(ServiceDefinition service, SlaPeriod kind, LocalDate date, Span period, Instant now,
                        Figures figures, ErrorBudget budget, List<Incident> incidents, Map<String, Figures> components,
                        SoftwareCarbonIntensity.Result sci) {
    /** A bound on one report's size: more incidents than this in a period means a broken service or config, not a review. */
    static final int MAX_INCIDENTS = 10_000;

    /**
     * Reads what the report needs from the store, then works it out with {@code maths}.
     *
     * @param gapToleranceMs how long a recorded state holds past its last evaluation (see {@link ServiceMaths#holding})
     * @param footprints its devices' carbon, for its Software Carbon Intensity; null leaves that out
     */
    public static Future<SlaReport> load(ServiceDefinition service, SlaPeriod kind, LocalDate date, ServiceHistoryStore store, Instant now,
                                         long gapToleranceMs, ServicesConfig config, ServiceFootprints footprints, Maths maths) {
        Span period = kind.of(date, service.calendar().zone());
        Map<String, Future<List<StateInterval>>> componentReads = new LinkedHashMap<>();
        service.components().forEach(c -> componentReads.put(c.name(), store.history(ServiceHistoryStore.IntervalRow.COMPONENT,
                service.name() + "/" + c.name(), period.startMs(), period.endMs())));
        Future<List<StateInterval>> history = store.history(ServiceHistoryStore.IntervalRow.SERVICE, service.name(), period.startMs(),
                period.endMs());
        Future<List<Incident>> incidents = store.incidents(service.name(), period.startMs(), period.endMs(), MAX_INCIDENTS);
        return ServiceSci.all(componentReads).compose(components -> (footprints == null ? Future.<SoftwareCarbonIntensity.Result>succeededFuture(null)
                : ServiceSci.of(service, config, components, footprints, period.until(now)))
                .compose(sci -> Future.all(history, incidents).compose(read -> maths.run(() -> of(service, kind, date, history.result(),
                        incidents.result(), components, now, gapToleranceMs, sci)))));
    }

    /**
     * @param history the service's intervals overlapping the period
     * @param incidents its incidents overlapping the period, any order
     * @param componentHistories each component's intervals overlapping the period, by component name
     */
    public static SlaReport of(ServiceDefinition service, SlaPeriod kind, LocalDate date, List<StateInterval> history,
                               List<Incident> incidents, Map<String, List<StateInterval>> componentHistories, Instant now,
                               long gapToleranceMs, SoftwareCarbonIntensity.Result sci) {
        Span period = kind.of(date, service.calendar().zone());
        long nowMs = now.toEpochMilli();
        // The stretch since the last evaluation is the state that evaluation found, as the status API says, not "no data".
        List<StateInterval> held = ServiceMaths.holding(history, nowMs, gapToleranceMs);
        Span soFar = period.until(now);
        Figures figures = ServiceMaths.measure(service, held, soFar);
        List<Incident> sorted = new ArrayList<>(incidents);
        sorted.sort(Comparator.comparingLong(Incident::startMs));
        // Components are measured by the service's own calendar, so their downtime compares with the service's.
        Map<String, Figures> components = new LinkedHashMap<>();
        componentHistories.forEach((name, list) -> components.put(name,
                ServiceMaths.measure(service, ServiceMaths.holding(list, nowMs, gapToleranceMs), soFar)));
        return new SlaReport(service, kind, date, period, now, figures, ServiceMaths.errorBudget(service, held, period, now), sorted, components,
                sci);
    }

    public boolean complete() {
        return now.toEpochMilli() >= period.endMs();
    }

    /** Null while nothing counted in the period. */
    public Boolean met() {
        return figures.ratio().isPresent() ? figures.ratio().getAsDouble() >= service.targetRatio() : null;
    }

    record MaintenanceRow(String name, Span span, List<String> components) {
    }

    /** The maintenance windows that fell in the period, in time order. */
    List<MaintenanceRow> maintenance() {
        List<MaintenanceRow> rows = new ArrayList<>();
        for (MaintenanceWindow w : service.maintenance()) {
            for (Span s : w.occurrences(service.calendar().zone(), period)) {
                rows.add(new MaintenanceRow(w.name(), s, List.copyOf(w.components())));
            }
        }
        rows.sort(Comparator.comparingLong(r -> r.span().startMs()));
        return rows;
    }
}
