package io.kilowatch.agent.ship;

import com.sun.net.httpserver.HttpServer;
import io.kilowatch.core.report.Report;
import io.kilowatch.core.report.ReportCodec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A real HTTP server on a free loopback port that answers {@code POST /api/v1/reports} as the collector's
 * contract says, recording what it stores. The answer can be changed to test the agent's reactions.
 */
public final class RecordingCollector implements AutoCloseable {
    public record Answer(int status, String body) {
    }

    private final HttpServer server;
    public final List<Report> stored = new CopyOnWriteArrayList<>();
    public final List<String> rawBodies = new CopyOnWriteArrayList<>();
    private volatile Function<Report, Answer> answer = r -> new Answer(201,
            "{\"status\":\"stored\",\"duplicate\":false,\"last_sequence\":" + r.sequence() + "}");

    public RecordingCollector() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v1/reports", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            rawBodies.add(body);
            Answer a;
            try {
                Report report = ReportCodec.fromJson(body);
                a = answer.apply(report);
                if (a.status() / 100 == 2 && !a.body().contains("\"duplicate\":true")) {
                    stored.add(report);
                }
            } catch (Exception e) {
                a = new Answer(400, "{\"error\":\"" + e.getMessage().replace('"', '\'') + "\"}");
            }
            byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(a.status(), out.length);
            exchange.getResponseBody().write(out);
            exchange.close();
        });
        server.start();
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public void answer(Function<Report, Answer> answer) {
        this.answer = answer;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
