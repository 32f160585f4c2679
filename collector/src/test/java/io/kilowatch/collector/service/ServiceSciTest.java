package io.kilowatch.collector.service;

import static io.kilowatch.collector.estate.Reports.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.collector.CollectorConfig;
import io.kilowatch.collector.CollectorVerticle;
import io.kilowatch.collector.security.Users;
import io.kilowatch.core.config.Settings;
import io.kilowatch.core.report.ReportCodec;
import io.kilowatch.core.service.ServiceState;
import io.kilowatch.core.service.Span;
import io.kilowatch.core.service.StateInterval;
import io.kilowatch.core.testing.ManualClock;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Software Carbon Intensity of a two-device service whose database it shares with another, in its SLA report and on /metrics. */
@ExtendWith(VertxExtension.class)
class ServiceSciTest {
    private static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");
    private static final String[] VIEWER = Users.newApiToken();

    @TempDir
    Path dir;
    private WebClient client;

    @BeforeEach
    void client(Vertx vertx) {
        client = WebClient.create(vertx);
    }

    @AfterEach
    void close() {
        client.close();
    }

    private int deploy(Vertx vertx, Path services) {
        // 0.2 kgCO2e/kWh for 2026 and no half-hourly data; a server's 1461 kg over 4 years (1461 days) is 1 kg a day.
        Settings settings = Settings.empty("test").override("http.port", "0").override("data_dir", dir.resolve("data").toString())
                .override("time_zone", "UTC").override("security.agents.require_credentials", "false")
                .override("security.api_tokens.grafana.sha256", VIEWER[1]).override("services.file", services.toString())
                .override("carbon.grid_factors_kgco2e_per_kwh.2026", "0.2")
                .override("sustainability.classes.server.embodied_kgco2e", "1461").override("sustainability.classes.server.expected_life_years", "4");
        CollectorVerticle collector = new CollectorVerticle(CollectorConfig.from(settings), new ManualClock(NOW));
        vertx.deployVerticle(collector).await();
        return collector.actualPort();
    }

