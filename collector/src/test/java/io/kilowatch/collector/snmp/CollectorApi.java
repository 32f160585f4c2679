package io.kilowatch.collector.snmp;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** A running collector's HTTP API as the SNMP tests read it. */
record CollectorApi(String base) {
    static final HttpClient HTTP = HttpClient.newHttpClient();

    JsonArray events(String device, String kind) {
        String q = "/api/v1/events/devices?limit=1000&kind=" + kind + (device == null ? "" : "&device=" + device);
        return new JsonObject(get(q)).getJsonArray("events");
    }

    /** The device as /api/v1/devices shows it, or null before its first report. */
    JsonObject device(String id) {
        JsonObject all = new JsonObject("{\"d\":" + get("/api/v1/devices") + "}");
        Object list = all.getValue("d");
        JsonArray devices = list instanceof JsonArray a ? a : ((JsonObject) list).getJsonArray("devices");
        for (Object o : devices) {
            if (id.equals(((JsonObject) o).getString("device_id"))) {
                return (JsonObject) o;
            }
        }
        return null;
    }

    String get(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static void waitUntil(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
    }
}
