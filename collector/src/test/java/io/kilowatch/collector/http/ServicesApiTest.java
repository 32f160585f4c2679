package io.kilowatch.collector.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.collector.security.Users;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Services in the running collector: the API and /metrics, SLA reports as JSON and CSV, and reloading the
 * services file by API and on change, where a bad file is refused with its error and changes nothing.
 */
@ExtendWith(VertxExtension.class)
class ServicesApiTest {
    @TempDir
    Path dir;

    private static final String GOOD = """
            probes:
              home:
                kind: http
                url: http://127.0.0.1:%d/
                interval: 1s
                timeout: 900ms
            services:
              website:
                owner: Digital
                target_percent: 99.5
                hours:
                  mon: 08:00-18:00
                holidays: "2026-12-25"
                components:
                  home: {probe: home}
            """;

    @Test
    void servicesApiReportsAndReload(Vertx vertx) throws Exception {
        HttpServer site = vertx.createHttpServer().requestHandler(r -> r.response().end("ok")).listen(0, "127.0.0.1").await();
        Path file = dir.resolve("services.yaml");
        Files.writeString(file, GOOD.formatted(site.actualPort()));
        String[] admin = Users.newApiToken();
        String[] viewer = Users.newApiToken();
        int port = TestCollector.deploy(vertx, dir.resolve("data"), "services.file", file.toString(), "services.evaluation_interval", "1s",
                "services.watch_interval", "1s",
                "security.api_tokens.ops.sha256", admin[1], "security.api_tokens.ops.role", "admin",
                "security.api_tokens.grafana.sha256", viewer[1]).port();
        WebClient client = WebClient.create(vertx);
        Api api = new Api(client, port, viewer[0]);

        JsonObject list = api.waitFor("/api/v1/services", b -> b.getJsonArray("services").size() == 1
                && "up".equals(b.getJsonArray("services").getJsonObject(0).getString("state")));
        JsonObject website = list.getJsonArray("services").getJsonObject(0);
        assertEquals("website", website.getString("name"));
        assertEquals(0.995, website.getDouble("target_ratio"));
        assertEquals("quarter", website.getJsonObject("error_budget").getString("period"));

        JsonObject detail = api.get("/api/v1/services/website").bodyAsJsonObject();
        assertEquals("probe", detail.getJsonArray("components").getJsonObject(0).getString("kind"));
        assertEquals("08:00-18:00", detail.getJsonObject("calendar").getJsonObject("hours").getString("mon"));
        assertEquals(List.of("5m", "30m", "1h", "2h", "6h", "1d", "3d"), List.copyOf(detail.getJsonObject("burn_rates").fieldNames()));
        assertEquals(404, api.get("/api/v1/services/nope").statusCode());

        JsonObject report = api.get("/api/v1/services/website/report").bodyAsJsonObject();
        assertEquals("quarter", report.getJsonObject("period").getString("kind"));
        assertEquals(0.995, report.getDouble("target_ratio"));
        HttpResponse<Buffer> csv = api.get("/api/v1/services/website/report?period=month&date=2026-02-10&format=csv");
        assertEquals(200, csv.statusCode());
        assertTrue(csv.getHeader("Content-Type").startsWith("text/csv"), csv.getHeader("Content-Type"));
        assertTrue(csv.bodyAsString().startsWith("section,item,start,end,seconds,value\r\nsummary,service,,,,website\r\n"), csv.bodyAsString());
        assertTrue(csv.bodyAsString().contains("summary,period,2026-02-01T00:00:00Z,2026-03-01T00:00:00Z,,2026-02 ("), csv.bodyAsString());
        assertEquals(400, api.get("/api/v1/services/website/report?period=fortnight").statusCode());
        assertEquals(400, api.get("/api/v1/services/website/report?date=31/12/2026").statusCode());
        assertTrue(api.get("/api/v1/probes").bodyAsJsonObject().getJsonArray("probes").getJsonObject(0).getBoolean("success"));
        String metrics = api.get("/metrics").bodyAsString();
        assertTrue(metrics.contains("kilowatch_service_up{service=\"website\"} 1.0"), metrics);
        assertTrue(metrics.contains("kilowatch_service_availability_ratio{service=\"website\",window=\"quarter\"}"), metrics);

        // A bad file is refused by the API with its error; the running services stay as they were.
        Files.writeString(file, GOOD.formatted(site.actualPort()).replace("target_percent", "target_procent"));
        assertEquals(403, client.post(port, "127.0.0.1", "/api/v1/services/reload").bearerTokenAuthentication(viewer[0]).send().await().statusCode());
        HttpResponse<Buffer> refused = client.post(port, "127.0.0.1", "/api/v1/services/reload").bearerTokenAuthentication(admin[0]).send().await();
        assertEquals(400, refused.statusCode());
        assertTrue(refused.bodyAsJsonObject().getString("error").contains("unknown key services.website.target_procent"), refused.bodyAsString());
        JsonObject after = api.get("/api/v1/services").bodyAsJsonObject();
        assertEquals(0.995, after.getJsonArray("services").getJsonObject(0).getDouble("target_ratio"));
        assertTrue(after.getJsonObject("config").getString("last_reload_error").contains("target_procent"));
        assertTrue(api.get("/metrics").bodyAsString().contains("kilowatch_service_config_last_reload_successful 0.0"));

        // A nested service cycle written to the file is refused on change too.
        Files.writeString(file, GOOD.formatted(site.actualPort()) + """
                  loop:
                    components:
                      self: {service: loop}
                """);
        JsonObject cycle = api.waitFor("/api/v1/services", b -> b.getJsonObject("config").getString("last_reload_error", "").contains("contain each other"));
        assertEquals(1, cycle.getJsonArray("services").size());

        // A good file is taken up on change, without a restart.
        Files.writeString(file, GOOD.formatted(site.actualPort()) + """
                  intranet:
                    target_percent: 99.9
                    components:
                      home: {probe: home}
                """);
        JsonObject two = api.waitFor("/api/v1/services", b -> b.getJsonArray("services").size() == 2);
        assertNull(two.getJsonObject("config").getValue("last_reload_error"));
        assertEquals(200, client.post(port, "127.0.0.1", "/api/v1/services/reload").bearerTokenAuthentication(admin[0]).send().await().statusCode());
        site.close().await();
    }

    private record Api(WebClient client, int port, String token) {
        HttpResponse<Buffer> get(String path) {
            return client.get(port, "127.0.0.1", path).bearerTokenAuthentication(token).send().await();
        }

        JsonObject waitFor(String path, Predicate<JsonObject> condition) throws InterruptedException {
            JsonObject last = null;
            for (int i = 0; i < 100; i++) {
                last = get(path).bodyAsJsonObject();
                if (condition.test(last)) {
                    return last;
                }
                Thread.sleep(100);
            }
            throw new AssertionError("not reached within 10 s: " + last.encodePrettily());
        }
    }
}
