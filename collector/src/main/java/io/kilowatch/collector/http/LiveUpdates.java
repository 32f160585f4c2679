package io.kilowatch.collector.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Server-sent events for the dashboard: an {@code update} event with the estate summary and device
 * list at most once a push interval after something changed, and at least every heartbeat interval
 * (states change with time alone: a silent device goes down).
 */
final class LiveUpdates {
    private static final long HEARTBEAT_MILLIS = 15_000;

    private final Set<HttpServerResponse> clients = ConcurrentHashMap.newKeySet();
    private final Supplier<Future<JsonObject>> snapshot;
    private volatile boolean changed = true;
    private long lastPushMillis;

    LiveUpdates(Vertx vertx, long pushIntervalMillis, Supplier<Future<JsonObject>> snapshot) {
        this.snapshot = snapshot;
        vertx.setPeriodic(pushIntervalMillis, id -> tick(System.currentTimeMillis()));
    }

    void markChanged() {
        changed = true;
    }

    void subscribe(RoutingContext ctx) {
        HttpServerResponse response = ctx.response();
        response.setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-store")
                .putHeader("X-Accel-Buffering", "no");
        response.write("retry: 3000\n\n");
        clients.add(response);
        response.closeHandler(v -> clients.remove(response));
        response.exceptionHandler(e -> clients.remove(response));
        snapshot.get().onSuccess(json -> send(response, json));
    }

    private void tick(long nowMillis) {
        if (clients.isEmpty() || !changed && nowMillis - lastPushMillis < HEARTBEAT_MILLIS) {
            return;
        }
        changed = false;
        lastPushMillis = nowMillis;
        snapshot.get().onSuccess(json -> clients.forEach(c -> send(c, json)));
    }

    private void send(HttpServerResponse response, JsonObject json) {
        if (!response.closed()) {
            response.write("event: update\ndata: " + json.encode() + "\n\n");
        }
    }
}
