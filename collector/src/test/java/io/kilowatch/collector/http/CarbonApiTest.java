package io.kilowatch.collector.http;

import static io.kilowatch.collector.estate.Reports.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.collector.CollectorConfig;
import io.kilowatch.collector.CollectorVerticle;
import io.kilowatch.collector.carbon.NesoReplayServer;
import io.kilowatch.collector.carbon.Recordings;
import io.kilowatch.collector.security.Users;
import io.kilowatch.core.config.Settings;
import io.kilowatch.core.report.Report;
import io.kilowatch.core.report.ReportCodec;
import io.kilowatch.core.testing.ManualClock;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The carbon API of a deployed collector: import (admin), intensity, totals with every part apart, metrics, live fetch wiring. */
@ExtendWith(VertxExtension.class)
class CarbonApiTest {
    private static final Instant T0 = Instant.parse("2024-06-03T10:00:00Z");
    private static final String[] ADMIN = Users.newApiToken();
    private static final String[] VIEWER = Users.newApiToken();

    @TempDir
    Path dataDir;
    private WebClient client;
    private NesoReplayServer neso;
    private int port;

    @BeforeEach
    void start(Vertx vertx) {
        client = WebClient.create(vertx);
        neso = new NesoReplayServer(vertx);
        Settings settings = Settings.empty("test").override("http.port", "0").override("data_dir", dataDir.toString())
                .override("time_zone", "Europe/London").override("security.agents.require_credentials", "false")
                .override("security.api_tokens.ops.role", "admin").override("security.api_tokens.ops.sha256", ADMIN[1])
                .override("security.api_tokens.grafana.sha256", VIEWER[1])
                .override("sites.Leeds DC.pue", "1.5").override("sites.Leeds DC.region", "London")
                .override("sites.Leeds DC.tariff.gbp_per_kwh", "0.20")
                .override("carbon.intensity.fetch.enabled", "true").override("carbon.intensity.fetch.url", neso.url("/intensity/{from}/{to}"));
        CollectorVerticle collector = new CollectorVerticle(CollectorConfig.from(settings), new ManualClock(Instant.parse("2024-06-03T11:00:30Z")));
        vertx.deployVerticle(collector).await();
        port = collector.actualPort();
    }

    @AfterEach
    void stop() {
        neso.close();
        client.close();
    }

    private HttpResponse<Buffer> importFile(String token, String name, String query) {
        return client.post(port, "127.0.0.1", "/api/v1/carbon/intensity" + query).putHeader("Authorization", "Bearer " + token)
                .sendBuffer(Buffer.buffer(Recordings.read(name))).await();
    }

    private JsonObject get(String path) {
        HttpResponse<Buffer> r = client.get(port, "127.0.0.1", path).putHeader("Authorization", "Bearer " + VIEWER[0]).send().await();
        assertEquals(200, r.statusCode(), r.bodyAsString());
        return r.bodyAsJsonObject();
    }

