package io.kilowatch.collector.service;

import io.kilowatch.collector.http.ApiModule;
import io.kilowatch.collector.http.Responses;
import io.kilowatch.collector.security.Role;
import io.kilowatch.core.carbon.SoftwareCarbonIntensity;
import io.kilowatch.core.config.ConfigException;
import io.kilowatch.core.service.ComponentRef;
import io.kilowatch.core.service.ErrorBudget;
import io.kilowatch.core.service.Figures;
import io.kilowatch.core.service.Incident;
import io.kilowatch.core.service.MaintenanceWindow;
import io.kilowatch.core.service.ServiceCalendar;
import io.kilowatch.core.service.ServiceDefinition;
import io.kilowatch.core.service.SlaPeriod;
import io.kilowatch.core.service.Span;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code /api/v1/services...} and {@code /api/v1/probes}: services with state, availability, budget, burn
 * rates and incidents; SLA reports as JSON or CSV; an admin reload of the services file. docs/api.md.
 */
public final class ServicesApi implements ApiModule {
    private static final int DETAIL_INCIDENTS = 50;

    private final Services services;
    private final ServiceFootprints footprints;

    /** @param footprints its devices' carbon, for each SLA report's Software Carbon Intensity */
    public ServicesApi(Services services, ServiceFootprints footprints) {
        this.services = services;
        this.footprints = footprints;
    }

    @Override
    public void mount(Router router, Function<Role, Handler<RoutingContext>> require) {
        Handler<RoutingContext> viewer = require.apply(Role.VIEWER);
        router.get("/api/v1/services*").handler(viewer);
        router.get("/api/v1/probes").handler(viewer);
        router.post("/api/v1/services/reload").handler(require.apply(Role.ADMIN)).handler(this::reload);
        router.get("/api/v1/services").handler(this::list);
        router.get("/api/v1/services/:name").handler(this::detail);
        router.get("/api/v1/services/:name/report").handler(this::report);
        router.get("/api/v1/probes").handler(this::probes);
    }

    private void list(RoutingContext ctx) {
        JsonArray list = new JsonArray();
        services.evaluator.statuses().forEach(s -> list.add(summary(s)));
        JsonObject config = new JsonObject()
                .put("file", services.file().map(Object::toString).orElse(null))
                .put("loaded_at", services.lastLoaded() == null ? null : services.lastLoaded().toString())
                .put("last_reload_error", services.lastError().orElse(null));
        Responses.json(ctx, 200, new JsonObject().put("services", list).put("config", config));
    }

    private static JsonObject summary(ServiceStatus s) {
        ServiceDefinition d = s.definition();
        JsonObject availability = new JsonObject();
        s.availability().forEach((window, ratio) -> availability.put(window, ratio.isPresent() ? ratio.getAsDouble() : null));
        return new JsonObject()
                .put("name", d.name())
                .put("owner", d.owner())
                .put("description", d.description())
                .put("state", s.state().label())
                .put("since", s.since().toString())
                .put("target_ratio", d.targetRatio())
                .put("availability", availability)
                .put("error_budget", new JsonObject()
                        .put("period", d.budgetPeriod().label())
                        .put("total_seconds", s.budget().totalMs() / 1000.0)
                        .put("spent_seconds", s.budget().spentMs() / 1000.0)
                        .put("left_seconds", s.budget().leftMs() / 1000.0)
                        .put("remaining_ratio", Double.isNaN(s.budget().remainingRatio()) ? null : s.budget().remainingRatio()))
                .put("failing", new JsonArray(s.failing()))
                .put("evaluated_at", s.evaluatedAt().toString());
    }

