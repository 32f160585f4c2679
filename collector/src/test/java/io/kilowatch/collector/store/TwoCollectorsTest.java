package io.kilowatch.collector.store;

import static io.kilowatch.collector.estate.Reports.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.collector.CollectorConfig;
import io.kilowatch.collector.CollectorVerticle;
import io.kilowatch.collector.security.Users;
import io.kilowatch.core.config.Settings;
import io.kilowatch.core.credential.Credentials;
import io.kilowatch.core.report.ReportCodec;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two collectors on one PostgreSQL, as behind a load balancer: a login made on one holds on the other and a logout on
 * one ends it on both; an agent enrolled through one reports through the other; a report taken by one reaches the
 * other's live stream within a couple of seconds; only the collector holding the metrics duty exposes device series.
 */
@ExtendWith(VertxExtension.class)
class TwoCollectorsTest {
    private static String adminHash;
    private static String[] apiToken;

    @TempDir
    Path dir;

    @BeforeAll
    static void hashes() {
        adminHash = Users.hashPassword("admin-pass".toCharArray());
        apiToken = Users.newApiToken();
    }

    private static int deploy(Vertx vertx, StoreConfig store, Path dataDir, Path enrolmentTokenFile, String collectorId) {
        Settings settings = Settings.parse("", "test", Map.of("KILOWATCH_COLLECTOR_STORE_POSTGRESQL_PASSWORD", TestPostgres.PASSWORD),
                        "KILOWATCH_COLLECTOR_")
                .override("http.port", "0").override("data_dir", dataDir.toString())
                .override("store.type", "postgresql").override("store.postgresql.url", store.postgresql().url())
                .override("store.postgresql.user", store.postgresql().user())
                // An hour: anything the other collector shows within seconds came by LISTEN/NOTIFY, not by the periodic refresh.
                .override("storage.refresh_interval", "1h").override("dashboard.push_interval", "250ms")
                .override("security.agents.enrolment_token_file", enrolmentTokenFile.toString())
                .override("security.users.ada.role", "admin").override("security.users.ada.password_hash", adminHash)
                .override("security.api_tokens.prometheus.sha256", apiToken[1]).override("cluster.collector_id", collectorId);
        CollectorVerticle collector = new CollectorVerticle(CollectorConfig.from(settings), Clock.systemUTC());
        vertx.deployVerticle(collector).await();
        return collector.actualPort();
    }

    @Test
    void twoCollectorsOnOnePostgresqlServeOneEstate(Vertx vertx) throws Exception {
        StoreConfig store = TestPostgres.shared().freshDatabase(dir);
        Path token = dir.resolve("enrolment-token"); // one Secret mounted on both
        int a = deploy(vertx, store, dir.resolve("a"), token, "collector-a"); // first up: takes every duty's lease, the metrics duty too
        int b = deploy(vertx, store, dir.resolve("b"), token, "collector-b");
        WebClient client = WebClient.create(vertx);

        // A login on A holds on B; a logout on B ends it on A too, within the cache time.
        HttpResponse<Buffer> login = client.post(a, "127.0.0.1", "/api/v1/session").putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer(new JsonObject().put("username", "ada").put("password", "admin-pass").encode())).await();
        assertEquals(200, login.statusCode(), login.bodyAsString());
        String cookie = login.cookies().get(0).split(";", 2)[0];
        HttpResponse<Buffer> onB = client.get(b, "127.0.0.1", "/api/v1/session").putHeader("Cookie", cookie).send().await();
        assertEquals(200, onB.statusCode(), onB.bodyAsString());
        assertEquals("ada", onB.bodyAsJsonObject().getString("username"));
        assertEquals(200, client.get(b, "127.0.0.1", "/api/v1/devices").putHeader("Cookie", cookie).send().await().statusCode());
        assertEquals(200, client.get(a, "127.0.0.1", "/api/v1/devices").putHeader("Cookie", cookie).send().await().statusCode());
        assertEquals(204, client.delete(b, "127.0.0.1", "/api/v1/session").putHeader("Cookie", cookie)
                .putHeader("X-Requested-With", "kilowatch").send().await().statusCode());
        long loggedOut = System.nanoTime();
        int status = 200;
        while (status == 200 && System.nanoTime() - loggedOut < 10_000_000_000L) {
            status = client.get(a, "127.0.0.1", "/api/v1/devices").putHeader("Cookie", cookie).send().await().statusCode();
            Thread.sleep(200);
        }
        assertEquals(401, status, "A refuses the session B closed");
        assertTrue(System.nanoTime() - loggedOut < 6_000_000_000L, "within the 5 s cache time");