    private void post(int port, String device, long sequence, Instant at, double joules) {
        HttpResponse<Buffer> r = client.post(port, "127.0.0.1", "/api/v1/reports").putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer(ReportCodec.toJson(report().device(device).sequence(sequence).label("class", "server").at(at)
                        .bootedAt(at.minusSeconds(86_400)).counterStart(Instant.parse("2026-03-10T09:00:00Z")).counter(joules).build())))
                .await();
        assertEquals(201, r.statusCode(), r.bodyAsString());
    }

    @Test
    void slaReportAndMetricsCarryTheServicesSci(Vertx vertx) throws Exception {
        Path services = dir.resolve("services.yaml");
        Files.writeString(services, """
                services:
                  payroll:
                    time_zone: UTC
                    components:
                      app:
                        device: app-1
                      db:
                        device: db-1
                  hr:
                    time_zone: UTC
                    components:
                      db:
                        device: db-1
                """);
        int port = deploy(vertx, services);
        Instant t0 = Instant.parse("2026-03-10T10:00:00Z");
        post(port, "app-1", 1, t0, 0);
        post(port, "app-1", 2, t0.plusSeconds(3600), 3_600_000);
        post(port, "db-1", 1, t0, 0);
        post(port, "db-1", 2, t0.plusSeconds(3600), 7_200_000);

        // March so far: 1 Mar to 10 Mar 12:00, 9.5 of 31 days. Both servers were first seen on 10 March, so each is
        // charged half a day of embodied carbon: 500 g.
        // app-1: 1 kWh x 200 g/kWh = 200 g, M 500 g. db-1: 2 kWh, 400 g, M 500 g, shared with hr: half of each.
        // E = 1 + 1 = 2 kWh; E x I = 200 + 200 = 400 g; M = 500 + 250 = 750 g; total 1 150 g.
        // Per month: 1 150 / (9.5 / 31) = 3 752.631578... g. No probes: no probe transactions, so no figure per transaction.
        HttpResponse<Buffer> r = client.get(port, "127.0.0.1", "/api/v1/services/payroll/report?period=month")
                .putHeader("Authorization", "Bearer " + VIEWER[0]).send().await();
        assertEquals(200, r.statusCode(), r.bodyAsString());
        JsonObject sci = r.bodyAsJsonObject().getJsonObject("sci");
        assertEquals(2.0, sci.getDouble("energy_kwh"), 1e-9);
        assertEquals(400.0, sci.getDouble("operational_gco2e"), 1e-6);
        assertEquals(750.0, sci.getDouble("embodied_gco2e"), 1e-6);
        assertEquals(9.5 / 31, sci.getJsonObject("units").getDouble("month"), 1e-12);
        assertEquals(1150 * 31 / 9.5, sci.getJsonObject("gco2e_per_unit").getDouble("month"), 1e-6);
        assertEquals(0.0, sci.getJsonObject("units").getDouble("probe_transaction"));
        assertNull(sci.getJsonObject("gco2e_per_unit").getValue("probe_transaction"));
        // Sessions: every test report has one user logged in for its 15 s interval, and each hour's report has a new boot
        // time, so its session is a new one: app-1 2 sessions, 30 s; db-1 the same, half of it payroll's. R = 3 sessions
        // and 45 user-seconds (0.0125 session-hours): 1 150 / 3 = 383.33 g per session, 92 000 g per session-hour.
        assertEquals(3.0, sci.getJsonObject("units").getDouble("user_session"), 1e-9);
        assertEquals(0.0125, sci.getJsonObject("units").getDouble("session_hour"), 1e-12);
        assertEquals(1150 / 3.0, sci.getJsonObject("gco2e_per_unit").getDouble("user_session"), 1e-6);
        assertEquals(92_000, sci.getJsonObject("gco2e_per_unit").getDouble("session_hour"), 1e-6);

        String csv = client.get(port, "127.0.0.1", "/api/v1/services/payroll/report?period=month&format=csv")
                .putHeader("Authorization", "Bearer " + VIEWER[0]).send().await().bodyAsString();
        assertTrue(csv.contains("\r\nsci,month,,,,3752.631579\r\nsci,probe_transaction,,,,\r\nsci,user_session,,,,383.333333\r\n"
                + "sci,session_hour,,,,92000\r\nsci,energy_kwh,,,,2\r\n"), csv);

        // The gauge is worked out at start and with every carbon pass: a restart shows the stored month at once.
        vertx.deploymentIDs().forEach(id -> vertx.undeploy(id).await());
        int again = deploy(vertx, services);
        String expected = "kilowatch_service_sci_gco2e_per_unit{service=\"payroll\",unit=\"month\"} 3752.63157894";
        String metrics = "";
        for (int i = 0; i < 100 && !metrics.contains(expected); i++) {
            Thread.sleep(100);
            metrics = client.get(again, "127.0.0.1", "/metrics").putHeader("Authorization", "Bearer " + VIEWER[0]).send().await().bodyAsString();
        }
        assertTrue(metrics.contains(expected), metrics);
        // hr: db-1's other half: 1 kWh, 200 g + 250 g = 450 g over 9.5/31 months.
        assertTrue(metrics.contains("kilowatch_service_sci_gco2e_per_unit{service=\"hr\",unit=\"month\"} 1468.42105263"), metrics);
        assertTrue(!metrics.contains("unit=\"probe_transaction\""), metrics);
        assertTrue(metrics.contains("kilowatch_service_sci_gco2e_per_unit{service=\"payroll\",unit=\"user_session\"} 383.333333"), metrics);
    }

    @Test
    void probeTransactionsAreTheRunsWhileTheProbeHadResults() {
        ServicesConfig config = ServicesConfig.parse("""
                probes:
                  web:
                    kind: tcp
                    host: 127.0.0.1
                    port: 443
                    interval: 30s
                    timeout: 5s
                services:
                  site:
                    components:
                      web:
                        probe: web
                """, "test", ZoneOffset.UTC);
        // 10 min up, 5 min without results (collector stopped), 5 min down: 15 min with results / 30 s = 30 runs.
        Map<String, List<StateInterval>> histories = Map.of("web", List.of(new StateInterval(0, 600_000, ServiceState.UP),
                new StateInterval(600_000, 900_000, ServiceState.NO_DATA), new StateInterval(900_000, 1_200_000, ServiceState.DOWN)));
        assertEquals(30.0, ServiceSci.probeRuns(config.catalog().get("site"), config, histories, new Span(0, 1_200_000)));
        // Only the part inside the period counts: the first 5 minutes are 10 runs.
        assertEquals(10.0, ServiceSci.probeRuns(config.catalog().get("site"), config, histories, new Span(0, 300_000)));
    }
}
