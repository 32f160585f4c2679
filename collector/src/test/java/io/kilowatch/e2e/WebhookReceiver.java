package io.kilowatch.e2e;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An Alertmanager-style webhook on 127.0.0.1 and a free port: keeps each POSTed payload, in order. */
final class WebhookReceiver implements AutoCloseable {
    private final HttpServer server;
    private final List<JsonObject> notifications = new CopyOnWriteArrayList<>();

    WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            notifications.add(new JsonObject(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Every payload received so far. */
    List<JsonObject> notifications() {
        return notifications;
    }

    /** Firing notifications about this device's group. */
    long firing(String device) {
        return notifications.stream().filter(n -> "firing".equals(n.getString("status"))
                && device.equals(n.getJsonObject("groupLabels", new JsonObject()).getString("device"))).count();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
