package io.kilowatch.collector.alerting;

import static io.kilowatch.collector.estate.Reports.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.collector.http.TestCollector;
import io.kilowatch.collector.security.Users;
import io.kilowatch.core.report.ReportCodec;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole collector: a device that stops reporting raises {@code device_down} from the live estate,
 * a webhook hears of it, and the API shows it now, in history and in /metrics; silences are made and
 * ended by admins only.
 */
@ExtendWith(VertxExtension.class)
class AlertsApiTest {
    private static String adminHash;
    private static String[] viewerToken;
    private static String[] adminToken;

    @TempDir
    Path dataDir;
    private WebClient client;
    private WebhookReceiver receiver;
    private int port;

    @BeforeAll
    static void credentials() {
        adminHash = Users.hashPassword("admin-pass".toCharArray());
        viewerToken = Users.newApiToken();
        adminToken = Users.newApiToken();
    }

    @BeforeEach
    void start(Vertx vertx) {
        client = WebClient.create(vertx);
        receiver = new WebhookReceiver(vertx, 0, 200);
        port = TestCollector.deploy(vertx, dataDir,
                "security.agents.require_credentials", "false",
                "devices.down_after_missed_reports", "1",
                "security.users.ada.role", "admin", "security.users.ada.password_hash", adminHash,
                "security.api_tokens.grafana.sha256", viewerToken[1],
                "security.api_tokens.ops.role", "admin", "security.api_tokens.ops.sha256", adminToken[1],
                "alerting.evaluation_interval", "1s",
                "alerting.grouping.group_wait", "0s",
                "alerting.grouping.group_interval", "1s",
                "alerting.rules.device_down.for", "1s",
                "alerting.rules.device_down.keep_firing_for", "0s",
                "alerting.channels.hook.type", "webhook",
                "alerting.channels.hook.url", receiver.url()).port();
    }

    private HttpResponse<Buffer> get(String path) {
        return client.get(port, "127.0.0.1", path).putHeader("Authorization", "Bearer " + viewerToken[0]).send().await();
    }

    private HttpResponse<Buffer> send(HttpRequest<Buffer> request, JsonObject body) {
        return body == null ? request.send().await()
                : request.putHeader("Content-Type", "application/json").sendBuffer(body.toBuffer()).await();
    }

