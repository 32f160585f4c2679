package io.kilowatch.collector.estate;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Server-sent events for the dashboard: an {@code update} event at most once a push interval after
 * something changed, and at least every heartbeat interval (states change with time alone: a silent
 * device goes down). Each event carries the estate summary and only the devices that changed since the
 * previous one, so an estate of tens of thousands of devices is not sent again every few seconds.
 */
final class LiveUpdates {
    private static final long HEARTBEAT_MILLIS = 15_000;

    private final Set<HttpServerResponse> clients = ConcurrentHashMap.newKeySet();
    private final Set<String> changedDevices = ConcurrentHashMap.newKeySet();
    private final Supplier<Collection<String>> changedWithTime;
    private final Function<Collection<String>, Future<String>> snapshot;
    private volatile boolean changed = true;
    private long lastPushMillis;

    /**
     * @param changedWithTime the devices whose state changed with no report since it was last asked (on
     *     ticks only: a new client's first event must not use up a change the others have not been sent)
     * @param snapshot the event's JSON for these devices (none for a new client), run on the event loop
     */
    LiveUpdates(Vertx vertx, long pushIntervalMillis, Supplier<Collection<String>> changedWithTime,
                Function<Collection<String>, Future<String>> snapshot) {
        this.changedWithTime = changedWithTime;
        this.snapshot = snapshot;
        vertx.setPeriodic(pushIntervalMillis, id -> tick(System.currentTimeMillis()));
    }

    void markChanged() {
        changed = true;
    }

    void deviceChanged(String deviceId) {
        if (!clients.isEmpty()) {
            changedDevices.add(deviceId);
        }
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
        snapshot.apply(List.of()).onSuccess(json -> send(response, json));
    }

    private void tick(long nowMillis) {
        if (clients.isEmpty() || !changed && nowMillis - lastPushMillis < HEARTBEAT_MILLIS) {
            return;
        }
        changed = false;
        lastPushMillis = nowMillis;
        Set<String> devices = new TreeSet<>(changedDevices);
        changedDevices.removeAll(devices);
        devices.addAll(changedWithTime.get());
        snapshot.apply(devices).onSuccess(json -> clients.forEach(c -> send(c, json)));
    }

    private void send(HttpServerResponse response, String json) {
        if (!response.closed()) {
            response.write("event: update\ndata: " + json + "\n\n");
        }
    }
}
