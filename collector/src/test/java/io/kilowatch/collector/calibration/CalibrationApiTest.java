package io.kilowatch.collector.calibration;

import static io.kilowatch.collector.estate.Reports.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.collector.CollectorConfig;
import io.kilowatch.collector.CollectorVerticle;
import io.kilowatch.collector.estate.Reports;
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
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two desktops measured by RAPL, drawn from a known true model (40 W idle, 150 W at full load, one 3 W above
 * it and one 3 W below), beside a modelled desktop: the class model's error, the fit, and a calibrated model
 * applied to modelled reports only once an admin accepts it, kept across a restart, and reverted.
 */
@ExtendWith(VertxExtension.class)
class CalibrationApiTest {
    private static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");
    private static final String[] ADMIN = Users.newApiToken();
    private static final String[] VIEWER = Users.newApiToken();

    @TempDir
    Path dataDir;
    private WebClient client;
    private int port;

    @BeforeEach
    void start(Vertx vertx) {
        client = WebClient.create(vertx);
        port = deploy(vertx);
    }

    @AfterEach
    void stop() {
        client.close();
    }

    private int deploy(Vertx vertx) {
        Settings settings = Settings.empty("test").override("http.port", "0").override("data_dir", dataDir.toString())
                .override("time_zone", "UTC").override("security.agents.require_credentials", "false")
                .override("security.api_tokens.ops.role", "admin").override("security.api_tokens.ops.sha256", ADMIN[1])
                .override("security.api_tokens.grafana.sha256", VIEWER[1]);
        CollectorVerticle collector = new CollectorVerticle(CollectorConfig.from(settings), new ManualClock(NOW));
        vertx.deployVerticle(collector).await();
        return collector.actualPort();
    }

