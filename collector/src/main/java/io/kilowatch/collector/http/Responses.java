package io.kilowatch.collector.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How every API answers: JSON bodies, errors as {@code {"error", "problems"}}, and 503 when the store cannot be read. */
public final class Responses {
    private static final Logger LOG = LoggerFactory.getLogger(Responses.class);
    static final String JSON = "application/json; charset=utf-8";

    /** What a request answers when the store could not be read. */
    public static final String STORE_UNREADABLE = "the store could not be read; try again";
    /** When to try again after the store failed: agents and load balancers back off this long (seconds). */
    public static final String STORE_RETRY_AFTER_SECONDS = "5";

    private Responses() {
    }

    /**
     * A store's answer: when it fails, logs the cause, answers 503 with {@code unavailable} and the returned future fails,
     * so callers only say what success answers.
     */
    public static <T> Future<T> onStore(RoutingContext ctx, Future<T> stored, String unavailable) {
        return stored.onFailure(e -> {
            LOG.atWarn().setCause(e).addKeyValue("path", ctx.request().path()).log("store work failed");
            storeUnavailable(ctx, unavailable);
        });
    }

    /** 503 with Retry-After: the store is down or failing, and the same request will likely succeed later. */
    public static void storeUnavailable(RoutingContext ctx, String problem) {
        if (!ctx.response().ended()) {
            ctx.response().putHeader("Retry-After", STORE_RETRY_AFTER_SECONDS);
        }
        error(ctx, 503, List.of(problem));
    }

    /** Answers 200 with the body, or 500 (logged) when computing it failed. */
    public static void respond(RoutingContext ctx, JsonObject body, Throwable failure) {
        if (failure != null) {
            LOG.atError().setCause(failure).addKeyValue("path", ctx.request().path()).log("API request failed");
            error(ctx, 500, List.of("internal error; see the collector's log"));
        } else {
            json(ctx, 200, body);
        }
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