    /** A server's report: a silent server is down at any hour (a desktop out of hours is presumed asleep). */
    private void reportAs(String device, long sequence, Instant at) {
        HttpResponse<Buffer> r = client.post(port, "127.0.0.1", "/api/v1/reports").putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer(ReportCodec.toJson(report().device(device).label("class", "server").sequence(sequence).at(at)
                        .bootedAt(at.minus(Duration.ofHours(1))).build())))
                .await();
        assertEquals(201, r.statusCode(), r.bodyAsString());
    }

    private static void waitFor(String what, BooleanSupplier done) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    @Test
    void aDeviceThatStopsReportingFiresDeviceDownWhichTheApiHistoryAndMetricsShow() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        reportAs("pc-quiet", 1, now.minus(Duration.ofMinutes(2)));
        reportAs("pc-fine", 1, now.plus(Duration.ofMinutes(4))); // a clock ahead (within what ingest allows): up throughout the test

        waitFor("device_down firing", () -> get("/api/v1/alerts").bodyAsJsonObject().getJsonArray("alerts").stream()
                .anyMatch(a -> ((JsonObject) a).getString("state").equals("firing")));
        JsonArray current = get("/api/v1/alerts").bodyAsJsonObject().getJsonArray("alerts");
        assertEquals(1, current.size(), current.encode());
        JsonObject alert = current.getJsonObject(0);
        assertEquals("device_down", alert.getString("rule"));
        assertEquals("ticket", alert.getString("severity"));
        assertEquals(new JsonObject().put("device", "pc-quiet").put("org", "Northshire").put("site", "County Hall").put("class", "server"),
                alert.getJsonObject("labels"));
        assertTrue(alert.getString("summary").startsWith("pc-quiet (PC-QUIET) has not reported for"), alert.getString("summary"));
        assertEquals(new JsonArray(), alert.getJsonArray("silenced_by"));

        waitFor("the webhook", () -> receiver.received.size() == 1);
        assertEquals("pc-quiet", receiver.received.get(0).getJsonArray("alerts").getJsonObject(0).getJsonObject("labels").getString("device"));

        waitFor("history with the delivery", () -> get("/api/v1/alerts/history").bodyAsJsonObject().getJsonArray("alerts")
                .getJsonObject(0).getJsonArray("notifications").size() == 1);
        JsonObject history = get("/api/v1/alerts/history?rule=device_down&state=firing&limit=10").bodyAsJsonObject();
        assertEquals(1, history.getLong("total"));
        JsonObject entry = history.getJsonArray("alerts").getJsonObject(0);
        assertEquals(alert.getString("id"), entry.getString("id"));
        assertEquals("delivered", entry.getJsonArray("notifications").getJsonObject(0).getString("outcome"));
        assertEquals("hook", entry.getJsonArray("notifications").getJsonObject(0).getString("channel"));
        assertEquals(0, get("/api/v1/alerts/history?state=resolved").bodyAsJsonObject().getLong("total"));
        assertEquals(0, get("/api/v1/alerts/history?severity=page").bodyAsJsonObject().getLong("total"));
        assertEquals(1, get("/api/v1/alerts/history?from=" + now.minus(Duration.ofHours(1))).bodyAsJsonObject().getLong("total"));
        assertEquals(0, get("/api/v1/alerts/history?to=" + now.minus(Duration.ofHours(1))).bodyAsJsonObject().getLong("total"));

        String metrics = get("/metrics").bodyAsString();
        assertTrue(metrics.contains("kilowatch_alerts_firing{severity=\"ticket\"} 1.0"), metrics);
        assertTrue(metrics.contains("kilowatch_alerts_firing{severity=\"page\"} 0.0"), metrics);
        assertTrue(metrics.contains("kilowatch_notifications_total{channel=\"hook\",outcome=\"delivered\"} 1.0"), metrics);
        assertTrue(metrics.contains("kilowatch_notifications_total{channel=\"hook\",outcome=\"failed\"} 0.0"), metrics);

        reportAs("pc-quiet", 2, now.plus(Duration.ofMinutes(4)));
        waitFor("the resolution", () -> get("/api/v1/alerts/history?state=resolved").bodyAsJsonObject().getLong("total") == 1);
        assertEquals(0, get("/api/v1/alerts").bodyAsJsonObject().getJsonArray("alerts").size());
        waitFor("the resolved message", () -> receiver.received.size() == 2);
    }

    @Test
    void historyQueriesAreCheckedAndRulesAreListed() {
        for (String bad : new String[] {"state=open", "rule=made_up", "severity=urgent", "limit=0", "limit=501", "offset=-1", "from=yesterday"}) {
            HttpResponse<Buffer> r = get("/api/v1/alerts/history?" + bad);
            assertEquals(400, r.statusCode(), bad);
            assertTrue(r.bodyAsJsonObject().getString("error").length() > 10, bad);
        }
        JsonObject rules = get("/api/v1/alerts/rules").bodyAsJsonObject();
        assertEquals(7, rules.getJsonArray("rules").size());
        JsonObject down = rules.getJsonArray("rules").stream().map(JsonObject.class::cast)
                .filter(r -> r.getString("rule").equals("device_down")).findFirst().orElseThrow();
        assertEquals(1, down.getLong("for_seconds"));
        assertEquals(new JsonArray().add("hook"), down.getJsonArray("channels"));
        assertEquals(401, client.get(port, "127.0.0.1", "/api/v1/alerts").send().await().statusCode());
        assertEquals(401, client.get(port, "127.0.0.1", "/api/v1/silences").send().await().statusCode());
    }

    @Test
    void silencesAreMadeAndEndedByAdminsOnlyWithTheCsrfHeaderForSessions() {
        JsonObject silence = new JsonObject()
                .put("matchers", new JsonArray().add(new JsonObject().put("name", "site").put("value", "County Hall"))
                        .add(new JsonObject().put("name", "device").put("op", "=~").put("value", "pc-.*")))
                .put("duration", "2h").put("comment", "building power work");
        String path = "/api/v1/silences";
        assertEquals(401, send(client.post(port, "127.0.0.1", path), silence).statusCode());
        assertEquals(403, send(client.post(port, "127.0.0.1", path).putHeader("Authorization", "Bearer " + viewerToken[0]), silence).statusCode());

        HttpResponse<Buffer> login = client.post(port, "127.0.0.1", "/api/v1/session").putHeader("Content-Type", "application/json")
                .sendBuffer(new JsonObject().put("username", "ada").put("password", "admin-pass").toBuffer()).await();
        String cookie = login.cookies().get(0).split(";", 2)[0];
        assertEquals(403, send(client.post(port, "127.0.0.1", path).putHeader("Cookie", cookie), silence).statusCode(),
                "a cross-site form could have sent this");
        HttpResponse<Buffer> created = send(client.post(port, "127.0.0.1", path).putHeader("Cookie", cookie)
                .putHeader("X-Requested-With", "kilowatch"), silence);
        assertEquals(201, created.statusCode(), created.bodyAsString());
        JsonObject s = created.bodyAsJsonObject();
        assertEquals("active", s.getString("status"));
        assertEquals("ada", s.getString("created_by"));
        assertEquals("=", s.getJsonArray("matchers").getJsonObject(0).getString("op"));
        assertEquals(Duration.ofHours(2), Duration.between(Instant.parse(s.getString("starts_at")), Instant.parse(s.getString("ends_at"))));

        for (JsonObject bad : new JsonObject[] {
                silence.copy().put("colour", "red"),
                silence.copy().put("matchers", new JsonArray()),
                silence.copy().put("matchers", new JsonArray().add(new JsonObject().put("name", "device").put("op", "=~").put("value", "pc-("))),
                silence.copy().put("matchers", new JsonArray().add(new JsonObject().put("name", "device").put("op", "==").put("value", "x"))),
                silence.copy().put("ends_at", Instant.now().plusSeconds(600).toString()),
                silence.copy().put("duration", "forever"),
                silence.copy().put("comment", " "),
                new JsonObject().put("matchers", silence.getJsonArray("matchers")).put("ends_at", "2020-01-01T00:00:00Z").put("comment", "late")}) {
            HttpResponse<Buffer> r = send(client.post(port, "127.0.0.1", path).putHeader("Authorization", "Bearer " + adminToken[0]), bad);
            assertEquals(400, r.statusCode(), bad.encode() + " -> " + r.bodyAsString());
        }
        HttpResponse<Buffer> notJson = client.post(port, "127.0.0.1", path).putHeader("Authorization", "Bearer " + adminToken[0])
                .putHeader("Content-Type", "text/plain").sendBuffer(Buffer.buffer("x")).await();
        assertEquals(415, notJson.statusCode());
        assertEquals(1, get(path).bodyAsJsonObject().getJsonArray("silences").size(), "refused silences changed nothing");

        String expire = path + "/" + s.getString("id");
        assertEquals(403, client.delete(port, "127.0.0.1", expire).putHeader("Authorization", "Bearer " + viewerToken[0]).send().await().statusCode());
        HttpResponse<Buffer> expired = client.delete(port, "127.0.0.1", expire).putHeader("Authorization", "Bearer " + adminToken[0]).send().await();
        assertEquals(200, expired.statusCode());
        assertEquals("expired", expired.bodyAsJsonObject().getString("status"));
        assertEquals("expired", get(path).bodyAsJsonObject().getJsonArray("silences").getJsonObject(0).getString("status"));
        assertEquals(404, client.delete(port, "127.0.0.1", path + "/nope").putHeader("Authorization", "Bearer " + adminToken[0]).send().await()
                .statusCode());
    }
}
