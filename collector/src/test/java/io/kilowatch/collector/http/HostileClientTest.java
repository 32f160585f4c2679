package io.kilowatch.collector.http;

import static io.kilowatch.collector.estate.Reports.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.core.report.Report;
import io.kilowatch.core.report.ReportCodec;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Clients that send too much too often, or too slowly, are cut off without harming the collector. */
@ExtendWith(VertxExtension.class)
class HostileClientTest {
    @TempDir
    Path dataDir;
    private WebClient client;
    private int port;
    private Enrolment agents;
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    @BeforeEach
    void start(Vertx vertx) {
        client = WebClient.create(vertx);
        port = TestCollector.deploy(vertx, dataDir, "security.read.anonymous", "true",
                "http.rate_limit.requests_per_minute_per_device", "6", "http.rate_limit.burst", "3", "http.request_timeout", "1s").port();
        agents = new Enrolment(client, port, dataDir);
    }

    private HttpResponse<Buffer> post(Report r) {
        return client.post(port, "127.0.0.1", "/api/v1/reports").putHeader("Content-Type", "application/json")
                .putHeader("Authorization", agents.bearer(r.deviceId()))
                .sendBuffer(Buffer.buffer(ReportCodec.toJson(r))).await();
    }

    private Report reportFrom(String device, long sequence) {
        return report().device(device).sequence(sequence).at(now.minusSeconds(60 - sequence)).bootedAt(now.minusSeconds(3600))
                .counter(sequence * 100.0).build();
    }

    @Test
    void aDeviceOverItsRateGets429AndOthersAreUnaffected() {
        long started = System.nanoTime();
        for (long s = 1; s <= 3; s++) {
            assertEquals(201, post(reportFrom("noisy", s)).statusCode());
        }
        HttpResponse<Buffer> limited = post(reportFrom("noisy", 4));
        double elapsedSeconds = (System.nanoTime() - started) / 1e9;
        assertEquals(429, limited.statusCode(), limited.bodyAsString());
        // 6 a minute refill one request each 10 s, counted from the first request: 10 s, less the time the three took
        long retryAfter = Long.parseLong(limited.getHeader("Retry-After"));
        assertTrue(retryAfter <= 10 && retryAfter >= (long) Math.ceil(10 - elapsedSeconds), retryAfter + " s after " + elapsedSeconds + " s");
        assertEquals(3, client.get(port, "127.0.0.1", "/api/v1/devices/noisy").send().await().bodyAsJsonObject().getLong("last_sequence"));
        assertEquals(201, post(reportFrom("quiet", 1)).statusCode());
    }

    @Test
    void aClientTricklingItsBodyIsCutOffAndTheCollectorStaysHealthy() throws Exception {
        try (Socket slow = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = slow.getOutputStream();
            out.write(("POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: "
                    + agents.bearer("slow") + "\r\nContent-Length: 5000\r\n\r\n{")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long started = System.nanoTime();
            slow.setSoTimeout(15_000);
            InputStream in = slow.getInputStream();
            String answer = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 503", answer);
            assertTrue((System.nanoTime() - started) / 1e9 < 10, "cut off after the request timeout");
        }
        assertEquals(200, client.get(port, "127.0.0.1", "/health").send().await().statusCode());
        assertEquals(201, post(reportFrom("after", 1)).statusCode());
    }
}
