package io.kilowatch.collector.http;

import io.kilowatch.collector.estate.CarbonPolicy;
import io.kilowatch.collector.estate.DeviceRow;
import io.kilowatch.collector.estate.Estate;
import io.kilowatch.collector.estate.IngestService;
import io.kilowatch.collector.store.Store;
import io.kilowatch.core.credential.Credentials;
import io.kilowatch.core.report.ReportFormatException;
import io.kilowatch.core.report.ReportValidator;
import io.kilowatch.collector.security.AgentCredentials;
import io.kilowatch.collector.security.Role;
import io.kilowatch.collector.security.Users;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.handler.TimeoutHandler;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The collector's HTTP surface: ingest, REST API, live updates, /metrics, /health and the dashboard. */
public final class HttpApi {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    private static final String JSON = "application/json; charset=utf-8";

    private final Vertx vertx;
    private final Store store;
    private final WorkerExecutor storeWorker;
    private final Estate estate;
    private final IngestService ingest;
    private final PrometheusMeterRegistry prometheus;
    private final CarbonPolicy carbon;
    private final ZoneId zone;
    private final Clock clock;
    private final LiveUpdates live;
    private final AgentCredentials credentials;
    private final RateLimiter enrolmentLimiter;
    private final boolean requireClientCertificate;
    private final AccessControl access;
    private final List<ApiModule> modules = new java.util.ArrayList<>();
    /** Each device's state as the live clients last heard it, so a device going down with time alone is sent; read on ticks only. */
    private final java.util.Map<String, Estate.State> sentStates = new java.util.HashMap<>();
    private static final int MAX_LIVE_DEVICES = 500;

    public HttpApi(Vertx vertx, Store store, WorkerExecutor storeWorker, Estate estate, IngestService ingest,
                   PrometheusMeterRegistry prometheus, CarbonPolicy carbon, ZoneId zone, Clock clock, long pushIntervalMillis,
                   AgentCredentials credentials, boolean requireClientCertificate, Users users, boolean anonymousRead,
                   boolean secureCookies) {
        this.requireClientCertificate = requireClientCertificate;
        this.access = new AccessControl(vertx, users, anonymousRead, secureCookies, clock);
        this.vertx = vertx;
        this.store = store;
        this.storeWorker = storeWorker;
        this.estate = estate;
        this.ingest = ingest;
        this.prometheus = prometheus;
        this.carbon = carbon;
        this.zone = zone;
        this.clock = clock;
        this.live = new LiveUpdates(vertx, pushIntervalMillis, this::statesChangedWithTime, this::liveSnapshot);
        estate.onUpdate(plan -> live.deviceChanged(plan.device().deviceId()));
        this.credentials = credentials;
        // Enrolment tokens are guessable only by brute force; ten tries a minute per address makes that hopeless.
        this.enrolmentLimiter = new RateLimiter(10, 10, clock);
        vertx.setPeriodic(60_000, id -> enrolmentLimiter.forgetIdle());
    }

    /** Given a device and its agent's Kilowatch-Local-Settings header, the central settings for the answer to its reports, or null. */
    private java.util.function.BiFunction<String, String, JsonObject> agentSettings = (device, localKeys) -> null;

    /** Answers every batch with the central settings for its device. */
    public HttpApi answerWithSettings(java.util.function.BiFunction<String, String, JsonObject> settings) {
        this.agentSettings = settings;
        return this;
    }

    /** Adds a feature's routes; call before {@link #router}. */
    public HttpApi mount(ApiModule module) {
        modules.add(module);
        return this;
    }

    /** Tells live clients something changed: after stored reports and after a reload from the store. */
    public void markChanged() {
        live.markChanged();
    }

