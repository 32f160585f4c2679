package io.kilowatch.collector.sustainability;

import io.kilowatch.collector.http.Responses;
import io.kilowatch.collector.http.ApiModule;
import io.kilowatch.collector.security.Role;
import io.kilowatch.core.carbon.report.CarbonReport;
import io.kilowatch.core.carbon.report.CarbonReportCsv;
import io.kilowatch.core.carbon.report.DeviceGroup;
import io.kilowatch.core.carbon.report.ReportFigures;
import io.kilowatch.core.carbon.report.ReportPeriod;
import io.vertx.core.Handler;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/v1/carbon/...}: the carbon report (JSON, CSV), trajectory against the target, summary,
 * Green ICT savings, embodied carbon per device, and purchase dates (admin). Documented in docs/api.md.
 */
public final class SustainabilityApi implements ApiModule {
    private static final Logger LOG = LoggerFactory.getLogger(SustainabilityApi.class);
    private static final String BASE = "/api/v1/carbon";

    private final SustainabilityService service;
    private final Clock clock;

    public SustainabilityApi(SustainabilityService service, Clock clock) {
        this.service = service;
        this.clock = clock;
    }

    @Override
    public void mount(Router router, Function<Role, Handler<RoutingContext>> require) {
        router.get(BASE + "/*").handler(require.apply(Role.VIEWER));
        router.get(BASE + "/summary").handler(ctx -> answer(ctx, service.summary(clock.instant()).map(SustainabilityApi::json)));
        router.get(BASE + "/savings").handler(ctx -> answer(ctx, service.savings(clock.instant()).map(SustainabilityApi::json)));
        router.get(BASE + "/embodied").handler(ctx -> answer(ctx, service.embodied(clock.instant()).map(SustainabilityApi::json)));
        router.get(BASE + "/trajectory").handler(this::trajectory);
        router.get(BASE + "/report").handler(this::report);
        String purchase = BASE + "/devices/:id/purchase-date";
        // Vert.x wants the body handler first; the body is small (1 KiB at most) and read before the role is checked.
        router.put(purchase).handler(BodyHandler.create(false).setBodyLimit(1_024)).handler(require.apply(Role.ADMIN))
                .handler(this::setPurchaseDate);
        router.delete(purchase).handler(require.apply(Role.ADMIN)).handler(this::clearPurchaseDate);
    }

