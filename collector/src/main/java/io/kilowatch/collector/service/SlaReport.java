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
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The SLA report of one service for one calendar period (the quarterly review): availability against
 * target, met or missed, the error budget, incidents, maintenance and no-data time. JSON, and CSV as one
 * table of {@code section,item,start,end,seconds,value} rows. Format: docs/services.md.
 */
public record SlaReport(ServiceDefinition service, SlaPeriod kind, LocalDate date, Span period, Instant now,
                        Figures figures, ErrorBudget budget, List<Incident> incidents, Map<String, Figures> components,
                        SoftwareCarbonIntensity.Result sci) {
    /** A bound on one report's size: more incidents than this in a period means a broken service or config, not a review. */
    static final int MAX_INCIDENTS = 10_000;

    /**
     * Reads what the report needs from the store; blocks.
     *
     * @param gapToleranceMs how long a recorded state holds past its last evaluation (see {@link ServiceMaths#holding})
     * @param footprints its devices' carbon, for its Software Carbon Intensity; null leaves that out
     */
    public static SlaReport load(ServiceDefinition service, SlaPeriod kind, LocalDate date, ServiceHistoryStore store, Instant now,
                                 long gapToleranceMs, ServicesConfig config, ServiceFootprints footprints) {
        Span period = kind.of(date, service.calendar().zone());
        Map<String, List<StateInterval>> components = new LinkedHashMap<>();
        service.components().forEach(c -> components.put(c.name(), store.history(ServiceHistoryStore.IntervalRow.COMPONENT,
                service.name() + "/" + c.name(), period.startMs(), period.endMs())));
        SoftwareCarbonIntensity.Result sci = footprints == null ? null
                : ServiceSci.of(service, config, components, footprints, period.until(now));
        return of(service, kind, date, store.history(ServiceHistoryStore.IntervalRow.SERVICE, service.name(), period.startMs(), period.endMs()),
                store.incidents(service.name(), period.startMs(), period.endMs(), MAX_INCIDENTS), components, now, gapToleranceMs, sci);
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

    private record MaintenanceRow(String name, Span span, List<String> components) {
    }

    private List<MaintenanceRow> maintenance() {
        List<MaintenanceRow> rows = new ArrayList<>();
        for (MaintenanceWindow w : service.maintenance()) {
            for (Span s : w.occurrences(service.calendar().zone(), period)) {
                rows.add(new MaintenanceRow(w.name(), s, List.copyOf(w.components())));
            }
        }
        rows.sort(Comparator.comparingLong(r -> r.span().startMs()));
        return rows;
    }

    public JsonObject toJson() {
        long nowMs = now.toEpochMilli();
        JsonArray incidentRows = new JsonArray();
        for (Incident i : incidents) {
            incidentRows.add(ServicesApi.incident(i, service.calendar(), period, nowMs));
        }
        JsonArray componentRows = new JsonArray();
        components.forEach((name, f) -> componentRows.add(new JsonObject().put("name", name)
                .put("availability_ratio", f.ratio().isPresent() ? f.ratio().getAsDouble() : null)
                .put("down_seconds", f.downMs() / 1000.0).put("no_data_seconds", f.noDataMs() / 1000.0)
                .put("maintenance_seconds", f.maintenanceMs() / 1000.0)));
        JsonArray maintenanceRows = new JsonArray();
        maintenance().forEach(m -> maintenanceRows.add(new JsonObject().put("name", m.name())
                .put("start", m.span().start().toString()).put("end", m.span().end().toString())
                .put("seconds", m.span().millis() / 1000.0).put("components", new JsonArray(m.components()))));
        return new JsonObject()
                .put("service", service.name())
                .put("owner", service.owner())
                .put("description", service.description())
                .put("period", new JsonObject().put("kind", kind.label()).put("name", kind.name(date))
                        .put("start", period.start().toString()).put("end", period.end().toString())
                        .put("time_zone", service.calendar().zone().getId()).put("complete", complete()))
                .put("target_ratio", service.targetRatio())
                .put("availability_ratio", figures.ratio().isPresent() ? figures.ratio().getAsDouble() : null)
                .put("met", met())
                .put("no_data_policy", service.noData().label())
                .put("seconds", new JsonObject()
                        .put("service", figures.serviceMs() / 1000.0)
                        .put("maintenance", figures.maintenanceMs() / 1000.0)
                        .put("counted", figures.countedMs() / 1000.0)
                        .put("up", figures.upMs() / 1000.0)
                        .put("down", figures.downMs() / 1000.0)
                        .put("no_data", figures.noDataMs() / 1000.0)
                        .put("charged_down", figures.chargedDownMs() / 1000.0))
                .put("error_budget", new JsonObject()
                        .put("total_seconds", budget.totalMs() / 1000.0)
                        .put("spent_seconds", budget.spentMs() / 1000.0)
                        .put("left_seconds", budget.leftMs() / 1000.0)
                        .put("remaining_ratio", Double.isNaN(budget.remainingRatio()) ? null : budget.remainingRatio()))
                .put("incidents", incidentRows)
                .put("components", componentRows)
                .put("maintenance", maintenanceRows)
                .put("sci", sciJson())
                .put("generated_at", now.toString());
    }

    /** Software Carbon Intensity beside availability; null when the report was made without carbon data. */
    private JsonObject sciJson() {
        if (sci == null) {
            return null;
        }
        JsonObject perUnit = new JsonObject();
        JsonObject units = new JsonObject();
        sci.units().forEach((unit, r) -> {
            units.put(unit, r);
            perUnit.put(unit, sci.perUnit(unit).isPresent() ? sci.perUnit(unit).getAsDouble() : null);
        });
        return new JsonObject().put("gco2e_per_unit", perUnit).put("units", units).put("energy_kwh", sci.energyKwh())
                .put("operational_gco2e", sci.operationalGrams()).put("embodied_gco2e", sci.embodiedGrams())
                .put("total_gco2e", sci.totalGrams()).put("method", ServiceSci.METHOD);
    }

    public String toCsv() {
        JsonObject j = toJson();
        StringBuilder out = new StringBuilder("section,item,start,end,seconds,value\r\n");
        JsonObject p = j.getJsonObject("period");
        row(out, "summary", "service", "", "", "", service.name());
        row(out, "summary", "period", p.getString("start"), p.getString("end"), "", p.getString("name") + " (" + p.getString("time_zone") + ")");
        row(out, "summary", "complete", "", "", "", String.valueOf(complete()));
        row(out, "summary", "target_ratio", "", "", "", num(service.targetRatio()));
        row(out, "summary", "availability_ratio", "", "", "", figures.ratio().isPresent() ? num(figures.ratio().getAsDouble()) : "");
        row(out, "summary", "met", "", "", "", met() == null ? "" : met().toString());
        row(out, "summary", "no_data_policy", "", "", "", service.noData().label());
        JsonObject seconds = j.getJsonObject("seconds");
        for (String key : seconds.fieldNames()) {
            row(out, "time", key, "", "", num(seconds.getDouble(key)), "");
        }
        JsonObject b = j.getJsonObject("error_budget");
        row(out, "error_budget", "total", "", "", num(b.getDouble("total_seconds")), "");
        row(out, "error_budget", "spent", "", "", num(b.getDouble("spent_seconds")), "");
        row(out, "error_budget", "left", "", "", num(b.getDouble("left_seconds")), b.getValue("remaining_ratio") == null ? "" : num(b.getDouble("remaining_ratio")));
        for (Object o : j.getJsonArray("incidents")) {
            JsonObject i = (JsonObject) o;
            row(out, "incident", String.join(" ", i.getJsonArray("components").stream().map(Object::toString).toList()),
                    i.getString("start"), i.getString("end") == null ? "" : i.getString("end"), num(i.getDouble("duration_seconds")),
                    "service_hours_seconds=" + num(i.getDouble("service_hours_seconds")));
        }
        for (Object o : j.getJsonArray("components")) {
            JsonObject c = (JsonObject) o;
            row(out, "component", c.getString("name"), "", "", num(c.getDouble("down_seconds")),
                    c.getValue("availability_ratio") == null ? "" : num(c.getDouble("availability_ratio")));
        }
        JsonObject sciRows = j.getJsonObject("sci");
        if (sciRows != null) {
            for (String unit : sciRows.getJsonObject("units").fieldNames()) {
                Object v = sciRows.getJsonObject("gco2e_per_unit").getValue(unit);
                row(out, "sci", unit, "", "", "", v == null ? "" : num(((Number) v).doubleValue()));
            }
            row(out, "sci", "energy_kwh", "", "", "", num(sci.energyKwh()));
            row(out, "sci", "operational_gco2e", "", "", "", num(sci.operationalGrams()));
            row(out, "sci", "embodied_gco2e", "", "", "", num(sci.embodiedGrams()));
        }
        for (Object o : j.getJsonArray("maintenance")) {
            JsonObject m = (JsonObject) o;
            row(out, "maintenance", m.getString("name"), m.getString("start"), m.getString("end"), num(m.getDouble("seconds")),
                    String.join(" ", m.getJsonArray("components").stream().map(Object::toString).toList()));
        }
        return out.toString();
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.6f", v);
    }

    /** RFC 4180: fields with commas, quotes or line breaks are quoted; a leading =, + or @ is defused for spreadsheets. */
    private static void row(StringBuilder out, String... fields) {
        for (int i = 0; i < fields.length; i++) {
            String f = fields[i];
            if (!f.isEmpty() && "=+@".indexOf(f.charAt(0)) >= 0) {
                f = "'" + f;
            }
            if (f.contains(",") || f.contains("\"") || f.contains("\n") || f.contains("\r")) {
                f = "\"" + f.replace("\"", "\"\"") + "\"";
            }
            out.append(i == 0 ? "" : ",").append(f);
        }
        out.append("\r\n");
    }
}
