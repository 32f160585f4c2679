package io.kilowatch.collector.http;

import static io.kilowatch.collector.http.Responses.error;

import io.kilowatch.collector.security.Role;
import io.kilowatch.collector.security.Sessions;
import io.kilowatch.collector.security.Users;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collector's HTTP surface: security headers, /health, logins, /metrics and the dashboard, with every
 * feature's API routes mounted under the same access rules.
 */
public final class HttpApi {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);

    private final Vertx vertx;
    private final MetricsExposition exposition;
    private final AccessControl access;
    private final SessionApi sessionApi;
    private final Supplier<Future<?>> storeCheck;
    private final BooleanSupplier exposesEstate;
    static final long HEALTH_TIMEOUT_MS = 5_000;
    private final List<ApiModule> modules = new ArrayList<>();

    /**
     * @param storeCheck a trivial read through the store's single writer: {@code /health} answers 503, saying why, while
     *     it fails or takes longer than {@link #HEALTH_TIMEOUT_MS}, so a load balancer sends agents to another collector
     * @param exposesEstate whether {@code /metrics} has the estate's series as well as this collector's own: true on the
     *     one collector holding the metrics duty (always, with one collector), false on the others ({@link PerCollectorMetrics})
     */
    public HttpApi(Vertx vertx, MetricsExposition exposition, Clock clock, Users users, Sessions sessions, boolean anonymousRead,
                   boolean secureCookies, Supplier<Future<?>> storeCheck, BooleanSupplier exposesEstate) {
        this.vertx = vertx;
        this.exposition = exposition;
        this.storeCheck = storeCheck;
        this.exposesEstate = exposesEstate;
        this.access = new AccessControl(users, sessions, anonymousRead);
        this.sessionApi = new SessionApi(vertx, users, sessions, anonymousRead, secureCookies, clock);
    }

    /** Adds a feature's routes, in order; call before {@link #router}. */
    public HttpApi mount(ApiModule module) {
        modules.add(module);
        return this;
    }

    public Router router() {
        Router router = Router.router(vertx);
        router.route().handler(ctx -> {
            ctx.response()
                    .putHeader("X-Content-Type-Options", "nosniff")
                    .putHeader("Referrer-Policy", "no-referrer")
                    .putHeader("X-Frame-Options", "DENY")
                    .putHeader("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'");
            ctx.next();
        });
        router.get("/health").handler(this::health);
        sessionApi.mount(router, access::require);
        router.get("/metrics").handler(access.require(Role.VIEWER)).handler(this::metrics);
        modules.forEach(m -> m.mount(router, access::require));
        router.route("/api/*").handler(ctx -> error(ctx, 404, List.of("no such API endpoint: " + ctx.request().method() + " " + ctx.request().path())));

        router.route("/*").handler(StaticHandler.create("kilowatch-dashboard").setCachingEnabled(false).setIndexPage("index.html"));
        router.route().failureHandler(this::failure);
        return router;
    }

    private void health(RoutingContext ctx) {
        storeCheck.get().timeout(HEALTH_TIMEOUT_MS, TimeUnit.MILLISECONDS).onComplete(r -> {
            if (r.succeeded()) {
                ctx.response().putHeader("Content-Type", Responses.JSON).end(new JsonObject().put("status", "ok").encode());
            } else {
                String why = r.cause().getMessage() == null ? r.cause().toString() : r.cause().getMessage();
                Responses.storeUnavailable(ctx, "store: " + why);
            }
        });
    }

    /**
     * Scraped, encoded and compressed on a worker: 10,000 devices' series are 13 MB of text, and writing them, then
     * encoding and gzipping them (as Prometheus asks) on the event loop, held every agent's report waiting behind each
     * scrape for the better part of a second. Every meter reads state made to be read from any thread.
     */
    private void metrics(RoutingContext ctx) {
        boolean estateToo = exposesEstate.getAsBoolean();
        boolean gzip = acceptsGzip(ctx.request().getHeader("Accept-Encoding"));
        vertx.executeBlocking(() -> {
            byte[] text = exposition.scrape(estateToo).getBytes(StandardCharsets.UTF_8);
            return Buffer.buffer(gzip ? gzipped(text) : text);
        }, false).onComplete(scraped -> {
            if (scraped.succeeded()) {
                HttpServerResponse response = ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                        .putHeader("Vary", "Accept-Encoding");
                if (gzip) {
                    // already encoded: the server's own compression passes a response with this header through untouched
                    response.putHeader("Content-Encoding", "gzip");
                }
                response.end(scraped.result());
            } else {
                ctx.fail(scraped.cause());
            }
        });
    }

    /** Whether an Accept-Encoding header takes gzip (not refused with q=0). */
    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String coding : acceptEncoding.split(",")) {
            String[] parts = coding.trim().split(";");
            if (parts[0].trim().equalsIgnoreCase("gzip")) {
                return !(parts.length > 1 && parts[1].replace(" ", "").matches("q=0(\\.0*)?"));
            }
        }
        return false;
    }

    /** Fastest level: an exposition's repetitive text shrinks some thirtyfold even so (13.4 to 0.4 MB at 10,000 devices), for less CPU. */
    private static byte[] gzipped(byte[] text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length / 8);
        try (GZIPOutputStream gzip = new GZIPOutputStream(out, 64 * 1024) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }) {
            gzip.write(text);
        }
        return out.toByteArray();
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
}