    private void detail(RoutingContext ctx) {
        Optional<ServiceStatus> found = services.evaluator.status(ctx.pathParam("name"));
        if (found.isEmpty()) {
            notFound(ctx);
            return;
        }
        ServiceStatus s = found.get();
        ServiceDefinition d = s.definition();
        JsonObject body = summary(s);
        JsonObject burn = new JsonObject();
        s.burnRates().forEach(burn::put);
        body.put("burn_rates", burn);
        JsonArray components = new JsonArray();
        for (ServiceStatus.ComponentStatus c : s.components()) {
            components.add(new JsonObject().put("name", c.ref().name()).put("kind", kindLabel(c.ref()))
                    .put("ref", c.ref().ref()).put("state", c.state().label()).put("detail", c.detail()));
        }
        body.put("rule", d.rule().label()).put("components", components).put("no_data_policy", d.noData().label());
        JsonObject hours = new JsonObject();
        d.calendar().weeklyHours().forEach((day, list) -> hours.put(day.name().substring(0, 3).toLowerCase(java.util.Locale.ROOT),
                String.join(", ", list.stream().map(Object::toString).toList())));
        body.put("calendar", new JsonObject().put("time_zone", d.calendar().zone().getId())
                .put("hours", d.calendar().isAllDay() ? "24x7" : hours)
                .put("holidays", new JsonArray(d.calendar().holidays().stream().sorted().map(LocalDate::toString).toList())));
        Instant now = services.clock().instant();
        JsonArray upcoming = new JsonArray();
        Span week = Span.of(now, now.plus(Duration.ofDays(7)));
        for (MaintenanceWindow w : d.maintenance()) {
            w.occurrences(d.calendar().zone(), week).forEach(o -> upcoming.add(new JsonObject().put("name", w.name())
                    .put("start", o.start().toString()).put("end", o.end().toString()).put("components", new JsonArray(List.copyOf(w.components())))));
        }
        body.put("maintenance_next_7d", upcoming);
        Responses.onStore(ctx, services.store().incidents(d.name(), 0, now.toEpochMilli() + 1, DETAIL_INCIDENTS),
                Responses.STORE_UNREADABLE).onSuccess(incidents -> {
                    JsonArray rows = new JsonArray();
                    // Each incident whole: its own span is the range its service hours are counted in.
                    incidents.forEach(i -> rows.add(incident(i, d.calendar(), new Span(i.startMs(), i.endMs().orElse(now.toEpochMilli())),
                            now.toEpochMilli())));
                    Responses.json(ctx, 200, body.put("incidents", rows));
                });
    }

    /** An incident as the service detail and the SLA report show it, its service hours counted within {@code range}. */
    static JsonObject incident(Incident i, ServiceCalendar calendar, Span range, long nowMs) {
        long inHours = i.serviceHoursMs(calendar, range, nowMs);
        return new JsonObject().put("start", Instant.ofEpochMilli(i.startMs()).toString())
                .put("end", i.endMs().isPresent() ? Instant.ofEpochMilli(i.endMs().getAsLong()).toString() : null)
                .put("duration_seconds", i.durationMs(nowMs) / 1000.0)
                .put("service_hours_seconds", inHours / 1000.0)
                .put("in_service_hours", inHours > 0)
                .put("components", new JsonArray(i.components()));
    }

    private static String kindLabel(ComponentRef c) {
        return c.kind().name().toLowerCase(java.util.Locale.ROOT);
    }

    private void report(RoutingContext ctx) {
        Optional<ServiceStatus> found = services.evaluator.status(ctx.pathParam("name"));
        ServiceDefinition d = found.map(ServiceStatus::definition).orElse(services.evaluator.catalog().get(ctx.pathParam("name")));
        if (d == null) {
            notFound(ctx);
            return;
        }
        Instant now = services.clock().instant();
        String periodText = Optional.ofNullable(ctx.queryParams().get("period")).orElse(d.budgetPeriod().label());
        String dateText = ctx.queryParams().get("date");
        String format = Optional.ofNullable(ctx.queryParams().get("format")).orElse("json");
        SlaPeriod kind;
        LocalDate date;
        try {
            kind = SlaPeriod.fromLabel(periodText);
            date = dateText == null ? now.atZone(d.calendar().zone()).toLocalDate() : LocalDate.parse(dateText);
        } catch (IllegalArgumentException | DateTimeException e) {
            Responses.error(ctx, 400, List.of("period must be day, week, month, quarter or year and date a day such as 2026-07-01 "
                    + "(any day in the period); got period=" + periodText + ", date=" + dateText));
            return;
        }
        if (!format.equals("json") && !format.equals("csv")) {
            Responses.error(ctx, 400, List.of("format must be json or csv, got '" + format + "'"));
            return;
        }
        Responses.onStore(ctx, SlaReport.load(d, kind, date, services.store(), now,
                services.evaluator.gapToleranceMs(), services.config(), footprints, services.maths()), Responses.STORE_UNREADABLE)
                .onSuccess(report -> {
                    if (format.equals("csv")) {
                        ctx.response().putHeader("Content-Type", "text/csv; charset=utf-8")
                                .putHeader("Content-Disposition", "attachment; filename=\"sla-" + d.name() + "-" + kind.name(date) + ".csv\"")
                                .putHeader("Cache-Control", "no-store").end(slaCsv(report));
                    } else {
                        Responses.json(ctx, 200, slaJson(report));
                    }
                });
    }

