package io.kilowatch.collector.snmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.collector.CollectorConfig;
import io.kilowatch.collector.CollectorVerticle;
import io.kilowatch.collector.estate.Reports;
import io.kilowatch.collector.security.Users;
import io.kilowatch.core.config.Settings;
import io.kilowatch.core.energy.DeviceClass;
import io.kilowatch.core.report.ReportCodec;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Calibration from upstream meters, on recordings of real devices served by snmpsimd (snmp-corpus, NOTICE): the
 * Raritan PX2 whose outlets 3, 10 and 11 read 68, 35 and 35 W, with srv-a on outlet 3 and the dual-supply srv-b on 10
 * and 11; and the Riello UPS whose upsOutputPower reads 184 W, feeding two desktops. Each poll's reading is attributed
 * to the modelled devices it measures, beside their utilisation, and the class report is worked by hand.
 */
class MeterCalibrationTest {
    private static final String[] ADMIN = Users.newApiToken();
    private Process snmpsimd;
    private Vertx vertx;

    @AfterEach
    void stop() throws Exception {
        SnmpCorpusTest.stop(vertx, snmpsimd);
    }

    private int serve(List<String> recordings) throws Exception {
        Path work = Files.createTempDirectory("kilowatch-meters");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        int port = Snmpd.freeUdpPort();
        snmpsimd = SnmpCorpusTest.serveRecordings(work, recordings, port);
        return port;
    }

    private static void post(String base, Reports r) throws Exception {
        HttpResponse<String> response = CollectorApi.HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/reports"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(ReportCodec.toJson(r.build()))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, response.statusCode(), response.body());
    }

    private static final Instant STARTED = Instant.now();

    private static Reports modelled(String id, String cls, double u, double watts) {
        return Reports.report().device(id).label("class", cls).sequence(1).at(STARTED).bootedAt(STARTED.minusSeconds(86_400)).counterStart(STARTED)
                .source("model").cpu(u).watts(watts).counter(0);
    }

    /** The same agent's next report, {@code seconds} after its first, with its model's energy for them. */
    private static Reports next(String id, String cls, double u, double watts, long seconds) {
        return modelled(id, cls, u, watts).sequence(2).at(STARTED.plusSeconds(seconds)).counter(watts * seconds);
    }

    private static JsonObject row(CollectorApi api, String cls) {
        return new JsonObject(api.get("/api/v1/power-models")).getJsonArray("classes").stream().map(o -> (JsonObject) o)
                .filter(c -> c.getString("class").equals(cls)).findFirst().orElse(null);
    }

    /** Starts a collector with these settings and the first reports of its agents srv-a and srv-b, modelled servers at u 0.2 and 0.6. */
    private String startWithServers(Settings s) throws Exception {
        CollectorConfig config = CollectorConfig.from(s);
        s.requireAllKeysKnown();
        vertx = Vertx.vertx();
        CollectorVerticle collector = new CollectorVerticle(config, Clock.systemUTC());
        vertx.deployVerticle(collector).await();
        String base = "http://127.0.0.1:" + collector.actualPort();
        post(base, modelled("srv-a", "server", 0.2, DeviceClass.SERVER.defaultModel().watts(0.2)));
        post(base, modelled("srv-b", "server", 0.6, DeviceClass.SERVER.defaultModel().watts(0.6)));
        return base;
    }

