package io.kilowatch.collector.carbon;

import static io.kilowatch.collector.estate.Reports.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.collector.CollectorConfig;
import io.kilowatch.collector.CollectorVerticle;
import io.kilowatch.collector.security.Users;
import io.kilowatch.core.config.Settings;
import io.kilowatch.core.report.ReportCodec;
import io.kilowatch.core.testing.ManualClock;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lowest-carbon slots from NESO's recorded 48-hour forecast for London (published 2023-03-13T13:01Z,
 * resources/neso/ORIGIN.md), for a service's nightly maintenance window and a declared backup job; the
 * annual-factor fallback before the forecast is imported; and a malformed forecast that changes nothing.
 */
@ExtendWith(VertxExtension.class)
class CarbonWindowsApiTest {
    private static final Instant NOW = Instant.parse("2023-03-13T13:01:00Z");
    private static final String FORECAST = "regional-fw48h-regionid-13-2023-03-13T1301Z.json";
    private static final String[] ADMIN = Users.newApiToken();

    @TempDir
    Path dataDir;
    private WebClient client;
    private int port;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        client = WebClient.create(vertx);
        Path services = dataDir.resolve("services.yaml");
        Files.writeString(services, """
                services:
                  email:
                    time_zone: Europe/London
                    components:
                      mail:
                        device: mail-1
                    maintenance:
                      nightly:
                        start: "2023-03-01T22:00"
                        duration: 8h
                        every: day
                """);
        Settings settings = Settings.empty("test").override("http.port", "0").override("data_dir", dataDir.resolve("data").toString())
                .override("time_zone", "Europe/London").override("security.agents.require_credentials", "false")
                .override("security.api_tokens.ops.role", "admin").override("security.api_tokens.ops.sha256", ADMIN[1])
                .override("sites.Town Hall.region", "13").override("services.file", services.toString())
                .override("carbon.windows.jobs.backup.duration", "2h").override("carbon.windows.jobs.backup.power_watts", "500")
                .override("carbon.windows.jobs.backup.site", "Town Hall").override("carbon.windows.jobs.backup.hours", "22:00-06:00")
                .override("carbon.windows.jobs.backup.default_start", "02:00")
                // The same work named by region rather than site; the estate's site has the national region.
                .override("carbon.windows.jobs.by-region.duration", "2h").override("carbon.windows.jobs.by-region.power_watts", "500")
                .override("carbon.windows.jobs.by-region.region", "London").override("carbon.windows.jobs.by-region.hours", "22:00-06:00")
                .override("carbon.windows.jobs.by-region.days", "all");
        CollectorVerticle collector = new CollectorVerticle(CollectorConfig.from(settings), new ManualClock(NOW));
        vertx.deployVerticle(collector).await();
        port = collector.actualPort();
        Instant t = Instant.parse("2023-03-13T13:00:00Z");
        HttpResponse<Buffer> posted = client.post(port, "127.0.0.1", "/api/v1/reports").putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer(ReportCodec.toJson(report().device("mail-1").label("site", "Town Hall").label("class", "server")
                        .watts(400).at(t).bootedAt(t.minusSeconds(7200)).counterStart(t.minusSeconds(3600)).counter(400 * 3600).build())))
                .await();
        assertEquals(201, posted.statusCode(), posted.bodyAsString());
    }

    @AfterEach
    void stop() {
        client.close();
    }

    private HttpResponse<Buffer> get(String path) {
        return client.get(port, "127.0.0.1", path).putHeader("Authorization", "Bearer " + ADMIN[0]).send().await();
    }

    private Map<String, JsonObject> plans() {
        HttpResponse<Buffer> r = get("/api/v1/carbon/windows");
        assertEquals(200, r.statusCode(), r.bodyAsString());
        return r.bodyAsJsonObject().getJsonArray("plans").stream().map(o -> (JsonObject) o)
                .collect(Collectors.toMap(o -> o.getString("name"), o -> o));
    }

    private HttpResponse<Buffer> importForecast(String body) {
        return client.post(port, "127.0.0.1", "/api/v1/carbon/intensity?format=neso").putHeader("Authorization", "Bearer " + ADMIN[0])
                .sendBuffer(Buffer.buffer(body)).await();
    }

    private static void assertFallback(JsonObject plan) {
        assertFalse(plan.getBoolean("forecast"));
        assertEquals(0.0, plan.getDouble("saving_kgco2e"));
        // DESNZ 2023 generation factor, 0.20707 kgCO2e/kWh.
        assertTrue(plan.getString("basis").contains("annual factor 207.1 gCO2e/kWh"), plan.getString("basis"));
    }

    @Test
    void picksTheLowestCarbonSlotsInTheRecordedForecast() {
        assertFallback(plans().get("email"));
        assertFallback(plans().get("backup"));

        HttpResponse<Buffer> imported = importForecast(Recordings.read(FORECAST));
        assertEquals(200, imported.statusCode(), imported.bodyAsString());
        assertEquals(96, imported.bodyAsJsonObject().getInteger("stored"));
        Map<String, JsonObject> plans = plans();

        // Email: a 1-hour job at the mail server's 400 W (0.4 kWh) in the nightly 22:00-06:00 window (GMT in March).
        // Night 1 opens 22:00 at 110 then 114 gCO2e/kWh: (110 + 114) / 2 = 112, the lowest hour of both nights
        // (night 2 never goes below 162). 0.4 kWh x 112 = 44.8 g; the window's start is the same slot, so no saving.
        JsonObject email = plans.get("email");
        assertEquals("service", email.getString("kind"));
        assertEquals("13", email.getString("region"));
        assertEquals(400.0, email.getDouble("power_watts"));
        assertEquals("2023-03-13T22:00:00Z", email.getJsonObject("best").getString("start"));
        assertEquals(0.0448, email.getJsonObject("best").getDouble("kgco2e"), 1e-12);
        assertEquals(112.0, email.getJsonObject("best").getDouble("gco2e_per_kwh"), 1e-9);
        assertEquals(0.0, email.getDouble("saving_kgco2e"), 1e-12);
        assertTrue(email.getBoolean("forecast"));
        assertEquals("half-hourly forecast for region 13 London", email.getString("basis"));

        // Backup: 2 h at 500 W (1 kWh) between 22:00 and 06:00. Best 22:00-00:00 on the 13th: 110, 114, 121, 122
        // -> 116.75 g. Its usual 02:00 start (14th): 127, 126, 125, 126 -> 126 g. Saving 9.25 g.
        assertEquals("13", plans.get("by-region").getString("region"));
        assertEquals("2023-03-13T22:00:00Z", plans.get("by-region").getJsonObject("best").getString("start"));
        JsonObject backup = plans.get("backup");
        assertEquals("2023-03-13T22:00:00Z", backup.getJsonObject("best").getString("start"));
        assertEquals("2023-03-14T00:00:00Z", backup.getJsonObject("best").getString("end"));
        assertEquals(0.11675, backup.getJsonObject("best").getDouble("kgco2e"), 1e-12);
        assertEquals("2023-03-14T02:00:00Z", backup.getJsonObject("default").getString("start"));
        assertEquals(0.126, backup.getJsonObject("default").getDouble("kgco2e"), 1e-12);
        assertEquals(0.00925, backup.getDouble("saving_kgco2e"), 1e-12);

        HttpResponse<Buffer> ics = get("/api/v1/carbon/windows.ics");
        assertEquals(200, ics.statusCode());
        assertTrue(ics.getHeader("Content-Type").startsWith("text/calendar"));
        String text = ics.bodyAsString();
        assertTrue(text.startsWith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"), text);
        assertTrue(text.endsWith("END:VCALENDAR\r\n"), text);
        assertTrue(text.contains("UID:job-backup@kilowatch\r\nDTSTAMP:20230313T130100Z\r\nDTSTART:20230313T220000Z\r\nDTEND:20230314T000000Z\r\n"), text);
        assertTrue(text.contains("UID:service-email@kilowatch"), text);
        for (String line : text.split("\r\n")) {
            assertTrue(line.getBytes(StandardCharsets.UTF_8).length <= 75, line);
        }
        // Folded lines unfold to the escaped description (RFC 5545 3.1, 3.3.11).
        assertTrue(text.replace("\r\n ", "").contains("DESCRIPTION:0.117 kgCO2e\\, saving 0.009 kgCO2e against 2023-03-14T02:00:00Z"), text);
    }

    @Test
    void aMalformedForecastIsRefusedNamingTheProblemAndChangesNothing() {
        String broken = Recordings.read(FORECAST).replace("\"from\":\"2023-03-13T22:00Z\",\"to\":\"2023-03-13T22:30Z\",\"intensity\":{\"forecast\":110",
                "\"from\":\"2023-03-13T22:00Z\",\"to\":\"2023-03-13T22:30Z\",\"intensity\":{\"forecast\":\"n/a\"");
        HttpResponse<Buffer> refused = importForecast(broken);
        assertEquals(400, refused.statusCode());
        assertTrue(refused.bodyAsString().contains("$.data[0].data[18].intensity.forecast: expected a number, got n/a"), refused.bodyAsString());
        assertFallback(plans().get("email"));
        assertFallback(plans().get("backup"));
        JsonObject london = get("/api/v1/carbon/regions").bodyAsJsonObject().getJsonArray("regions").stream().map(o -> (JsonObject) o)
                .filter(r -> r.getString("region").equals("13")).findFirst().orElseThrow();
        assertEquals(0, london.getInteger("half_hours_known"));
    }
}
