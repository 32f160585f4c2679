package io.kilowatch.collector.carbon;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for api.carbonintensity.org.uk on a free loopback port, answering with recorded responses:
 * {@code /intensity/...} with the national recording, {@code /regional/intensity/...} with the all-regions one.
 * The status and body can be switched to an outage or garbage. Requested paths are kept.
 */
public final class NesoReplayServer implements AutoCloseable {
    private final HttpServer server;
    public final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile String override;

    public NesoReplayServer(Vertx vertx) {
        server = vertx.createHttpServer().requestHandler(request -> {
            requests.add(request.path());
            String body = override != null ? override
                    : request.path().startsWith("/regional/intensity/") ? Recordings.read("regional-intensity-2024-06-03T1030.json")
                    : request.path().startsWith("/intensity/") ? Recordings.read("national-2024-06-03.json") : null;
            if (body == null) {
                request.response().setStatusCode(404).end("{\"error\":{\"code\":\"404 Not Found\"}}");
            } else {
                request.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
            }
        }).listen(0, "127.0.0.1").await();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.actualPort() + path;
    }

    /** Answers every request with this status and body from now on (null body: the recordings again). */
    public void answer(int status, String body) {
        this.status = status;
        this.override = body;
    }

    @Override
    public void close() {
        server.close().await();
    }
}