    private void probes(RoutingContext ctx) {
        JsonArray list = new JsonArray();
        Map<String, ProbeResult> results = services.probes.results();
        services.probes.probes().values().stream().sorted(java.util.Comparator.comparing(ProbeDefinition::name)).forEach(p -> {
            ProbeResult r = results.get(p.name());
            JsonObject row = new JsonObject().put("name", p.name()).put("kind", p.kind().label()).put("target", p.target())
                    .put("interval_seconds", p.interval().toMillis() / 1000.0);
            if (r != null) {
                row.put("success", r.success()).put("duration_seconds", r.durationSeconds()).put("error", r.error())
                        .put("checked_at", r.checkedAt().toString())
                        .put("tls_certificate_not_after", r.certificateNotAfter().map(Instant::toString).orElse(null));
            }
            list.add(row);
        });
        Responses.json(ctx, 200, new JsonObject().put("probes", list));
    }

    private void reload(RoutingContext ctx) {
        services.reload("api").onComplete(r -> {
            if (r.succeeded()) {
                Responses.json(ctx, 200, new JsonObject().put("status", "reloaded")
                        .put("services", r.result().catalog().all().size()).put("probes", r.result().probes().size()));
            } else if (r.cause() instanceof ConfigException e) {
                Responses.error(ctx, 400, List.of(e.getMessage(), "the services already loaded keep running"));
            } else {
                Responses.error(ctx, 500, List.of("reload failed: " + r.cause().getMessage()));
            }
        });
    }

    private static void notFound(RoutingContext ctx) {
        Responses.error(ctx, 404, List.of("no service named '" + ctx.pathParam("name") + "'"));
    }

    /** An SLA report as JSON (docs/services.md). */
    public static JsonObject slaJson(SlaReport r) {
        long nowMs = r.now().toEpochMilli();
        JsonArray incidentRows = new JsonArray();
        for (Incident i : r.incidents()) {
            incidentRows.add(incident(i, r.service().calendar(), r.period(), nowMs));
        }
        JsonArray componentRows = new JsonArray();
        r.components().forEach((name, f) -> componentRows.add(new JsonObject().put("name", name)
                .put("availability_ratio", f.ratio().isPresent() ? f.ratio().getAsDouble() : null)
                .put("down_seconds", f.downMs() / 1000.0).put("no_data_seconds", f.noDataMs() / 1000.0)
                .put("maintenance_seconds", f.maintenanceMs() / 1000.0)));
        JsonArray maintenanceRows = new JsonArray();
        r.maintenance().forEach(m -> maintenanceRows.add(new JsonObject().put("name", m.name())
                .put("start", m.span().start().toString()).put("end", m.span().end().toString())
                .put("seconds", m.span().millis() / 1000.0).put("components", new JsonArray(m.components()))));
        return new JsonObject()
                .put("service", r.service().name())
                .put("owner", r.service().owner())
                .put("description", r.service().description())
                .put("period", new JsonObject().put("kind", r.kind().label()).put("name", r.kind().name(r.date()))
                        .put("start", r.period().start().toString()).put("end", r.period().end().toString())
                        .put("time_zone", r.service().calendar().zone().getId()).put("complete", r.complete()))
                .put("target_ratio", r.service().targetRatio())
                .put("availability_ratio", r.figures().ratio().isPresent() ? r.figures().ratio().getAsDouble() : null)
                .put("met", r.met())
                .put("no_data_policy", r.service().noData().label())
                .put("seconds", new JsonObject()
                        .put("service", r.figures().serviceMs() / 1000.0)
                        .put("maintenance", r.figures().maintenanceMs() / 1000.0)
                        .put("counted", r.figures().countedMs() / 1000.0)
                        .put("up", r.figures().upMs() / 1000.0)
                        .put("down", r.figures().downMs() / 1000.0)
                        .put("no_data", r.figures().noDataMs() / 1000.0)
                        .put("charged_down", r.figures().chargedDownMs() / 1000.0))
                .put("error_budget", new JsonObject()
                        .put("total_seconds", r.budget().totalMs() / 1000.0)
                        .put("spent_seconds", r.budget().spentMs() / 1000.0)
                        .put("left_seconds", r.budget().leftMs() / 1000.0)
                        .put("remaining_ratio", Double.isNaN(r.budget().remainingRatio()) ? null : r.budget().remainingRatio()))
                .put("incidents", incidentRows)
                .put("components", componentRows)
                .put("maintenance", maintenanceRows)
                .put("sci", sciJson(r.sci()))
                .put("generated_at", r.now().toString());
    }