    /**
     * @param requestTimeoutMillis a report request not answered by then (a client trickling its body) gets 503
     */
    public Router router(int maxBodyBytes, int maxBatchBodyBytes, long requestTimeoutMillis) {
        Router router = Router.router(vertx);
        router.route().handler(ctx -> {
            ctx.response()
                    .putHeader("X-Content-Type-Options", "nosniff")
                    .putHeader("Referrer-Policy", "no-referrer")
                    .putHeader("X-Frame-Options", "DENY")
                    .putHeader("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'");
            ctx.next();
        });
        router.get("/health").handler(ctx -> ctx.response().putHeader("Content-Type", JSON).end(new JsonObject().put("status", "ok").encode()));
        access.routes(router);
        router.get("/metrics").handler(access.require(Role.VIEWER)).handler(this::metrics);
        router.get("/api/v1/devices*").handler(access.require(Role.VIEWER));
        router.get("/api/v1/estate*").handler(access.require(Role.VIEWER));
        router.get("/api/v1/events").handler(access.require(Role.VIEWER));
        router.delete("/api/v1/agents/:id/credential").handler(access.require(Role.ADMIN)).handler(this::revoke);

        router.post("/api/v1/reports*").handler(TimeoutHandler.create(requestTimeoutMillis));
        router.post("/api/v1/reports*").handler(this::authenticateAgent);
        router.post("/api/v1/enrol").handler(TimeoutHandler.create(requestTimeoutMillis))
                .handler(BodyHandler.create(false).setBodyLimit(4_096)).handler(this::enrol);
        router.post("/api/v1/reports")
                .handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes))
                .handler(this::postReport);
        router.post("/api/v1/reports/batch")
                .handler(BodyHandler.create(false).setBodyLimit(maxBatchBodyBytes))
                .handler(this::postBatch);
        router.get("/api/v1/devices").handler(this::devices);
        router.get("/api/v1/devices/:id").handler(this::device);
        router.get("/api/v1/devices/:id/series").handler(this::deviceSeries);
        router.get("/api/v1/estate").handler(ctx -> summary().onComplete(r -> respond(ctx, r.succeeded() ? r.result() : null, r.cause())));
        router.get("/api/v1/estate/series").handler(this::estateSeries);
        router.get("/api/v1/events").handler(live::subscribe);
        modules.forEach(m -> m.mount(router, access::require));
        router.route("/api/*").handler(ctx -> error(ctx, 404, List.of("no such API endpoint: " + ctx.request().method() + " " + ctx.request().path())));

        router.route("/*").handler(StaticHandler.create("kilowatch-dashboard").setCachingEnabled(false).setIndexPage("index.html"));
        router.route().failureHandler(this::failure);
        return router;
    }

    private void metrics(RoutingContext ctx) {
        ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(prometheus.scrape());
    }

    private void postReport(RoutingContext ctx) {
        String body = jsonBody(ctx);
        if (body == null) {
            return;
        }
        ingest.ingest(body, ctx.get(AUTHENTICATED_DEVICE)).onComplete(result -> {
            if (result.failed()) {
                storeFailed(ctx, result.cause());
                return;
            }
            IngestService.Result r = result.result();
            if (!r.accepted()) {
                error(ctx, 400, r.problems());
                return;
            }
            json(ctx, r.duplicate() ? 200 : 201, resultJson(r));
        });
    }

    /** A batch answers 200 with one result per report; only a body that is no batch at all is a 400. */
    private void postBatch(RoutingContext ctx) {
        String body = jsonBody(ctx);
        if (body == null) {
            return;
        }
        ingest.ingestBatch(body, ctx.get(AUTHENTICATED_DEVICE)).onComplete(result -> {
            if (result.failed() && result.cause() instanceof ReportFormatException e) {
                error(ctx, 400, List.of(e.getMessage()));
            } else if (result.failed()) {
                storeFailed(ctx, result.cause());
            } else {
                JsonArray results = new JsonArray();
                result.result().results().forEach(r -> results.add(r.accepted() ? resultJson(r)
                        : new JsonObject().put("sequence", r.sequence()).put("status", "rejected").put("problems", new JsonArray(r.problems()))));
                JsonObject answer = new JsonObject().put("results", results);
                JsonObject settings = agentSettings.apply(result.result().deviceId(), ctx.request().getHeader("Kilowatch-Local-Settings"));
                if (settings != null) {
                    answer.put("settings", settings);
                }
                json(ctx, 200, answer);
            }
        });
    }

    private static JsonObject resultJson(IngestService.Result r) {
        return new JsonObject()
                .put("sequence", r.sequence())
                .put("status", r.sequenceTaken() ? "sequence_taken" : r.duplicate() ? "duplicate" : "stored")
                .put("duplicate", r.duplicate())
                .put("last_sequence", r.lastSequence());
    }

    /** The body of a JSON request, or null after answering 415 for any other content type. */
    private static String jsonBody(RoutingContext ctx) {
        String contentType = ctx.request().getHeader("Content-Type");
        if (contentType == null || !contentType.toLowerCase().startsWith("application/json")) {
            error(ctx, 415, List.of("reports must be sent as Content-Type: application/json"));
            return null;
        }
        String body = ctx.body().asString();
        return body == null ? "" : body;
    }

    private static final String AUTHENTICATED_DEVICE = "kilowatch.device";

    /** Admin: revoke an agent's credential; it must enrol again. */
    private void revoke(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        storeWorker.executeBlocking(() -> store.revoke(id, clock.millis()), false).onComplete(result -> {
            if (result.failed()) {
                storeFailed(ctx, result.cause());
            } else if (result.result()) {
                LOG.atInfo().addKeyValue("device_id", id).log("agent credential revoked");
                ctx.response().setStatusCode(204).end();
            } else {
                error(ctx, 404, List.of("device '" + id + "' has no active credential"));
            }
        });
    }

    /** Reports need the agent's own credential as a bearer token, unless credentials are switched off. */
    private void authenticateAgent(RoutingContext ctx) {
        if (requireClientCertificate && !hasVerifiedClientCertificate(ctx)) {
            error(ctx, 401, List.of("agents must present a client certificate signed by the collector's client CA"));
            return;
        }
        if (credentials == null) {
            ctx.next();
            return;
        }
        // The credential is looked up asynchronously: hold the body back until the body handler is reached.
        ctx.request().pause();
        String header = ctx.request().getHeader("Authorization");
        String bearer = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
        credentials.authenticate(bearer).onComplete(result -> {
            if (result.succeeded() && result.result().isPresent()) {
                ctx.put(AUTHENTICATED_DEVICE, result.result().get());
                ctx.next();
            } else if (result.failed()) {
                storeFailed(ctx, result.cause());
            } else {
                ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"kilowatch\"");
                error(ctx, 401, List.of(bearer == null ? "reports need the agent's credential: Authorization: Bearer <credential>"
                        : "unknown or revoked credential; the agent must enrol again"));
            }
        });
    }

    private static boolean hasVerifiedClientCertificate(RoutingContext ctx) {
        try {
            return ctx.request().isSSL() && !ctx.request().connection().peerCertificates().isEmpty();
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            return false;
        }
    }

    private static final String MALFORMED_ENROLMENT = "malformed enrolment: the body must be {\"device_id\": ..., "
            + "\"enrolment_token\": ..., \"credential\": ...} with a valid device id and a credential of 43 to 128 URL-safe "
            + "base64 characters (32 random bytes or more)";

    /** {@code POST /api/v1/enrol} with {@code {"device_id", "enrolment_token", "credential"}} records the credential the agent chose. */
    private void enrol(RoutingContext ctx) {
        if (requireClientCertificate && !hasVerifiedClientCertificate(ctx)) {
            error(ctx, 401, List.of("agents must present a client certificate signed by the collector's client CA"));
            return;
        }
        if (credentials == null) {
            error(ctx, 404, List.of("agent credentials are switched off on this collector (security.agents.require_credentials)"));
            return;
        }
        long retryAfter = enrolmentLimiter.acquire(ctx.request().remoteAddress() == null ? "?" : ctx.request().remoteAddress().hostAddress());
        if (retryAfter > 0) {
            ctx.response().putHeader("Retry-After", Long.toString(retryAfter));
            error(ctx, 429, List.of("too many enrolment attempts; retry after " + retryAfter + " s"));
            return;
        }
        String body = jsonBody(ctx);
        if (body == null) {
            return;
        }
        JsonObject request;
        try {
            request = new JsonObject(body);
        } catch (RuntimeException e) {
            error(ctx, 400, List.of(MALFORMED_ENROLMENT));
            return;
        }
        Object deviceId = request.getValue("device_id");
        Object token = request.getValue("enrolment_token");
        Object credential = request.getValue("credential");
        if (!(deviceId instanceof String id) || !ReportValidator.DEVICE_ID.matcher(id).matches() || !(token instanceof String t)
                || !(credential instanceof String c) || !Credentials.FORMAT.matcher(c).matches() || request.size() != 3) {
            error(ctx, 400, List.of(MALFORMED_ENROLMENT));
            return;
        }
        credentials.enrol(id, t, c).onComplete(result -> {
            if (result.succeeded()) {
                LOG.atInfo().addKeyValue("device_id", id).log("agent enrolled");
                json(ctx, 201, new JsonObject().put("device_id", id));
            } else {
                if (result.cause() instanceof AgentCredentials.Refused refused) {
                    LOG.atWarn().addKeyValue("device_id", id).addKeyValue("reason", refused.getMessage()).log("enrolment refused");
                }
                storeFailed(ctx, result.cause());
            }
        });
    }

    private static void storeFailed(RoutingContext ctx, Throwable cause) {
        if (cause instanceof AgentCredentials.Refused refused) {
            error(ctx, refused.status, List.of(refused.getMessage()));
            return;
        }
        if (cause instanceof IngestService.RateLimitedException limited) {
            ctx.response().putHeader("Retry-After", Long.toString(limited.retryAfterSeconds));
            error(ctx, 429, List.of(limited.getMessage()));
            return;
        }
        LOG.atError().setCause(cause).log("storing reports failed");
        error(ctx, 503, List.of("the report could not be stored; send it again later"));
    }

    private void devices(RoutingContext ctx) {
        DeviceQuery query;
        try {
            query = DeviceQuery.parse(ctx.queryParams());
        } catch (IllegalArgumentException e) {
            error(ctx, 400, List.of(e.getMessage()));
            return;
        }
        Instant now = clock.instant();
        List<DeviceRow> rows = estate.rows();
        List<DeviceRow> matching = query.select(rows, estate, now);
        if (!query.paged()) {
            json(ctx, 200, Views.devices(matching, estate, carbon, now));
            return;
        }
        JsonObject labels = new JsonObject();
        DeviceQuery.labelValues(rows).forEach((name, values) -> labels.put(name, new JsonArray(List.copyOf(values))));
        json(ctx, 200, new JsonObject().put("total", matching.size()).put("offset", query.offset()).put("limit", query.limit())
                .put("devices", Views.devices(query.page(matching), estate, carbon, now)).put("labels", labels));
    }

    private void device(RoutingContext ctx) {
        DeviceRow row = estate.row(ctx.pathParam("id"));
        if (row == null) {
            error(ctx, 404, List.of("no device with id '" + ctx.pathParam("id") + "'"));
            return;
        }
        json(ctx, 200, Views.device(row, estate, carbon, clock.instant(), true));
    }

    private void deviceSeries(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        if (estate.row(id) == null) {
            error(ctx, 404, List.of("no device with id '" + id + "'"));
            return;
        }
        withRange(ctx, (range, from, to) -> store.deviceSeries(id, from, to, range.step.toMillis(), range.fromRaw));
    }

    private void estateSeries(RoutingContext ctx) {
        withRange(ctx, (range, from, to) -> store.estateSeries(from, to, range.step.toMillis(), range.fromRaw));
    }

    private interface SeriesQuery {
        List<Store.SeriesPoint> run(SeriesRange range, long fromMs, long toMs);
    }

    private void withRange(RoutingContext ctx, SeriesQuery query) {
        String label = ctx.queryParams().get("range") == null ? "1h" : ctx.queryParams().get("range");
        SeriesRange range = SeriesRange.of(label).orElse(null);
        if (range == null) {
            error(ctx, 400, List.of("range must be one of " + SeriesRange.labels() + ", got '" + label + "'"));
            return;
        }
        long step = range.step.toMillis();
        long to = (clock.millis() / step + 1) * step;
        long from = to - range.length.toMillis();
        storeWorker.executeBlocking(() -> new JsonObject()
                        .put("range", range.label)
                        .put("from", Instant.ofEpochMilli(from).toString())
                        .put("to", Instant.ofEpochMilli(to).toString())
                        .put("step_seconds", step / 1000)
                        .put("source", range.fromRaw ? "samples" : "hourly rollups")
                        .put("points", Views.series(query.run(range, from, to))), false)
                .onComplete(r -> respond(ctx, r.succeeded() ? r.result() : null, r.cause()));
    }

    private Future<JsonObject> summary() {
        Instant now = clock.instant();
        return storeWorker.executeBlocking(() -> EstateSummary.compute(store, estate, carbon, zone, now), false);
    }

    /** The devices whose state changed with time alone since the last tick: silent past their allowance, or their site's hours began or ended. */
    private List<String> statesChangedWithTime() {
        Instant now = clock.instant();
        List<String> ids = new java.util.ArrayList<>();
        for (DeviceRow row : estate.rows()) {
            Estate.State state = estate.state(row, now);
            Estate.State before = sentStates.put(row.deviceId(), state);
            if (before != null && before != state) {
                ids.add(row.deviceId());
            }
        }
        return ids;
    }

    /**
     * The live event: the summary and the rows of the devices that changed, at most {@link #MAX_LIVE_DEVICES};
     * beyond that {@code devices_truncated} tells clients to re-read what they show. The rows are read when
     * the summary is ready, just before sending, so an event is never older than a page served meanwhile.
     */
    private Future<JsonObject> liveSnapshot(java.util.Collection<String> ids) {
        List<String> sent = ids.stream().limit(MAX_LIVE_DEVICES).toList();
        return summary().map(summary -> new JsonObject()
                .put("estate", summary)
                .put("devices", Views.devices(sent.stream().map(estate::row).filter(java.util.Objects::nonNull).toList(), estate, carbon,
                        clock.instant()))
                .put("devices_truncated", ids.size() > MAX_LIVE_DEVICES));
    }

    private void respond(RoutingContext ctx, JsonObject body, Throwable failure) {
        if (failure != null) {
            LOG.atError().setCause(failure).addKeyValue("path", ctx.request().path()).log("API request failed");
            error(ctx, 500, List.of("internal error; see the collector's log"));
        } else {
            json(ctx, 200, body);
        }
    }

    private void failure(RoutingContext ctx) {
        int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
        if (status == 413) {
            error(ctx, 413, List.of("request body too large"));
        } else if (status == 503 && ctx.failure() == null) {
            error(ctx, 503, List.of("request not completed in time"));
        } else if (status >= 500) {
            LOG.atError().setCause(ctx.failure()).addKeyValue("path", ctx.request().path()).log("request failed");
            error(ctx, status, List.of("internal error; see the collector's log"));
        } else {
            error(ctx, status, List.of("request failed with status " + status));
        }
    }

    /** What a request answers when the store could not be read. */
    public static final String STORE_UNREADABLE = "the store could not be read; try again";

    /**
     * Runs blocking store work on the worker; when it fails, logs the cause, answers 503 with {@code unavailable}
     * and the returned future fails, so callers only say what success answers.
     */
    public static <T> Future<T> onStore(RoutingContext ctx, WorkerExecutor worker, java.util.concurrent.Callable<T> work, String unavailable) {
        return worker.executeBlocking(work, false).onFailure(e -> {
            LOG.atWarn().setCause(e).addKeyValue("path", ctx.request().path()).log("store work failed");
            error(ctx, 503, List.of(unavailable));
        });
    }

    /** Answers 200 with the JSON a store read gives, or 503 when the store could not be read. */
    public static void answerFromStore(RoutingContext ctx, WorkerExecutor worker, java.util.concurrent.Callable<?> read) {
        onStore(ctx, worker, read, STORE_UNREADABLE).onSuccess(body -> json(ctx, 200, body));
    }

    public static void json(RoutingContext ctx, int status, Object body) {
        String text = body instanceof JsonArray a ? a.encode() : ((JsonObject) body).encode();
        ctx.response().setStatusCode(status).putHeader("Content-Type", JSON).putHeader("Cache-Control", "no-store").end(text);
    }

    public static void error(RoutingContext ctx, int status, List<String> problems) {
        if (ctx.response().ended()) {
            return;
        }
        json(ctx, status, new JsonObject().put("error", problems.get(0)).put("problems", new JsonArray(problems)));
    }
}
