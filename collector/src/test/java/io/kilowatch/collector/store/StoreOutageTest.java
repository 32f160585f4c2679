package io.kilowatch.collector.store;

import static io.kilowatch.collector.estate.Reports.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.collector.CollectorConfig;
import io.kilowatch.collector.CollectorVerticle;
import io.kilowatch.core.config.Settings;
import io.kilowatch.core.report.ReportCodec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A collector on PostgreSQL while PostgreSQL crashes (pg_ctl stop -m immediate) and comes back: reports are refused
 * with 503 and Retry-After, so agents keep them spooled and send them again; /health says the store is why; afterwards
 * the same collector stores again without a restart.
 */
@ExtendWith(VertxExtension.class)
class StoreOutageTest {
    private TestPostgres pg;
    private WebClient client;

    @BeforeEach
    void start(Vertx vertx) {
        pg = TestPostgres.dedicated();
        client = WebClient.create(vertx);
    }

    @AfterEach
    void stop() {
        client.close();
        pg.close();
    }

    private HttpResponse<Buffer> post(int port, long sequence) {
        return post(port, "pc-1", sequence, Instant.now().minusSeconds(60).plusSeconds(sequence));
    }

    private HttpResponse<Buffer> post(int port, String device, long sequence, Instant at) {
        return send(port, device, sequence, at).await();
    }

    private Future<HttpResponse<Buffer>> send(int port, String device, long sequence, Instant at) {
        return client.post(port, "127.0.0.1", "/api/v1/reports").putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer(ReportCodec.toJson(report().device(device).sequence(sequence).at(at).bootedAt(at.minusSeconds(3600))
                        .counter(sequence * 100.0).build())));
    }

    /** A collector on the test PostgreSQL taking reports without credentials; its port. */
    private int deploy(Vertx vertx, Path dir) {
        Settings settings = Settings.parse("", "test", Map.of("KILOWATCH_COLLECTOR_STORE_POSTGRESQL_PASSWORD", TestPostgres.PASSWORD),
                        "KILOWATCH_COLLECTOR_")
                .override("http.port", "0").override("data_dir", dir.toString()).override("security.agents.require_credentials", "false")
                .override("security.read.anonymous", "true")
                .override("store.type", "postgresql").override("store.postgresql.url", pg.url("postgres"))
                .override("store.postgresql.user", TestPostgres.USER);
        CollectorVerticle collector = new CollectorVerticle(CollectorConfig.from(settings), Clock.systemUTC());
        vertx.deployVerticle(collector).await();
        return collector.actualPort();
    }

    @Test
    void aStoreOutageIsA503WithRetryAfterAndHealthSaysWhy(Vertx vertx, @TempDir Path dir) throws Exception {
        int port = deploy(vertx, dir);
        assertEquals(201, post(port, 1).statusCode());
        assertEquals(200, client.get(port, "127.0.0.1", "/health").send().await().statusCode());

        pg.crash();
        HttpResponse<Buffer> refused = post(port, 2);
        assertEquals(503, refused.statusCode(), refused.bodyAsString());
        assertEquals("5", refused.getHeader("Retry-After"));
        HttpResponse<Buffer> health = client.get(port, "127.0.0.1", "/health").send().await();
        assertEquals(503, health.statusCode());
        assertTrue(health.bodyAsJsonObject().getString("error").startsWith("store: "), health.bodyAsString());

        pg.restart();
        assertStoredWhenSentAgain(port, 2);
        assertEquals(200, client.get(port, "127.0.0.1", "/health").send().await().statusCode());

        // an outage nothing but ingest notices (no /health between), with a report from a day with no samples yet, whose
        // partition is made outside the transaction: ingest itself gives back the connection the server dropped
        pg.crash();
        Instant dayBefore = Instant.now().minus(Duration.ofDays(2));
        assertEquals(503, post(port, "pc-2", 1, dayBefore).statusCode());
        pg.restart();
        assertStoredWhenSentAgain(port, "pc-2", 1, dayBefore);
    }

    /** Under load the single writer has many calls queued: they must not each wait out the pool's 3 s connect timeout. */
    @Test
    void callsQueuedWhileTheStoreIsAwayAreAllAnsweredWithinSeconds(Vertx vertx, @TempDir Path dir) throws Exception {
        int port = deploy(vertx, dir);
        assertEquals(201, post(port, 1).statusCode());
        pg.crash();
        long started = System.nanoTime();
        List<Future<HttpResponse<Buffer>>> answers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            answers.add(send(port, "pc-" + (i + 10), 1, Instant.now()));
        }
        answers.add(client.get(port, "127.0.0.1", "/health").send());
        Future.join(answers).await();
        long tookMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
        for (Future<HttpResponse<Buffer>> answer : answers) {
            assertEquals(503, answer.result().statusCode(), answer.result().bodyAsString());
        }
        // one connect attempt (3 s) and the rest at once; 21 attempts one after another would take a minute
        assertTrue(tookMs < 10_000, "answered in " + tookMs + " ms");
        pg.restart();
        assertStoredWhenSentAgain(port, 2);
    }

    private void assertStoredWhenSentAgain(int port, long sequence) throws InterruptedException {
        assertStoredWhenSentAgain(port, "pc-1", sequence, Instant.now().minusSeconds(60).plusSeconds(sequence));
    }

    /** Sends the report again, as an agent does with one refused with 503, until it is stored (10 s at most). */
    private void assertStoredWhenSentAgain(int port, String deviceId, long sequence, Instant at) throws InterruptedException {
        HttpResponse<Buffer> again = null;
        for (int i = 0; i < 40 && (again == null || again.statusCode() != 201); i++) {
            Thread.sleep(250);
            again = post(port, deviceId, sequence, at);
        }
        assertEquals(201, again.statusCode(), again.bodyAsString());
        HttpResponse<Buffer> device = client.get(port, "127.0.0.1", "/api/v1/devices/" + deviceId).send().await();
        assertEquals(sequence, device.bodyAsJsonObject().getLong("last_sequence"), "the report refused during the outage is stored once sent again");
    }
}
