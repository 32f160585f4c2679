package io.kilowatch.collector.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.collector.security.Users;
import io.kilowatch.collector.sustainability.CarbonFixture;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** /api/v1/carbon over the collector deployed for real on a store holding known figures. */
@ExtendWith(VertxExtension.class)
class SustainabilityApiTest {
    @TempDir
    Path dataDir;
    private WebClient client;
    private int port;
    private final String[] adminToken = Users.newApiToken();
    private final String[] viewerToken = Users.newApiToken();

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        CarbonFixture.councils(dataDir).close();
        client = WebClient.create(vertx);
        port = TestCollector.deploy(vertx, dataDir, "time_zone", "Europe/London", "sites.Leeds DC.pue", "1.6",
                "sustainability.shared_services.Shared ICT.Council A", "2", "sustainability.shared_services.Shared ICT.Council B", "1",
                "security.api_tokens.admin.role", "admin", "security.api_tokens.admin.sha256", adminToken[1],
                "security.api_tokens.viewer.sha256", viewerToken[1]).port();
    }

    @AfterEach
    void stop() {
        client.close();
    }

    private HttpResponse<Buffer> get(String path, String[] token) {
        HttpRequest<Buffer> request = client.get(port, "127.0.0.1", path);
        if (token != null) {
            request.putHeader("Authorization", "Bearer " + token[0]);
        }
        return request.send().await();
    }

    private HttpResponse<Buffer> putPurchase(String device, String body, String[] token) {
        return client.put(port, "127.0.0.1", "/api/v1/carbon/devices/" + device + "/purchase-date")
                .putHeader("Authorization", "Bearer " + token[0]).putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer(body)).await();
    }

    @Test
    void theReportIsServedAsJsonAndCsvWithTheSameFigures() {
        HttpResponse<Buffer> json = get("/api/v1/carbon/report?year=2025", viewerToken);
        assertEquals(200, json.statusCode(), json.bodyAsString());
        JsonObject totals = json.bodyAsJsonObject().getJsonObject("totals");
        assertEquals(14.016, totals.getDouble("energy_kwh"), 1e-9);
        assertEquals(4.246, totals.getDouble("operational_kg"), 1e-9);
        HttpResponse<Buffer> csv = get("/api/v1/carbon/report?year=2025&format=csv", viewerToken);
        assertEquals(200, csv.statusCode());
        assertTrue(csv.getHeader("Content-Type").startsWith("text/csv"));
        assertTrue(csv.getHeader("Content-Disposition").contains("kilowatch-carbon-2025.csv"));
        assertTrue(csv.bodyAsString().split("\n")[1].startsWith("total,\"2025\",14.016,"), csv.bodyAsString());
        assertEquals("2025 Q3", get("/api/v1/carbon/report?year=2025&quarter=3", viewerToken).bodyAsJsonObject()
                .getJsonObject("period").getString("label"));
        assertEquals(401, get("/api/v1/carbon/report?year=2025", null).statusCode());
    }

    @Test
    void badQueriesGetAClearError() {
        for (String query : new String[] {"year=twenty", "year=1999", "year=2025&quarter=5", "year=2025&format=xml"}) {
            HttpResponse<Buffer> r = get("/api/v1/carbon/report?" + query, viewerToken);
            assertEquals(400, r.statusCode(), query);
            String error = r.bodyAsJsonObject().getString("error");
            assertTrue(error.contains("year") || error.contains("quarter") || error.contains("format"), error);
        }
        assertEquals(400, get("/api/v1/carbon/trajectory?year=abc", viewerToken).statusCode());
        assertEquals(404, get("/api/v1/carbon/nothing", viewerToken).statusCode());
    }

    @Test
    void summaryTrajectorySavingsAndEmbodiedAnswer() {
        JsonObject trajectory = get("/api/v1/carbon/trajectory?year=2025", viewerToken).bodyAsJsonObject();
        assertEquals("no_target", trajectory.getString("status"));
        assertTrue(trajectory.getString("reason").contains("sustainability.targets.baseline_year"));
        assertEquals(200, get("/api/v1/carbon/summary", viewerToken).statusCode());
        assertEquals(200, get("/api/v1/carbon/savings", viewerToken).statusCode());
        JsonObject embodied = get("/api/v1/carbon/embodied", viewerToken).bodyAsJsonObject();
        assertEquals(4, embodied.getJsonArray("devices").size());
        assertTrue(embodied.getJsonArray("classes_without_embodied_figure").contains("switch"));
    }

    @Test
    void onlyAnAdminRecordsPurchaseDatesAndBadOnesChangeNothing() {
        assertEquals(403, putPurchase("pc-a", "{\"purchase_date\":\"2023-04-01\"}", viewerToken).statusCode());
        assertEquals(204, putPurchase("pc-a", "{\"purchase_date\":\"2023-04-01\"}", adminToken).statusCode());
        for (String bad : new String[] {"{\"purchase_date\":\"01/04/2023\"}", "{\"purchase_date\":\"2999-01-01\"}", "{}", "not json",
                "{\"purchase_date\":\"2023-04-01\",\"extra\":1}"}) {
            HttpResponse<Buffer> r = putPurchase("pc-a", bad, adminToken);
            assertEquals(400, r.statusCode(), bad);
            assertTrue(r.bodyAsJsonObject().getString("error").contains("purchase_date"), r.bodyAsString());
        }
        assertEquals(404, putPurchase("no-such-device", "{\"purchase_date\":\"2023-04-01\"}", adminToken).statusCode());
        JsonObject pcA = device(get("/api/v1/carbon/embodied", viewerToken).bodyAsJsonObject(), "pc-a");
        assertEquals("2023-04-01", pcA.getString("in_service"));
        assertEquals("purchase date", pcA.getString("in_service_source"));

        HttpRequest<Buffer> delete = client.delete(port, "127.0.0.1", "/api/v1/carbon/devices/pc-a/purchase-date")
                .putHeader("Authorization", "Bearer " + adminToken[0]);
        assertEquals(204, delete.send().await().statusCode());
        assertEquals(404, delete.send().await().statusCode());
        assertEquals("first seen by Kilowatch", device(get("/api/v1/carbon/embodied", viewerToken).bodyAsJsonObject(), "pc-a")
                .getString("in_service_source"));
    }

    @Test
    void carbonGaugesAreOnTheMetricsPage() {
        String metrics = get("/metrics", viewerToken).bodyAsString();
        // pc-a (desktop, first seen 2024-01-01) is within its 4-year life: 277 kg / 4 a year. Computed at start.
        assertTrue(metrics.contains("kilowatch_estate_embodied_carbon_grams_per_year{class=\"desktop\"} 69250.0"), metrics);
        assertTrue(metrics.contains("kilowatch_estate_carbon_target_grams NaN"), "no target configured");
        assertTrue(metrics.contains("kilowatch_estate_carbon_projected_grams NaN"));
    }

    private static JsonObject device(JsonObject embodied, String id) {
        return embodied.getJsonArray("devices").stream().map(o -> (JsonObject) o).filter(d -> id.equals(d.getString("device_id")))
                .findFirst().orElseThrow();
    }
}
