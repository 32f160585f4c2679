package io.kilowatch.collector.sustainability;

import io.kilowatch.collector.http.Responses;
import io.kilowatch.collector.http.ApiModule;
import io.kilowatch.collector.security.Role;
import io.vertx.core.Handler;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
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
    private final WorkerExecutor storeWorker;
    private final Clock clock;

    public SustainabilityApi(SustainabilityService service, WorkerExecutor storeWorker, Clock clock) {
        this.service = service;
        this.storeWorker = storeWorker;
        this.clock = clock;
    }

    @Override
    public void mount(Router router, Function<Role, Handler<RoutingContext>> require) {
        router.get(BASE + "/*").handler(require.apply(Role.VIEWER));
        router.get(BASE + "/summary").handler(ctx -> answer(ctx, () -> service.summary(clock.instant())));
        router.get(BASE + "/savings").handler(ctx -> answer(ctx, () -> service.savings(clock.instant())));
        router.get(BASE + "/embodied").handler(ctx -> answer(ctx, () -> service.embodied(clock.instant())));
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
            answer(ctx, () -> service.trajectory(year, org == null || org.isBlank() ? null : org, clock.instant()));
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
            answer(ctx, () -> service.report(year, quarter, clock.instant()));
        } else if (format.equals("csv")) {
            storeWorker.executeBlocking(() -> service.reportCsv(year, quarter, clock.instant()), false).onComplete(r -> {
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
        storeWorker.executeBlocking(() -> {
            if (!service.deviceExists(id)) {
                return false;
            }
            service.setPurchaseDate(id, date, clock.instant());
            return true;
        }, false).onComplete(r -> {
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
        storeWorker.executeBlocking(() -> service.clearPurchaseDate(id), false).onComplete(r -> {
            if (r.failed()) {
                failed(ctx, r.cause());
            } else if (r.result()) {
                ctx.response().setStatusCode(204).end();
            } else {
                Responses.error(ctx, 404, List.of("device '" + id + "' has no purchase date"));
            }
        });
    }

    private void answer(RoutingContext ctx, Callable<JsonObject> work) {
        storeWorker.executeBlocking(work, false).onComplete(r -> {
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
