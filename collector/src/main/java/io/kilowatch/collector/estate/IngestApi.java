package io.kilowatch.collector.estate;

import static io.kilowatch.collector.http.Responses.error;
import static io.kilowatch.collector.http.Responses.json;

import io.kilowatch.collector.http.ApiModule;
import io.kilowatch.collector.http.RateLimiter;
import io.kilowatch.collector.http.Responses;
import io.kilowatch.collector.security.Role;
import io.kilowatch.core.credential.Credentials;
import io.kilowatch.core.report.ReportFormatException;
import io.kilowatch.core.report.ReportValidator;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.TimeoutHandler;
import java.time.Clock;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Agents' side of the API: enrolment, reports one by one and in batches, and revoking an agent's credential. */
public final class IngestApi implements ApiModule {
    private static final Logger LOG = LoggerFactory.getLogger(IngestApi.class);
    private static final String AUTHENTICATED_DEVICE = "kilowatch.device";

    private final IngestService ingest;
    private final AgentCredentials credentials;
    private final boolean requireClientCertificate;
    private final EstateStore store;
    private final Clock clock;
    private final RateLimiter enrolmentLimiter;
    private final Limits limits;
    private SettingsAnswer agentSettings = (device, localKeys) -> null;

    /** The central settings for the answer to a device's reports, written by the agent settings' API. */
    @FunctionalInterface
    public interface SettingsAnswer {
        /** Given a device and its agent's Kilowatch-Local-Settings header (null when not sent), its settings, or null for none. */
        JsonObject settingsFor(String deviceId, String localKeysHeader);
    }

    /**
     * @param requestTimeoutMillis a report request not answered by then (a client trickling its body) gets 503
     */
    public record Limits(int maxBodyBytes, int maxBatchBodyBytes, long requestTimeoutMillis) {
    }

    /**
     * @param credentials null when agents need no credential (security.agents.require_credentials: false)
     */
    public IngestApi(Vertx vertx, IngestService ingest, AgentCredentials credentials, boolean requireClientCertificate, EstateStore store,
                     Clock clock, Limits limits) {
        this.ingest = ingest;
        this.credentials = credentials;
        this.requireClientCertificate = requireClientCertificate;
        this.store = store;
        this.clock = clock;
        this.limits = limits;
        // Enrolment tokens are guessable only by brute force; ten tries a minute per address makes that hopeless.
        this.enrolmentLimiter = new RateLimiter(10, 10, clock);
        vertx.setPeriodic(60_000, id -> enrolmentLimiter.forgetIdle());
    }

    /** Answers every batch with the central settings for its device. */
    public IngestApi answerWithSettings(SettingsAnswer settings) {
        this.agentSettings = settings;
        return this;
    }

    @Override
    public void mount(Router router, Function<Role, Handler<RoutingContext>> require) {
        router.delete("/api/v1/agents/:id/credential").handler(require.apply(Role.ADMIN)).handler(this::revoke);
        router.post("/api/v1/reports*").handler(TimeoutHandler.create(limits.requestTimeoutMillis()));
        router.post("/api/v1/reports*").handler(this::authenticateAgent);
        router.post("/api/v1/enrol").handler(TimeoutHandler.create(limits.requestTimeoutMillis()))
                .handler(BodyHandler.create(false).setBodyLimit(4_096)).handler(this::enrol);
        router.post("/api/v1/reports")
                .handler(BodyHandler.create(false).setBodyLimit(limits.maxBodyBytes()))
                .handler(this::postReport);
        router.post("/api/v1/reports/batch")
                .handler(BodyHandler.create(false).setBodyLimit(limits.maxBatchBodyBytes()))
                .handler(this::postBatch);
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
                JsonObject settings = agentSettings.settingsFor(result.result().deviceId(), ctx.request().getHeader("Kilowatch-Local-Settings"));
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

    /** Admin: revoke an agent's credential; it must enrol again. */
    private void revoke(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        store.revoke(id, clock.millis()).onComplete(result -> {
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
        Responses.storeUnavailable(ctx, "the report could not be stored; send it again later");
    }
}