    /** Software Carbon Intensity beside availability; null when the report was made without carbon data. */
    private static JsonObject sciJson(SoftwareCarbonIntensity.Result sci) {
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

    /** An SLA report as one table of {@code section,item,start,end,seconds,value} rows, from the report itself. */
    public static String slaCsv(SlaReport r) {
        StringBuilder out = new StringBuilder("section,item,start,end,seconds,value\r\n");
        ServiceDefinition service = r.service();
        Figures f = r.figures();
        row(out, "summary", "service", "", "", "", service.name());
        row(out, "summary", "period", r.period().start().toString(), r.period().end().toString(), "",
                r.kind().name(r.date()) + " (" + service.calendar().zone().getId() + ")");
        row(out, "summary", "complete", "", "", "", String.valueOf(r.complete()));
        row(out, "summary", "target_ratio", "", "", "", num(service.targetRatio()));
        row(out, "summary", "availability_ratio", "", "", "", f.ratio().isPresent() ? num(f.ratio().getAsDouble()) : "");
        row(out, "summary", "met", "", "", "", r.met() == null ? "" : r.met().toString());
        row(out, "summary", "no_data_policy", "", "", "", service.noData().label());
        long[] seconds = {f.serviceMs(), f.maintenanceMs(), f.countedMs(), f.upMs(), f.downMs(), f.noDataMs(), f.chargedDownMs()};
        String[] names = {"service", "maintenance", "counted", "up", "down", "no_data", "charged_down"};
        for (int i = 0; i < names.length; i++) {
            row(out, "time", names[i], "", "", num(seconds[i] / 1000.0), "");
        }
        ErrorBudget b = r.budget();
        row(out, "error_budget", "total", "", "", num(b.totalMs() / 1000.0), "");
        row(out, "error_budget", "spent", "", "", num(b.spentMs() / 1000.0), "");
        row(out, "error_budget", "left", "", "", num(b.leftMs() / 1000.0), Double.isNaN(b.remainingRatio()) ? "" : num(b.remainingRatio()));
        long nowMs = r.now().toEpochMilli();
        for (Incident i : r.incidents()) {
            row(out, "incident", String.join(" ", i.components()), Instant.ofEpochMilli(i.startMs()).toString(),
                    i.endMs().isPresent() ? Instant.ofEpochMilli(i.endMs().getAsLong()).toString() : "", num(i.durationMs(nowMs) / 1000.0),
                    "service_hours_seconds=" + num(i.serviceHoursMs(service.calendar(), r.period(), nowMs) / 1000.0));
        }
        r.components().forEach((name, c) -> row(out, "component", name, "", "", num(c.downMs() / 1000.0),
                c.ratio().isPresent() ? num(c.ratio().getAsDouble()) : ""));
        SoftwareCarbonIntensity.Result sci = r.sci();
        if (sci != null) {
            for (String unit : sci.units().keySet()) {
                row(out, "sci", unit, "", "", "", sci.perUnit(unit).isPresent() ? num(sci.perUnit(unit).getAsDouble()) : "");
            }
            row(out, "sci", "energy_kwh", "", "", "", num(sci.energyKwh()));
            row(out, "sci", "operational_gco2e", "", "", "", num(sci.operationalGrams()));
            row(out, "sci", "embodied_gco2e", "", "", "", num(sci.embodiedGrams()));
        }
        for (SlaReport.MaintenanceRow m : r.maintenance()) {
            row(out, "maintenance", m.name(), m.span().start().toString(), m.span().end().toString(), num(m.span().millis() / 1000.0),
                    String.join(" ", m.components()));
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