    private Integer year(RoutingContext ctx) {
        String text = ctx.queryParams().get("year");
        Instant now = clock.instant();
        if (text == null) {
            return now.atZone(service.zone()).getYear();
        }
        try {
            int year = Integer.parseInt(text);
            if (year >= 2000 && year <= 2100) {
                return year;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        Responses.error(ctx, 400, List.of("year must be a year from 2000 to 2100, got '" + text + "'"));
        return null;
    }

    private void trajectory(RoutingContext ctx) {
        Integer year = year(ctx);
        if (year != null) {
            String org = ctx.queryParams().get("org");
            answer(ctx, service.trajectory(year, org == null || org.isBlank() ? null : org, clock.instant()).map(SustainabilityApi::json));
        }
    }

    private void report(RoutingContext ctx) {
        Integer year = year(ctx);
        if (year == null) {
            return;
        }
        String q = ctx.queryParams().get("quarter");
        if (q != null && !q.matches("[1-4]")) {
            Responses.error(ctx, 400, List.of("quarter must be 1, 2, 3 or 4, got '" + q + "'"));
            return;
        }
        Integer quarter = q == null ? null : Integer.valueOf(q);
        String format = ctx.queryParams().get("format") == null ? "json" : ctx.queryParams().get("format");
        if (format.equals("json")) {
            answer(ctx, service.report(year, quarter, clock.instant()).map(SustainabilityApi::json));
        } else if (format.equals("csv")) {
            service.report(year, quarter, clock.instant()).map(CarbonReportCsv::of).onComplete(r -> {
                if (r.failed()) {
                    failed(ctx, r.cause());
                } else {
                    String name = "kilowatch-carbon-" + year + (quarter == null ? "" : "-q" + quarter) + ".csv";
                    ctx.response().putHeader("Content-Type", "text/csv; charset=utf-8").putHeader("Cache-Control", "no-store")
                            .putHeader("Content-Disposition", "attachment; filename=\"" + name + "\"").end(r.result());
                }
            });
        } else {
            Responses.error(ctx, 400, List.of("format must be json or csv, got '" + format + "'"));
        }
    }

    /** The carbon report as JSON: the same rounded figures as its CSV, as numbers. */
    public static JsonObject json(CarbonReport report) {
        ReportPeriod period = report.period();
        JsonArray scopes = new JsonArray();
        report.scopes().forEach(s -> scopes.add(new JsonObject().put("scope", s.scope()).put("category", s.category()).put("kind", s.kind())
                .put("kg", s.kg().doubleValue())));
        JsonArray orgs = new JsonArray();
        report.byOrg().forEach(o -> orgs.add(new JsonObject().put("org", o.org()).put("own", figures(o.own())).put("shared", figures(o.shared()))
                .put("total", figures(o.total())).put("devices", o.devices())));
        JsonArray shared = new JsonArray();
        for (CarbonReport.SharedService service : report.sharedServices()) {
            JsonArray parts = new JsonArray();
            service.partners().forEach(p -> parts.add(figures(p.figures()).put("partner", p.partner()).put("share", p.share())));
            shared.add(new JsonObject().put("org", service.org()).put("total", figures(service.total())).put("devices", service.devices())
                    .put("partners", parts));
        }
        return new JsonObject()
                .put("period", new JsonObject().put("label", period.label()).put("year", period.year()).put("quarter", period.quarter())
                        .put("from", period.from().toString()).put("to", period.to().toString()).put("time_zone", period.zone().getId())
                        .put("complete", report.complete()))
                .put("generated", report.generated().toString())
                .put("totals", row(report.totals()))
                .put("scopes", scopes)
                .put("by_org", orgs)
                .put("shared_services", shared)
                .put("by_site", rows("site", report.bySite()))
                .put("by_class", rows("class", report.byClass()))
                .put("target", report.target().map(SustainabilityApi::target).orElse(null))
                .put("method", new JsonArray(new ArrayList<>(report.method())))
                .put("factor_sources", new JsonArray(new ArrayList<>(report.factorSources())));
    }

    private static JsonArray rows(String key, List<CarbonReport.Row> rows) {
        JsonArray array = new JsonArray();
        rows.forEach(r -> array.add(row(r).put(key, r.name())));
        return array;
    }

    private static JsonObject row(CarbonReport.Row row) {
        return figures(row.figures()).put("devices", row.devices());
    }

    /** A group's figures, rounded as in the report, with its device count (the summary's totals). */
    private static JsonObject figures(DeviceGroup group) {
        return figures(ReportFigures.of(group.footprint())).put("devices", group.devices());
    }

    /** Rounded figures with their data quality: the share of the energy measured, modelled, imported and unknown. */
    private static JsonObject figures(ReportFigures figures) {
        JsonObject json = new JsonObject();
        figures.values().forEach((column, value) -> json.put(column.key(), value.doubleValue()));
        return json.put("data_quality", quality(figures.dataQuality()));
    }

    /** Shares by provenance as {@code <kind>_ratio}, each null without energy. */
    private static JsonObject quality(Map<String, BigDecimal> shares) {
        JsonObject quality = new JsonObject();
        shares.forEach((kind, share) -> quality.put(kind + "_ratio", share == null ? null : share.doubleValue()));
        return quality;
    }

    private static JsonObject target(CarbonReport.Target t) {
        return new JsonObject()
                .put("baseline_year", t.baselineYear())
                .put("baseline_kg", t.baselineKg())
                .put("baseline_source", t.baselineSource())
                .put("target_kg", t.targetKg())
                .put("actual_kg", t.actualKg())
                .put("projected_year_end_kg", t.projectedYearEndKg().isPresent() ? t.projectedYearEndKg().getAsDouble() : null)
                .put("reduction_vs_baseline_percent", t.reductionVsBaselinePercent().isPresent()
                        ? t.reductionVsBaselinePercent().getAsDouble() : null)
                .put("includes_embodied", t.includesEmbodied())
                .put("status", t.status().key());
    }

    /** This year so far, as the Sustainability page shows it. */
    public static JsonObject json(CarbonSummary summary) {
        return new JsonObject().put("year", summary.year()).put("time_zone", summary.zone().getId())
                .put("from", summary.from().toString()).put("to", summary.to().toString()).put("totals", figures(summary.totals()))
                .put("orgs", new JsonArray(new ArrayList<>(summary.orgs())))
                .put("target", summary.target().map(t -> new JsonObject().put("baseline_year", t.baselineYear()).put("target_kg", t.targetKg())
                        .put("actual_kg", t.actualKg()).put("projected_year_end_kg", orNull(t.projectedYearEndKg())).put("status", t.status()))
                        .orElse(null));
    }

    public static JsonObject json(TrajectoryReport report) {
        JsonObject json = new JsonObject().put("org", report.org()).put("year", report.year());
        if (report instanceof TrajectoryReport.NoTarget none) {
            return json.put("status", "no_target").put("reason", none.reason());
        }
        TrajectoryReport.Tracked t = (TrajectoryReport.Tracked) report;
        JsonArray years = new JsonArray();
        t.years().forEach(y -> years.add(new JsonObject().put("year", y.year()).put("target_kg", y.targetKg())
                .put("actual_kg", orNull(y.actualKg())).put("status", y.status()).put("data_quality", quality(y.dataQuality()))));
        JsonArray milestones = new JsonArray();
        t.milestones().forEach(m -> milestones.add(new JsonObject().put("year", m.year()).put("reduction_percent", m.reductionPercent())
                .put("target_kg", m.targetKg()).put("actual_kg", orNull(m.actualKg())).put("status", m.status())));
        JsonArray months = new JsonArray();
        t.months().forEach(m -> months.add(new JsonObject().put("month", m.month().toString()).put("target_kg", m.targetKg())
                .put("actual_kg", orNull(m.actualKg())).put("cumulative_target_kg", m.cumulativeTargetKg())
                .put("cumulative_actual_kg", orNull(m.cumulativeActualKg()))));
        return json
                .put("time_zone", t.zone().getId())
                .put("baseline_year", t.baselineYear())
                .put("baseline_kg", t.baselineKg())
                .put("baseline_source", t.baselineSource())
                .put("annual_reduction_percent", t.annualReductionPercent())
                .put("includes_embodied", t.includesEmbodied())
                .put("target_kg", t.targetKg())
                .put("actual_kg", orNull(t.actualKg()))
                .put("projected_year_end_kg", orNull(t.projectedYearEndKg()))
                .put("status", t.status())
                .put("data_quality", quality(t.dataQuality()))
                .put("years", years)
                .put("milestones", milestones)
                .put("months", months)
                .put("method", t.method());
    }

    public static JsonObject json(SavingsReport savings) {
        JsonArray idle = new JsonArray();
        savings.idleOutOfHours().worstOffenders().forEach(d -> idle.add(annual(annual(device(d.device())
                .put("idle_out_of_hours_hours", d.idleHours()), "annual_", d.annual(), ""), "sleep_policy_annual_", d.sleepPolicy(), "")));
        JsonArray servers = new JsonArray();
        savings.underusedServers().candidates().forEach(s -> servers.add(annual(device(s.device()).put("mean_cpu_ratio", s.meanCpuRatio())
                .put("p95_cpu_ratio", s.p95CpuRatio()).put("mean_watts", s.meanWatts()).put("saved_watts", s.savedWatts()), "annual_", s.annual(), "")));
        JsonArray replace = new JsonArray();
        savings.replaceOrKeep().forEach(r -> replace.add(annual(device(r.device()).put("in_service", r.inService().toString())
                .put("in_service_source", r.inServiceSource()).put("age_years", r.ageYears()).put("past_expected_life", r.pastExpectedLife())
                .put("mean_watts", r.meanWatts()).put("new_device_watts", r.newDeviceWatts()), "annual_", r.saved(), "_saved")
                .put("new_embodied_kg", r.newEmbodiedKg()).put("break_even_years", orNull(r.breakEvenYears()))
                .put("verdict", r.replace() ? "replace" : "keep")));
        SavingsReport.IdleOutOfHours i = savings.idleOutOfHours();
        SavingsReport.UnderusedServers u = savings.underusedServers();
        SavingsReport.KeepLonger k = savings.keepLonger();
        return new JsonObject()
                .put("window", new JsonObject().put("from", savings.windowFrom().toString()).put("to", savings.windowTo().toString())
                        .put("hours", savings.windowHours()))
                .put("price_gbp_per_kwh", orNull(savings.priceGbpPerKwh()))
                .put("idle_out_of_hours", annual(new JsonObject().put("idle_cpu_ratio_below", i.idleCpuRatioBelow()), "annual_", i.annual(), "")
                        .put("sleep_policy", annual(new JsonObject(), "annual_", i.sleepPolicy(), ""))
                        .put("worst_offenders", idle))
                .put("underused_servers", annual(new JsonObject().put("mean_cpu_ratio_below", u.meanCpuRatioBelow())
                        .put("p95_cpu_ratio_below", u.p95CpuRatioBelow()), "annual_", u.annual(), "")
                        .put("candidates", servers))
                .put("replace_or_keep", replace)
                .put("keep_longer", new JsonObject().put("devices", k.devices()).put("annual_embodied_kg", k.annualEmbodiedKg())
                        .put("annual_embodied_kg_one_year_longer", k.annualEmbodiedKgOneYearLonger()).put("annual_kg_saved", k.annualKgSaved()))
                .put("method", savings.method());
    }

    /** Adds a saving a year as {@code <prefix>kwh<suffix>}, {@code ..kg..} and {@code ..gbp..} (null without a price). */
    private static JsonObject annual(JsonObject json, String prefix, SavingsReport.Annual annual, String suffix) {
        return json.put(prefix + "kwh" + suffix, annual.kwh()).put(prefix + "kg" + suffix, annual.kg())
                .put(prefix + "gbp" + suffix, orNull(annual.gbp()));
    }

    public static JsonObject json(EmbodiedReport report) {
        JsonArray devices = new JsonArray();
        report.devices().forEach(d -> devices.add(device(d.device()).put("model", d.model()).put("displays", d.displays())
                .put("embodied_kg", d.embodiedKg().orElse(null)).put("source", d.source())
                .put("expected_life_years", d.expectedLifeYears())
                .put("in_service", d.inService().toString()).put("in_service_source", d.inServiceSource())
                .put("this_year_kg", d.thisYearKg())
                .put("fully_amortised", d.fullyAmortised())
                .put("one_more_year_saves_kg_per_year", d.oneMoreYearSavesKgPerYear().orElse(null))));
        return new JsonObject().put("year", report.year()).put("devices", devices)
                .put("classes_without_embodied_figure", new JsonArray(new ArrayList<>(report.classesWithoutEmbodiedFigure())));
    }

    private static JsonObject device(DeviceIdentity d) {
        return new JsonObject().put("device_id", d.deviceId()).put("hostname", d.hostname())
                .put("org", d.org()).put("site", d.site()).put("class", d.deviceClass());
    }

    private static Double orNull(OptionalDouble value) {
        return value.isPresent() ? value.getAsDouble() : null;
    }

    private void setPurchaseDate(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        LocalDate date;
        try {
            JsonObject body = ctx.body().asJsonObject();
            if (body == null || body.size() != 1 || !(body.getValue("purchase_date") instanceof String text)) {
                throw new IllegalArgumentException();
            }
            date = LocalDate.parse(text);
        } catch (RuntimeException e) {
            Responses.error(ctx, 400, List.of("the body must be {\"purchase_date\": \"YYYY-MM-DD\"}"));
            return;
        }
        if (date.isAfter(clock.instant().atZone(service.zone()).toLocalDate()) || date.getYear() < 1990) {
            Responses.error(ctx, 400, List.of("purchase_date must be from 1990 up to today, got " + date));
            return;
        }
        service.deviceExists(id).compose(exists -> exists ? service.setPurchaseDate(id, date, clock.instant()).map(true)
                : Future.succeededFuture(false)).onComplete(r -> {
            if (r.failed()) {
                failed(ctx, r.cause());
            } else if (!r.result()) {
                Responses.error(ctx, 404, List.of("no device with id '" + id + "'"));
            } else {
                LOG.atInfo().addKeyValue("device_id", id).addKeyValue("purchase_date", date).log("purchase date recorded");
                ctx.response().setStatusCode(204).end();
            }
        });
    }

    private void clearPurchaseDate(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        service.clearPurchaseDate(id).onComplete(r -> {
            if (r.failed()) {
                failed(ctx, r.cause());
            } else if (r.result()) {
                ctx.response().setStatusCode(204).end();
            } else {
                Responses.error(ctx, 404, List.of("device '" + id + "' has no purchase date"));
            }
        });
    }

    private void answer(RoutingContext ctx, Future<JsonObject> work) {
        work.onComplete(r -> {
            if (r.failed()) {
                failed(ctx, r.cause());
            } else {
                Responses.json(ctx, 200, r.result());
            }
        });
    }

    private static void failed(RoutingContext ctx, Throwable cause) {
        LOG.atError().setCause(cause).addKeyValue("path", ctx.request().path()).log("carbon reporting request failed");
        Responses.error(ctx, 500, List.of("internal error; see the collector's log"));
    }
}