    @Test
    void outletsAndAUpsFeedingKnownDevicesMeasureTheirClasses() throws Exception {
        int port = serve(List.of("raritan-pdu_px2", "riello"));
        Settings s = Settings.parse("", "meters", Map.of("KILOWATCH_COLLECTOR_SNMP_AUTHS_PDU_COMMUNITY", "raritan-pdu_px2",
                "KILOWATCH_COLLECTOR_SNMP_AUTHS_UPS_COMMUNITY", "riello"), "KILOWATCH_COLLECTOR_");
        s.override("http.port", "0").override("data_dir", Files.createTempDirectory("kilowatch-meters-kw").toString())
                .override("security.read.anonymous", "true").override("security.agents.require_credentials", "false")
                .override("security.api_tokens.ops.role", "admin").override("security.api_tokens.ops.sha256", ADMIN[1])
                .override("snmp.enabled", "true").override("snmp.interval", "1s").override("snmp.timeout", "3s").override("snmp.retries", "1")
                .override("snmp.auths.pdu.version", "v2c").override("snmp.auths.ups.version", "v2c");
        String pdu = "snmp.targets.pdu-rack-1.";
        s.override(pdu + "address", "127.0.0.1").override(pdu + "port", String.valueOf(port)).override(pdu + "auth", "pdu").override(pdu + "class", "pdu")
                .override(pdu + "outlets.3.device", "srv-a").override(pdu + "outlets.10.device", "srv-b").override(pdu + "outlets.11.device", "srv-b");
        String ups = "snmp.targets.ups-office.";
        s.override(ups + "address", "127.0.0.1").override(ups + "port", String.valueOf(port)).override(ups + "auth", "ups").override(ups + "class", "ups")
                .override(ups + "feeds", "pc-1, pc-2");
        String base = startWithServers(s);
        CollectorApi api = new CollectorApi(base);
        // The other agents: modelled desktops (25..90 W) at u 0.25 and 0.5.
        DeviceClass server = DeviceClass.SERVER;
        post(base, modelled("pc-1", "desktop", 0.25, 41.25));
        post(base, modelled("pc-2", "desktop", 0.5, 57.5));
        CollectorApi.waitUntil("three polls of each meter after the agents reported", Duration.ofSeconds(30), () -> {
            JsonObject servers = row(api, "server");
            JsonObject desktops = row(api, "desktop");
            return servers != null && servers.getInteger("measured_samples") >= 6 && desktops != null && desktops.getInteger("measured_samples") >= 3;
        });

        // Servers: every PX2 poll gives srv-a 68 W at u 0.2 and srv-b 35 + 35 = 70 W at u 0.6, as many of one as of the
        // other. The server model (65.8..367.1 W) predicts 126.06 + 246.58 = 372.64 W a pair where 138 W was measured;
        // the line through (0.2, 68) and (0.6, 70) is 5 W per unit of u: idle 67 W, max 72 W, no error left.
        JsonObject servers = row(api, "server");
        assertEquals(2, servers.getInteger("meters"), servers.encode());
        assertEquals(0, servers.getInteger("measured_devices"));
        assertEquals(2, servers.getInteger("modelled_devices"));
        double predicted = server.defaultModel().watts(0.2) + server.defaultModel().watts(0.6);
        assertEquals((predicted - 138) / 138, servers.getJsonObject("before").getDouble("bias_ratio"), 1e-9);
        assertEquals(67.0, servers.getJsonObject("fitted_model").getDouble("idle_watts"), 1e-6);
        assertEquals(72.0, servers.getJsonObject("fitted_model").getDouble("max_watts"), 1e-6);
        assertEquals(0.0, servers.getJsonObject("after").getDouble("rmse_watts"), 1e-6);

        // Desktops: each Riello poll is 184 W for the two together at u 0.25 + 0.5; the desktop model says
        // 2 x 25 + 65 x 0.75 = 98.75 W. Utilisation never moved, so no line can be fitted.
        JsonObject desktops = row(api, "desktop");
        assertEquals(1, desktops.getInteger("meters"), desktops.encode());
        assertEquals((98.75 - 184) / 184, desktops.getJsonObject("before").getDouble("bias_ratio"), 1e-9);
        assertNull(desktops.getValue("fitted_model"));
        assertTrue(desktops.getString("note").contains("never varied"), desktops.encode());
        // The UPS still reports only what its desktops' own figures do not account for: 184 - 98.75 W.
        assertEquals(184 - 98.75, api.device("ups-office").getDouble("power_watts"), 1e-6);

        // The meters' readings are the devices' energy for the time they covered (docs/carbon-reporting.md#data-quality-measured-modelled-imported):
        // srv-a's outlet reads 68 W where its model says 126.06 W, and pc-1 gets 184 x 41.25 / 98.75 = 76.86 W of the UPS where
        // its model says 41.25 W. Their next reports, L seconds after the first, count between the two, and not the model's alone.
        long seconds = Duration.between(STARTED, Instant.now()).toSeconds() + 1;
        post(base, next("srv-a", "server", 0.2, server.defaultModel().watts(0.2), seconds));
        post(base, next("pc-1", "desktop", 0.25, 41.25, seconds));
        double srvA = api.device("srv-a").getDouble("energy_joules_total");
        assertTrue(srvA >= 68 * seconds - 1e-6 && srvA < server.defaultModel().watts(0.2) * seconds, srvA + " J in " + seconds + " s");
        double pc1 = api.device("pc-1").getDouble("energy_joules_total");
        assertTrue(pc1 > 41.25 * seconds && pc1 <= 184 * 41.25 / 98.75 * seconds + 1e-6, pc1 + " J in " + seconds + " s");

        // Nothing is applied until an admin accepts it: srv-a still reports the class model.
        assertEquals(server.defaultModel().watts(0.2), api.device("srv-a").getDouble("power_watts"), 1e-9);
        HttpResponse<String> accepted = CollectorApi.HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/power-models/server/accept"))
                .header("Authorization", "Bearer " + ADMIN[0]).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, accepted.statusCode(), accepted.body());
        assertEquals(67.0, new JsonObject(accepted.body()).getDouble("idle_watts"), 1e-6);
        assertEquals(72.0, new JsonObject(accepted.body()).getDouble("max_watts"), 1e-6);
    }

    @Test
    void theOutletsOfAnApcPduMeasureTheDevicesOnThem() throws Exception {
        // APC APDU10150SM (PowerNet-MIB pduOutletMeteredStatusActivePower, index unit.outlet): outlet 2 reads 57 W,
        // outlets 5 and 7 read 53 and 63 W
        int port = serve(List.of("apc-cpdu"));
        Settings s = Settings.parse("", "meters", Map.of("KILOWATCH_COLLECTOR_SNMP_AUTHS_PDU_COMMUNITY", "apc-cpdu"), "KILOWATCH_COLLECTOR_");
        s.override("http.port", "0").override("data_dir", Files.createTempDirectory("kilowatch-meters-kw").toString())
                .override("security.read.anonymous", "true").override("security.agents.require_credentials", "false")
                .override("snmp.enabled", "true").override("snmp.interval", "1s").override("snmp.timeout", "3s").override("snmp.retries", "1")
                .override("snmp.auths.pdu.version", "v2c");
        String pdu = "snmp.targets.pdu-apc.";
        s.override(pdu + "address", "127.0.0.1").override(pdu + "port", String.valueOf(port)).override(pdu + "auth", "pdu").override(pdu + "class", "pdu")
                .override(pdu + "outlets.2.device", "srv-a").override(pdu + "outlets.5.device", "srv-b").override(pdu + "outlets.7.device", "srv-b");
        String base = startWithServers(s);
        CollectorApi api = new CollectorApi(base);
        DeviceClass server = DeviceClass.SERVER;
        CollectorApi.waitUntil("three polls of the PDU after the agents reported", Duration.ofSeconds(30), () -> {
            JsonObject servers = row(api, "server");
            return servers != null && servers.getInteger("measured_samples") >= 6;
        });

        // srv-a 57 W at u 0.2, srv-b 53 + 63 = 116 W at u 0.6: the line through them is 147.5 W per unit of u,
        // idle 27.5 W and max 175 W; the model predicted 126.06 + 246.58 W where 173 W was measured.
        JsonObject servers = row(api, "server");
        assertEquals(2, servers.getInteger("meters"), servers.encode());
        double predicted = server.defaultModel().watts(0.2) + server.defaultModel().watts(0.6);
        assertEquals((predicted - 173) / 173, servers.getJsonObject("before").getDouble("bias_ratio"), 1e-9);
        assertEquals(27.5, servers.getJsonObject("fitted_model").getDouble("idle_watts"), 1e-6);
        assertEquals(175.0, servers.getJsonObject("fitted_model").getDouble("max_watts"), 1e-6);
        // the PDU's own power is its unit's active power (pduUnitStatusActivePower), not its outlets summed
        assertEquals(258.0, api.device("pdu-apc").getDouble("power_watts"), 1e-9);
    }
}