    private void post(Reports r) {
        HttpResponse<Buffer> response = client.post(port, "127.0.0.1", "/api/v1/reports").putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer(ReportCodec.toJson(r.build()))).await();
        assertEquals(201, response.statusCode(), response.bodyAsString());
    }

    private static Reports desktop(String id, long sequence, Instant at) {
        return report().device(id).sequence(sequence).at(at).bootedAt(at.minusSeconds(86_400)).counterStart(Instant.parse("2026-03-09T00:00:00Z"));
    }

    private HttpResponse<Buffer> call(io.vertx.core.http.HttpMethod method, String path, String token) {
        return client.request(method, port, "127.0.0.1", path).putHeader("Authorization", "Bearer " + token).send().await();
    }

    private JsonObject desktopRow() {
        HttpResponse<Buffer> r = call(io.vertx.core.http.HttpMethod.GET, "/api/v1/power-models", VIEWER[0]);
        assertEquals(200, r.statusCode(), r.bodyAsString());
        return r.bodyAsJsonObject().getJsonArray("classes").stream().map(o -> (JsonObject) o)
                .filter(c -> c.getString("class").equals("desktop")).findFirst().orElseThrow();
    }

    @Test
    void measuredDesktopsCalibrateTheModelledOneOnceAccepted(Vertx vertx) {
        Instant base = NOW.minusSeconds(3 * 3600);
        for (int i = 0; i <= 10; i++) {
            double u = i / 10.0;
            double truth = 40 + u * 110;
            post(desktop("pc-rapl-1", i + 1, base.plusSeconds(60L * i)).source("rapl").cpu(u).watts(truth + 3).counter(i * 10_000.0));
            post(desktop("pc-rapl-2", i + 1, base.plusSeconds(60L * i)).source("rapl").cpu(u).watts(truth - 3).counter(i * 10_000.0));
        }
        post(desktop("pc-model", 1, base).source("model").cpu(0.5).watts(57.5).counter(0));

        // Before: the desktop class model (25..90 W) predicts a mean of 57.5 W where 95 W was measured: bias -37.5/95.
        // After: the fit is the true model, every residual 3 W.
        JsonObject row = desktopRow();
        assertEquals(2, row.getInteger("measured_devices"));
        assertEquals(22, row.getInteger("measured_samples"));
        assertEquals(1, row.getInteger("modelled_devices"));
        assertEquals(-37.5 / 95, row.getJsonObject("before").getDouble("bias_ratio"), 1e-9);
        assertEquals(40.0, row.getJsonObject("fitted_model").getDouble("idle_watts"), 1e-6);
        assertEquals(150.0, row.getJsonObject("fitted_model").getDouble("max_watts"), 1e-6);
        assertEquals(0.0, row.getJsonObject("after").getDouble("bias_ratio"), 1e-9);
        assertEquals(3.0, row.getJsonObject("after").getDouble("rmse_watts"), 1e-6);
        assertNull(row.getValue("accepted"));

        // Not applied until accepted: the modelled desktop's next hour (u 0.5, 57.5 W, 57.5 Wh) counts as reported.
        post(desktop("pc-model", 2, base.plusSeconds(1800)).source("model").cpu(0.5).watts(57.5).counter(57.5 * 1800));
        JsonObject device = call(io.vertx.core.http.HttpMethod.GET, "/api/v1/devices/pc-model", VIEWER[0]).bodyAsJsonObject();
        assertEquals(57.5, device.getDouble("power_watts"), 1e-9);
        assertEquals(57.5 * 1800, device.getDouble("energy_joules_total"), 1e-6);

        assertEquals(403, call(io.vertx.core.http.HttpMethod.POST, "/api/v1/power-models/desktop/accept", VIEWER[0]).statusCode());
        HttpResponse<Buffer> refused = call(io.vertx.core.http.HttpMethod.POST, "/api/v1/power-models/printer/accept", ADMIN[0]);
        assertEquals(409, refused.statusCode());
        assertTrue(refused.bodyAsString().contains("nothing was changed"), refused.bodyAsString());
        HttpResponse<Buffer> accepted = call(io.vertx.core.http.HttpMethod.POST, "/api/v1/power-models/desktop/accept", ADMIN[0]);
        assertEquals(200, accepted.statusCode(), accepted.bodyAsString());
        assertEquals(150.0, accepted.bodyAsJsonObject().getDouble("max_watts"), 1e-6);
        assertEquals(90.0, accepted.bodyAsJsonObject().getJsonObject("replaced").getDouble("max_watts"));

        // Accepted: 57.5 W at u 0.5 becomes 57.5 + (95 - 57.5) = 95 W, and the half-hour's 103 500 J becomes 103 500 x 95 / 57.5 = 171 000 J.
        post(desktop("pc-model", 3, base.plusSeconds(3600)).source("model").cpu(0.5).watts(57.5).counter(57.5 * 3600));
        device = call(io.vertx.core.http.HttpMethod.GET, "/api/v1/devices/pc-model", VIEWER[0]).bodyAsJsonObject();
        assertEquals(95.0, device.getDouble("power_watts"), 1e-6);
        assertEquals(103_500 + 171_000, device.getDouble("energy_joules_total"), 1e-3);
        // The device's chart shows the same calibrated power as its current figure.
        io.vertx.core.json.JsonArray points = call(io.vertx.core.http.HttpMethod.GET, "/api/v1/devices/pc-model/series?range=6h", VIEWER[0])
                .bodyAsJsonObject().getJsonArray("points");
        assertEquals(List.of(57.5, 57.5, 95.0), points.stream().map(o -> ((JsonObject) o).getValue("power_watts")).filter(w -> w != null)
                .map(w -> Math.round(((Number) w).doubleValue() * 1e9) / 1e9).toList(), points.encode());
        // Measured devices are never touched.
        assertEquals(153.0, call(io.vertx.core.http.HttpMethod.GET, "/api/v1/devices/pc-rapl-1", VIEWER[0]).bodyAsJsonObject()
                .getDouble("power_watts"), 1e-9);

        // Kept across a restart, and still applied.
        vertx.deploymentIDs().forEach(id -> vertx.undeploy(id).await());
        port = deploy(vertx);
        assertEquals(40.0, desktopRow().getJsonObject("accepted").getDouble("idle_watts"), 1e-6);
        post(desktop("pc-model", 4, base.plusSeconds(5400)).source("model").cpu(0.5).watts(57.5).counter(57.5 * 5400));
        assertEquals(95.0, call(io.vertx.core.http.HttpMethod.GET, "/api/v1/devices/pc-model", VIEWER[0]).bodyAsJsonObject()
                .getDouble("power_watts"), 1e-6);

        assertEquals(204, call(io.vertx.core.http.HttpMethod.DELETE, "/api/v1/power-models/desktop/accept", ADMIN[0]).statusCode());
        assertEquals(404, call(io.vertx.core.http.HttpMethod.DELETE, "/api/v1/power-models/desktop/accept", ADMIN[0]).statusCode());
        assertNull(desktopRow().getValue("accepted"));
        post(desktop("pc-model", 5, base.plusSeconds(7200)).source("model").cpu(0.5).watts(57.5).counter(57.5 * 7200));
        assertEquals(57.5, call(io.vertx.core.http.HttpMethod.GET, "/api/v1/devices/pc-model", VIEWER[0]).bodyAsJsonObject()
                .getDouble("power_watts"), 1e-9);
    }
}