        // An agent enrolled on A reports on B.
        String credential = Credentials.newSecret();
        HttpResponse<Buffer> enrolled = client.post(a, "127.0.0.1", "/api/v1/enrol").putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer(new JsonObject().put("device_id", "pc-1").put("enrolment_token", Files.readString(token).trim())
                        .put("credential", credential).encode())).await();
        assertEquals(201, enrolled.statusCode(), enrolled.bodyAsString());
        Instant now = Instant.now();
        assertEquals(201, post(client, b, credential, report().device("pc-1").sequence(1).at(now.minusSeconds(30))
                .bootedAt(now.minusSeconds(3600)).counter(100).build()).statusCode());

        // A report taken by A reaches B's live stream.
        StringBuffer stream = new StringBuffer();
        HttpClient http = vertx.createHttpClient();
        http.request(HttpMethod.GET, b, "127.0.0.1", "/api/v1/events")
                .compose(request -> request.putHeader("Authorization", "Bearer " + apiToken[0]).send()
                        .onSuccess(response -> response.handler(chunk -> stream.append(chunk.toString()))))
                .await();
        waitForEvent(stream, "", 5_000);
        long sent = System.nanoTime();
        assertEquals(201, post(client, a, credential, report().device("pc-1").sequence(2).at(now.minusSeconds(15))
                .bootedAt(now.minusSeconds(3600)).counter(200).build()).statusCode());
        String event = waitForEvent(stream, "\"last_sequence\":2", 3_000);
        assertTrue(event.contains("\"device_id\":\"pc-1\""), event);
        System.out.println("a report taken by collector A reached B's live stream in " + (System.nanoTime() - sent) / 1_000_000 + " ms");
        http.close();

        // Device series only from the collector with the metrics duty; each collector's own series from both.
        String metricsA = client.get(a, "127.0.0.1", "/metrics").bearerTokenAuthentication(apiToken[0]).send().await().bodyAsString();
        String metricsB = client.get(b, "127.0.0.1", "/metrics").bearerTokenAuthentication(apiToken[0]).send().await().bodyAsString();
        assertTrue(metricsA.contains("kilowatch_device_energy_joules_total{") && metricsA.contains("device=\"pc-1\""), metricsA);
        assertFalse(metricsB.contains("kilowatch_device_"), metricsB);
        assertFalse(metricsB.contains("kilowatch_estate_"), metricsB);
        assertTrue(metricsB.contains("kilowatch_ingest_reports_total{outcome=\"stored\"} 1.0"), metricsB);
        assertTrue(metricsB.contains("# TYPE jvm_memory_used_bytes gauge") && metricsB.contains("process_cpu_seconds_total "), metricsB);
        client.close();
    }

    private static HttpResponse<Buffer> post(WebClient client, int port, String credential, io.kilowatch.core.report.Report report) {
        return client.post(port, "127.0.0.1", "/api/v1/reports").putHeader("Content-Type", "application/json")
                .bearerTokenAuthentication(credential).sendBuffer(Buffer.buffer(ReportCodec.toJson(report))).await();
    }

    /** The first live event whose data contains {@code text}, waiting at most {@code withinMillis}. */
    private static String waitForEvent(StringBuffer stream, String text, long withinMillis) throws InterruptedException {
        long deadline = System.nanoTime() + withinMillis * 1_000_000;
        while (System.nanoTime() < deadline) {
            Matcher m = Pattern.compile("event: update\ndata: (.*)\n\n").matcher(stream);
            while (m.find()) {
                if (m.group(1).contains(text)) {
                    String event = m.group(1);
                    stream.delete(0, m.end());
                    return event;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no live event with " + text + " within " + withinMillis + " ms in:\n" + stream);
    }
}