    private void post(Report r) {
        HttpResponse<Buffer> response = client.post(port, "127.0.0.1", "/api/v1/reports").putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer(ReportCodec.toJson(r))).await();
        assertEquals(201, response.statusCode(), response.bodyAsString());
    }

    @Test
    void importThenIngestThenLateImportShowsEveryPartWithItsSources() {
        assertEquals(403, importFile(VIEWER[0], "regional-intensity-regionid-13-2024-06-03.json", "").statusCode());
        HttpResponse<Buffer> imported = importFile(ADMIN[0], "regional-intensity-regionid-13-2024-06-03.json", "?format=neso");
        assertEquals(200, imported.statusCode(), imported.bodyAsString());
        assertEquals(5, imported.bodyAsJsonObject().getInteger("stored"));

        post(report().device("dc-1").label("site", "Leeds DC").at(T0).bootedAt(T0.minusSeconds(600)).counterStart(T0.minusSeconds(600)).counter(0).build());
        post(report().device("dc-1").label("site", "Leeds DC").sequence(2).at(T0.plusSeconds(3600)).bootedAt(T0.minusSeconds(600))
                .counterStart(T0.minusSeconds(600)).counter(2 * 3_600_000).build());

        // Hand-computed in CarbonIngestTest: 460.575 g of which overhead 153.525 g, T&D 54.9 g, 1 kWh fallback, £0.60
        JsonObject totals = get("/api/v1/carbon/totals?from=2024-06-03&to=2024-06-03");
        assertEquals("location-based", totals.getString("method"));
        assertEquals(2.0, totals.getDouble("energy_kwh"), 1e-9);
        assertEquals(1.0, totals.getDouble("overhead_energy_kwh"), 1e-9);
        assertEquals(3.0, totals.getDouble("facility_energy_kwh"), 1e-9);
        assertEquals(0.460575, totals.getDouble("carbon_kg"), 1e-9);
        assertEquals(0.153525, totals.getDouble("overhead_carbon_kg"), 1e-9);
        assertEquals(0.30705, totals.getDouble("it_carbon_kg"), 1e-9);
        assertEquals(0.0549, totals.getDouble("td_losses_carbon_kg"), 1e-9);
        assertEquals(1.0, totals.getDouble("fallback_energy_kwh"), 1e-9);
        assertEquals(1.0, totals.getDouble("half_hourly_energy_kwh"), 1e-9);
        assertEquals(0.60, totals.getDouble("cost_gbp"), 1e-9);
        JsonObject leeds = totals.getJsonArray("sites").getJsonObject(0);
        assertEquals("Leeds DC", leeds.getString("site"));
        String sources = leeds.getJsonArray("factor_sources").encode();
        assertTrue(sources.contains("NESO Carbon Intensity API regional, region 13 London"), sources);
        assertTrue(sources.contains("UK DESNZ GHG conversion factors, electricity generation 2024 (fallback: no half-hourly intensity)"), sources);
        assertTrue(sources.contains("UK DESNZ GHG conversion factors, T&D losses 2024"), sources);
        assertTrue(leeds.getString("method").contains("half-hourly intensity for region 13 London"), leeds.getString("method"));
        assertTrue(get("/api/v1/devices/dc-1").getString("carbon_method").contains("PUE 1.5 (overhead apart)"));
        // The carbon report reads the same rollup columns: its Q2 figures are these, rounded to 3 places (£ to 2).
        JsonObject report = get("/api/v1/carbon/report?year=2024&quarter=2").getJsonObject("totals");
        assertEquals(2.0, report.getDouble("it_energy_kwh"), 1e-9);
        assertEquals(1.0, report.getDouble("overhead_energy_kwh"), 1e-9);
        assertEquals(0.461, report.getDouble("scope2_kg"), 1e-9);
        assertEquals(0.154, report.getDouble("scope2_overhead_kg"), 1e-9);
        assertEquals(0.055, report.getDouble("scope3_td_kg"), 1e-9);
        assertEquals(0.515, report.getDouble("operational_kg"), 1e-9); // 460.575 + 54.9 g
        assertEquals(1.0, report.getDouble("fallback_energy_kwh"), 1e-9);
        assertEquals(0.60, report.getDouble("cost_gbp"), 1e-9);

        HttpResponse<Buffer> bad = importFile(ADMIN[0], "malformed-regional-regionid-13.json", "");
        assertEquals(400, bad.statusCode());
        assertEquals("$.data[0].data[3].intensity.forecast: expected a number, got n/a", bad.bodyAsJsonObject().getString("error"));
        HttpResponse<Buffer> badCsv = importFile(ADMIN[0], "malformed.csv", "?format=csv&region=13");
        assertEquals(400, badCsv.statusCode());
        assertEquals("line 3, field gco2e_per_kwh: not a number: '12O'", badCsv.bodyAsJsonObject().getString("error"));
        JsonObject series = get("/api/v1/carbon/intensity?region=London&from=2024-06-03T09:00:00Z&to=2024-06-03T12:00:00Z");
        assertEquals(5, series.getJsonArray("points").size(), "the malformed files changed nothing");

        HttpResponse<Buffer> late = importFile(ADMIN[0], "london-2024-06-03.csv", "?format=csv");
        assertEquals(200, late.statusCode(), late.bodyAsString());
        assertEquals(1, late.bodyAsJsonObject().getInteger("recomputed_rollups"));
        JsonObject after = get("/api/v1/carbon/totals?from=2024-06-03&to=2024-06-03&device=dc-1");
        assertEquals(0.450, after.getDouble("carbon_kg"), 1e-9);
        assertEquals(0.0, after.getDouble("fallback_energy_kwh"), 1e-9);
        assertEquals(0.60, after.getDouble("cost_gbp"), 1e-9);

        JsonObject today = get("/api/v1/estate").getJsonObject("today");
        assertEquals(0.450, today.getDouble("carbon_kg"), 1e-9);
        assertEquals(0.150, today.getDouble("overhead_carbon_kg"), 1e-9);
        assertEquals(0.0549, today.getDouble("td_losses_carbon_kg"), 1e-9);
        assertEquals(0.60, today.getDouble("cost_gbp"), 1e-9);

        String metrics = client.get(port, "127.0.0.1", "/metrics").putHeader("Authorization", "Bearer " + VIEWER[0]).send().await().bodyAsString();
        assertTrue(metrics.contains("kilowatch_grid_intensity_gco2e_per_kwh{region=\"13\"} 300.0"), metrics);
        assertTrue(metrics.contains("kilowatch_site_energy_cost_gbp_total{org=\"Northshire\",site=\"Leeds DC\"} 0.6"), metrics);
        assertTrue(metrics.contains("kilowatch_site_overhead_energy_joules_total{org=\"Northshire\",site=\"Leeds DC\"} 3600000.0"), metrics);
    }

    private HttpResponse<Buffer> importHistory(String token, String csv) {
        return client.post(port, "127.0.0.1", "/api/v1/carbon/history").putHeader("Authorization", "Bearer " + token)
                .putHeader("Content-Type", "text/csv").sendBuffer(Buffer.buffer(csv)).await();
    }

    /** History import by the admin API: a bad file gets 400 naming the line and stores nothing; a viewer may not import. */
    @Test
    void historyImportedByTheApiIsInTheReportAsImported() {
        String csv = "scope,subject,start,resolution,energy_kwh,org\nsite,County Hall,2023-12,month,100,Northshire\n";
        assertEquals(403, importHistory(VIEWER[0], csv).statusCode());
        HttpResponse<Buffer> bad = importHistory(ADMIN[0], csv + "site,Depot,2023-12-32,day,1,Northshire\n");
        assertEquals(400, bad.statusCode());
        assertEquals("line 3, field start: for day give a local date such as 2024-12-31, got '2023-12-32'; nothing was imported",
                bad.bodyAsJsonObject().getString("error"));
        assertEquals(0.0, get("/api/v1/carbon/report?year=2023").getJsonObject("totals").getDouble("energy_kwh"));

        HttpResponse<Buffer> ok = importHistory(ADMIN[0], csv);
        assertEquals(200, ok.statusCode(), ok.bodyAsString());
        assertEquals(31, ok.bodyAsJsonObject().getInteger("days"));
        JsonObject totals = get("/api/v1/carbon/report?year=2023").getJsonObject("totals");
        // 100 kWh at DESNZ 2023's 207.07 g: 20.707 kg, all of it imported.
        assertEquals(100.0, totals.getDouble("imported_energy_kwh"));
        assertEquals(20.707, totals.getDouble("scope2_kg"));
        assertEquals(1.0, totals.getJsonObject("data_quality").getDouble("imported_ratio"));
        // The totals API counts it too, under the row's site.
        JsonObject december = get("/api/v1/carbon/totals?from=2023-12-01&to=2023-12-31");
        assertEquals(100.0, december.getDouble("energy_kwh"), 1e-9);
        assertEquals("County Hall", december.getJsonArray("sites").getJsonObject(0).getString("site"));
    }

    @Test
    void theLiveFetchFillsTheNationalSeries() throws InterruptedException {
        String path = "/api/v1/carbon/intensity?region=national&from=2024-06-03T09:00:00Z&to=2024-06-03T13:00:00Z";
        JsonObject national = get(path);
        // The first fetch runs as the collector starts; wait for it, bounded.
        for (int i = 0; i < 100 && national.getJsonArray("points").isEmpty(); i++) {
            Thread.sleep(100);
            national = get(path);
        }
        assertEquals(8, national.getJsonArray("points").size());
        assertEquals("actual", national.getJsonArray("points").getJsonObject(0).getString("kind"));
        assertEquals(1, neso.requests.size());
        JsonObject regions = get("/api/v1/carbon/regions");
        JsonObject nationalNow = regions.getJsonArray("regions").getJsonObject(0);
        assertEquals("national", nationalNow.getString("region"));
        assertEquals(false, nationalNow.getBoolean("fallback_now"));
        assertEquals(116.0, nationalNow.getJsonObject("now").getDouble("gco2e_per_kwh"));
    }
}
