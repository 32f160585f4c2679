package io.kilowatch.collector.alerting;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.nio.file.Path;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A webhook receiver on a free loopback port that answers the first {@code failures} requests with {@code failStatus}. */
final class WebhookReceiver {
    final List<JsonObject> received = new CopyOnWriteArrayList<>();
    final List<String> authorizations = new CopyOnWriteArrayList<>();
    final AtomicInteger requests = new AtomicInteger();
    private final int failures;
    private final int failStatus;
    private final HttpServer server;
    private final boolean tls;

    WebhookReceiver(Vertx vertx, int failures, int failStatus) {
        this(vertx, failures, failStatus, new HttpServerOptions());
    }

    /** An HTTPS receiver with the given PEM certificate and key. */
    WebhookReceiver(Vertx vertx, Path cert, Path key) {
        this(vertx, 0, 200, new HttpServerOptions().setSsl(true)
                .setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert.toString()).setKeyPath(key.toString())));
    }

    private WebhookReceiver(Vertx vertx, int failures, int failStatus, HttpServerOptions options) {
        this.failures = failures;
        this.failStatus = failStatus;
        this.tls = options.isSsl();
        this.server = vertx.createHttpServer(options).requestHandler(req -> req.body().onSuccess(body -> {
            if (requests.incrementAndGet() <= this.failures) {
                req.response().setStatusCode(this.failStatus).end("not now");
                return;
            }
            received.add(body.toJsonObject());
            authorizations.add(String.valueOf(req.getHeader("Authorization")));
            req.response().setStatusCode(200).end();
        }));
        server.listen(0, "127.0.0.1").await();
    }

    String url() {
        return (tls ? "https" : "http") + "://127.0.0.1:" + server.actualPort() + "/hook";
    }
}
