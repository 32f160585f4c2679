package io.kilowatch.collector.snmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.collector.CollectorConfig;
import io.kilowatch.collector.CollectorVerticle;
import io.kilowatch.core.config.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The collector polling real Net-SNMP agents that emulate a UPS (v3, SHA-256/AES-256), a PDU (v2c) and a
 * PoE switch (v3, SHA/AES), beside targets that fail in every way a device can: an unknown v3 user, a
 * wrong community, a dead port, a device that never answers, and a malformed profile. Readings must
 * equal snmpget's; failures must be clear events and never hold up the good targets' polls.
 */
class SnmpPollingTest {
    static final String PREFIX = "KILOWATCH_COLLECTOR_";
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static Snmpd ups;
    static Snmpd pdu;
    static Snmpd poeSwitch;
    static Snmpd printer;
    static Snmpd router;
    static final String[] ADMIN_TOKEN = io.kilowatch.collector.security.Users.newApiToken();
    static DatagramSocket blackhole;
    static Vertx vertx;
    static String base;
    static int trapPort;

    @BeforeAll
    static void start() throws Exception {
        ups = Snmpd.start("ups-1", "1.3.6.1.4.1.318.1.3.2.12", "ups.rec");
        pdu = Snmpd.start("pdu-1", "1.3.6.1.4.1.318.1.3.4.5", "pdu.rec");
        poeSwitch = Snmpd.start("switch-1", "1.3.6.1.4.1.11.2.3.7.11.181", "switch.rec");
        router = Snmpd.start("router-1", "1.3.6.1.4.1.8072.3.2.10", null);
        printer = Snmpd.start("printer-1", "1.3.6.1.4.1.11.2.3.9.1.1.4", "printer.rec");
        blackhole = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        Path work = Files.createTempDirectory("kilowatch-snmp");
        Path profiles = Files.createDirectories(work.resolve("profiles"));
        Files.writeString(profiles.resolve("broken.yaml"), "name: broken\nmetrics:\n  - {name: power_watts, oid: upsOutputPower}\n");
        Files.writeString(work.resolve("auth-pass"), Snmpd.AUTH_PASS + "\n");
        Files.writeString(work.resolve("priv-pass"), Snmpd.PRIV_PASS + "\n");
        trapPort = Snmpd.freeUdpPort();
        Settings s = Settings.parse("", "test", Map.of(
                PREFIX + "SNMP_AUTHS_V2_COMMUNITY", Snmpd.COMMUNITY,
                PREFIX + "SNMP_AUTHS_WRONG_COMMUNITY_COMMUNITY", "not-the-community",
                PREFIX + "SNMP_AUTHS_OLD_COMMUNITY", Snmpd.COMMUNITY,
                PREFIX + "SNMP_AUTHS_SHA256_AUTH_PASSWORD", Snmpd.AUTH_PASS,
                PREFIX + "SNMP_AUTHS_SHA256_PRIV_PASSWORD", Snmpd.PRIV_PASS,
                PREFIX + "SNMP_AUTHS_STRANGER_AUTH_PASSWORD", Snmpd.AUTH_PASS,
                PREFIX + "SNMP_AUTHS_STRANGER_PRIV_PASSWORD", Snmpd.PRIV_PASS), PREFIX).readSecretFilesWith(CollectorConfig.SECRET_FILES)
                .override("http.port", "0").override("data_dir", work.resolve("data").toString())
                .override("security.read.anonymous", "true")
                .override("snmp.enabled", "true").override("snmp.interval", "1s").override("snmp.timeout", "400ms")
                .override("snmp.retries", "1").override("snmp.down_after_failed_polls", "2")
                .override("snmp.profiles_dir", profiles.toString())
                .override("snmp.auths.v2.version", "v2c")
                .override("snmp.auths.wrong_community.version", "v2c")
                .override("snmp.auths.old.version", "v1")
                .override("snmp.auths.sha256.username", Snmpd.USER_SHA256)
                .override("snmp.auths.sha256.auth_protocol", "sha-256").override("snmp.auths.sha256.priv_protocol", "aes-256")
                .override("snmp.auths.sha.username", Snmpd.USER_SHA)
                .override("snmp.auths.sha.auth_protocol", "sha").override("snmp.auths.sha.priv_protocol", "aes")
                .override("snmp.auths.sha.auth_password_file", work.resolve("auth-pass").toString())
                .override("snmp.auths.sha.priv_password_file", work.resolve("priv-pass").toString())
                .override("snmp.auths.stranger.username", "nobody-here")
                .override("snmp.traps.enabled", "true").override("snmp.traps.port", String.valueOf(trapPort))
                .override("snmp.traps.auths", "v2, sha256");
        s.override("security.api_tokens.ops.role", "admin").override("security.api_tokens.ops.sha256", ADMIN_TOKEN[1])
                .override("snmp.discovery.cidr", "127.0.0.1/32").override("snmp.discovery.port", String.valueOf(printer.port))
                .override("snmp.discovery.auth", "v2").override("snmp.discovery.class", "printer")
                .override("snmp.discovery.site", "Library");
        target(s, "router-1", router.port, "v2", "router", "Depot");
        target(s, "ups-v1", ups.port, "old", "ups", "Depot");
        target(s, "ups-1", ups.port, "sha256", "ups", "Civic Centre");
        target(s, "pdu-1", pdu.port, "v2", "pdu", "Civic Centre");
        target(s, "switch-1", poeSwitch.port, "sha", "switch", "Depot");
        target(s, "bad-user", ups.port, "stranger", "ups", "Depot");
        target(s, "bad-community", pdu.port, "wrong_community", "pdu", "Depot");
        target(s, "dead-port", Snmpd.freeUdpPort(), "v2", "router", "Depot");
        target(s, "never-answers", blackhole.getLocalPort(), "v2", "firewall", "Depot");
        target(s, "bad-profile", pdu.port, "v2", "pdu", "Depot");
        target(s, "pdu-feeding", pdu.port, "v2", "pdu", "Server Room");
        s.override("snmp.targets.pdu-feeding.feeds", "srv-a, srv-b");
        s.override("security.agents.require_credentials", "false");
        s.override("snmp.targets.bad-profile.profile", "broken");
        CollectorConfig config = CollectorConfig.from(s);
        s.requireAllKeysKnown();
        vertx = Vertx.vertx();
        CollectorVerticle collector = new CollectorVerticle(config, Clock.systemUTC());
        vertx.deployVerticle(collector).await();
        base = "http://127.0.0.1:" + collector.actualPort();
    }

    private static void target(Settings s, String id, int port, String auth, String cls, String site) {
        String k = "snmp.targets." + id + ".";
        s.override(k + "address", "127.0.0.1").override(k + "port", String.valueOf(port)).override(k + "auth", auth)
                .override(k + "class", cls).override(k + "site", site).override(k + "org", "Test Council");
    }

    @AfterAll
    static void stop() throws Exception {
        if (vertx != null) {
            vertx.close().await();
        }
        for (AutoCloseable c : new AutoCloseable[] {ups, pdu, poeSwitch, printer, router, blackhole}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void readingsEqualWhatSnmpgetReturns() throws Exception {
        waitUntil("the three devices polled", () -> device("ups-1") != null && device("pdu-1") != null && device("switch-1") != null);
        String metrics = get("/metrics");
        // UPS-MIB: watts as they are, load in percent to a ratio
        assertEquals(Double.parseDouble(ups.get("1.3.6.1.2.1.33.1.4.4.1.4.1")), metric(metrics, "kilowatch_snmp_ups_output_power_watts", "ups-1", "1"));
        assertEquals(Double.parseDouble(ups.get("1.3.6.1.2.1.33.1.4.4.1.5.1")) / 100, metric(metrics, "kilowatch_snmp_ups_output_load_ratio", "ups-1", "1"), 1e-12);
        assertEquals(Double.parseDouble(ups.get("1.3.6.1.2.1.33.1.2.1.0")), metric(metrics, "kilowatch_snmp_ups_battery_status", "ups-1", null));
        assertEquals(Double.parseDouble(ups.get("1.3.6.1.2.1.33.1.2.3.0")) * 60, metric(metrics, "kilowatch_snmp_ups_estimated_runtime_seconds", "ups-1", null));
        // APC rPDU2: hundredths of kW to W, tenths of kWh to kWh, tenths of A to A
        // SNMPv1 (GETNEXT walks) reads the same as v3 (GETBULK)
        waitUntil("the UPS over v1", () -> device("ups-v1") != null);
        metrics = get("/metrics");
        assertEquals(metric(metrics, "kilowatch_snmp_ups_output_power_watts", "ups-1", "1"), metric(metrics, "kilowatch_snmp_ups_output_power_watts", "ups-v1", "1"));
        assertEquals(metric(metrics, "kilowatch_snmp_ups_battery_status", "ups-1", null), metric(metrics, "kilowatch_snmp_ups_battery_status", "ups-v1", null));
        assertEquals(metricWith(metrics, "kilowatch_snmp_interface_up", "device=\"ups-1\",interface=\"lo\""),
                metricWith(metrics, "kilowatch_snmp_interface_up", "device=\"ups-v1\",interface=\"lo\""));
        assertEquals(Double.parseDouble(pdu.get("1.3.6.1.4.1.318.1.1.26.4.3.1.5.1")) * 10, metric(metrics, "kilowatch_snmp_pdu_power_watts", "pdu-1", "1"), 1e-9);
        assertEquals(Double.parseDouble(pdu.get("1.3.6.1.4.1.318.1.1.26.4.3.1.9.1")) / 10, metric(metrics, "kilowatch_snmp_pdu_energy_kwh", "pdu-1", "1"), 1e-9);
        assertEquals(Double.parseDouble(pdu.get("1.3.6.1.4.1.318.1.1.26.6.3.1.5.1")) / 10, metric(metrics, "kilowatch_snmp_pdu_phase_current_amperes", "pdu-1", "1"), 1e-9);
        assertEquals(Double.parseDouble(poeSwitch.get("1.3.6.1.2.1.105.1.3.1.1.4.1")), metric(metrics, "kilowatch_snmp_poe_consumption_watts", "switch-1", "1"));
        // interfaces: snmpd's own IF-MIB, named by ifName
        String loIndex = ifIndexOf(poeSwitch, "lo");
        assertEquals(poeSwitch.get("1.3.6.1.2.1.2.2.1.8." + loIndex).equals("1") ? 1.0 : 0.0,
                metricWith(metrics, "kilowatch_snmp_interface_up", "device=\"switch-1\",interface=\"lo\""));

        // whole tables, walked column by column side by side, hold what snmpwalk finds, row for row. Some
        // values move on their own (octet counters, hrStorageSize of cached memory), so each column is walked
        // before and after a poll: a row that read the same both times must read the same in the metrics,
        // and each column must have rows that held still, or the comparison would prove nothing.
        waitUntil("the router polled", () -> device("router-1") != null);
        for (String[] column : new String[][] {{"1.3.6.1.2.1.2.2.1.8", "kilowatch_snmp_if_oper_status", "switch-1"},
                {"1.3.6.1.2.1.25.2.3.1.5", "kilowatch_snmp_hr_storage_size_units", "router-1"},
                {"1.3.6.1.2.1.31.1.1.1.6", "kilowatch_snmp_if_hc_in_octets", "router-1"}}) {
            Snmpd agent = column[2].equals("switch-1") ? poeSwitch : router;
            Map<String, String> before = walk(agent, column[0]);
            long sequence = device(column[2]).getLong("last_sequence");
            // a poll under way during the first walk may end after it; the one after that began after the walk
            waitUntil(column[2] + " polled after the walk", () -> device(column[2]).getLong("last_sequence") >= sequence + 2);
            String all = get("/metrics");
            Map<String, String> after = walk(agent, column[0]);
            assertTrue(after.size() >= 2, column[0] + ": " + after);
            assertEquals(after.keySet(), before.keySet(), column[0] + " rows between two walks");
            long inMetrics = all.lines().filter(l -> l.startsWith(column[1] + "{device=\"" + column[2] + "\",")).count();
            assertEquals(after.size(), inMetrics, column[1] + " rows against snmpwalk " + column[0]);
            if (!column[1].contains("octets")) { // loopback traffic, this test's own included, moves every counter
                List<String> still = after.keySet().stream().filter(index -> after.get(index).equals(before.get(index))).toList();
                assertTrue(still.size() >= 2, column[0] + " rows that held still: " + still + " of " + after);
                for (String index : still) {
                    assertEquals(Double.parseDouble(after.get(index)), metric(all, column[1], column[2], index), column[0] + "." + index);
                }
            }
        }

        // the devices are ordinary devices: power with its source, hostname from sysName, boot time from sysUpTime
        JsonObject u = device("ups-1");
        assertEquals(412.0, u.getDouble("power_watts"), "the recorded upsOutputPower");
        assertEquals("snmp", u.getString("power_source"));
        assertEquals(ups.get("1.3.6.1.2.1.1.5.0").replace("\"", ""), u.getString("hostname"));
        assertEquals("ups", u.getJsonObject("labels").getString("class"));
        JsonObject p = device("pdu-1");
        assertEquals(870.0, p.getDouble("power_watts"));
        JsonObject sw = device("switch-1");
        // the switch's own model (switch class, 30 W idle to 60 W at its host's CPU load) plus the 46 W it passes on
        assertEquals(30.0 + 30.0 * sw.getDouble("cpu_ratio") + 46.0, sw.getDouble("power_watts"), 1e-9);
        assertEquals("snmp", sw.getString("power_source"));
        long ticks = Long.parseLong(ups.get("1.3.6.1.2.1.1.3.0"));
        Instant boot = Instant.parse(u.getString("boot_time"));
        Instant expected = Instant.now().minusMillis(ticks * 10);
        assertTrue(Duration.between(boot, expected).abs().compareTo(Duration.ofSeconds(10)) < 0, boot + " vs " + expected);
        assertTrue(metrics.contains("kilowatch_device_power_watts{class=\"pdu\",device=\"pdu-1\",org=\"Test Council\",site=\"Civic Centre\",source=\"snmp\"} 870.0"),
                "SNMP devices have the agents' metrics");
    }

    @Test
    void everyFailureIsAClearEventAndNeverHoldsUpTheGoodTargets() throws Exception {
        Map<String, String> expected = Map.of(
                "bad-user", "unknown user name (usmStatsUnknownUserNames)",
                "bad-community", "no answer within 400 ms x 2 tries",
                "dead-port", "no answer within 400 ms x 2 tries",
                "never-answers", "no answer within 400 ms x 2 tries",
                "bad-profile", "profile 'broken' is not loaded: " + "");
        waitUntil("a poll_failed and a down event for each failing target", () -> expected.keySet().stream().allMatch(id ->
                events(id, "poll_failed").size() > 0 && events(id, "down").size() > 0));
        expected.forEach((id, text) -> {
            String message = events(id, "poll_failed").getJsonObject(0).getString("message");
            assertTrue(message.contains(text), id + ": " + message);
        });
        String profileError = events("bad-profile", "poll_failed").getJsonObject(0).getString("message");
        assertTrue(profileError.contains("broken.yaml: metrics[0].oid must be a numeric OID such as 1.3.6.1.2.1.1.3.0, got 'upsOutputPower'"), profileError);
        assertTrue(get("/metrics").contains("kilowatch_device_events_total{kind=\"down\"}"));

        // Each of the five failing targets holds a poll slot for 0.8 s (400 ms x 2 tries) of every 1 s
        // interval: polled one after another, they would leave the PDU one poll in 4 s. Over six intervals
        // the good targets must still be polled about once an interval, and no good poll may take as long
        // as one failing poll (it would then have waited for one).
        long before = device("pdu-1").getLong("last_sequence");
        Thread.sleep(6_000);
        long polls = device("pdu-1").getLong("last_sequence") - before;
        assertTrue(polls >= 4, "the PDU was polled " + polls + " times in 6 intervals");
        JsonArray targets = new JsonObject(get("/api/v1/snmp/targets")).getJsonArray("targets");
        for (Object o : targets) {
            JsonObject t = (JsonObject) o;
            if (List.of("ups-1", "pdu-1", "switch-1", "pdu-feeding").contains(t.getString("device_id"))) {
                assertTrue(t.getBoolean("last_poll_succeeded"), t.encode());
                assertTrue(t.getDouble("last_poll_seconds") < 0.8, "a good poll took as long as a failing one: " + t.encode());
            } else if (expected.containsKey(t.getString("device_id"))) {
                assertFalse(t.getBoolean("last_poll_succeeded"), t.encode());
            }
        }
        assertTrue(get("/metrics").contains("kilowatch_snmp_poll_success{device=\"dead-port\"} 0.0"));
        assertTrue(get("/metrics").contains("kilowatch_snmp_poll_success{device=\"pdu-1\"} 1.0"));
        JsonObject dead = device("dead-port");
        assertEquals(null, dead, "a device that never answered has no report");
    }

    @Test
    void trapsAndInformsBecomeEvents() throws Exception {
        String to = "127.0.0.1:" + trapPort;
        Snmpd.trap(List.of("-v2c", "-c", Snmpd.COMMUNITY, to, "", "1.3.6.1.6.3.1.1.5.3", "1.3.6.1.2.1.2.2.1.1.7", "i", "7"));
        Snmpd.trap(List.of("-v3", "-e", "0x80001f8880a1b2c3d4e5f60718", "-u", Snmpd.USER_SHA256, "-l", "authPriv", "-a", "SHA-256", "-A", Snmpd.AUTH_PASS,
                "-x", "AES-256", "-X", Snmpd.PRIV_PASS, to, "", "1.3.6.1.2.1.33.2.0.1"));
        // a v1 trap: APC enterprise-specific trap 5 is upsOnBattery, 1.3.6.1.4.1.318.0.5 in v2 terms (RFC 3584)
        Snmpd.trap(List.of("-v1", "-c", Snmpd.COMMUNITY, to, "1.3.6.1.4.1.318", "127.0.0.1", "6", "5", ""));
        // an inform is acknowledged, or snmpinform fails
        List<String> inform = List.of("snmpinform", "-v2c", "-t", "2", "-r", "1", "-c", Snmpd.COMMUNITY, to, "", "1.3.6.1.6.3.1.1.5.1");
        assertTrue(Snmpd.run(inform).ok(), "the inform was not acknowledged");
        // a trap with a community nobody configured is dropped
        Snmpd.trap(List.of("-v2c", "-c", "intruder", to, "", "1.3.6.1.6.3.1.1.5.2"));
        waitUntil("the trap events", () -> events(null, "link_down").size() > 0 && events(null, "on_battery").size() > 0
                && events(null, "cold_start").size() > 0);
        JsonObject linkDown = events(null, "link_down").getJsonObject(0);
        assertTrue(linkDown.getString("message").contains("ifIndex=7"), linkDown.encode());
        assertEquals("trap", linkDown.getString("source"));
        assertEquals("critical", events(null, "on_battery").getJsonObject(0).getString("severity"));
        waitUntil("both on-battery traps, v3 and v1", () -> events(null, "on_battery").size() == 2);
        assertTrue(events(null, "on_battery").stream().anyMatch(e -> ((JsonObject) e).getString("message").contains("(1.3.6.1.4.1.318.0.5)")));
        assertTrue(events(null, "cold_start").getJsonObject(0).getString("message").contains("(inform)"));
        waitUntil("the intruder's trap counted as refused", () -> get("/metrics").contains("kilowatch_snmp_traps_total{outcome=\"refused\"} 1.0"));
        assertEquals(0, events(null, "warm_start").size(), "the trap with an unknown community left no event");
        assertTrue(get("/metrics").contains("kilowatch_device_events_total{kind=\"link_down\"} 1.0"));
        assertTrue(get("/metrics").contains("kilowatch_device_events_total{kind=\"warm_start\"} 0.0"),
                "kinds that have not happened are published at zero, so increase() sees their first event");
        assertTrue(get("/metrics").contains("kilowatch_snmp_traps_total{outcome=\"accepted\"} 4.0"));
        assertTrue(get("/api/v1/events/devices?limit=0").contains("limit must be 1..1000"));
        assertTrue(get("/api/v1/events/devices?since=yesterday").contains("since an ISO-8601 instant"));
        assertEquals(0, new JsonObject(get("/api/v1/events/devices?kind=link_down&since=2999-01-01T00:00:00Z")).getJsonArray("events").size());
    }

    @Test
    void aPduFeedingKnownDevicesIsNotCountedTwice() throws Exception {
        // two servers behind the PDU report modelled power of 300 W and 420 W; the PDU measures 870 W
        post(serverReport("srv-a", 300.0));
        post(serverReport("srv-b", 420.0));
        waitUntil("the PDU's reading reconciled with the servers it feeds", () -> {
            JsonObject p = device("pdu-feeding");
            return p != null && p.getDouble("power_watts") == 150.0;
        });
        double site = 0;
        for (String id : List.of("pdu-feeding", "srv-a", "srv-b")) {
            site += device(id).getDouble("power_watts");
        }
        assertEquals(870.0, site, 1e-9, "the Server Room adds up to the PDU's measurement, not 870 + 720");
        assertEquals(870.0, metric(get("/metrics"), "kilowatch_snmp_pdu_power_watts", "pdu-feeding", "1"), "the raw measurement stays visible");
        assertEquals("snmp", device("pdu-feeding").getString("power_source"));
    }

    @Test
    void aRebootIsSeenInSysUpTimeGoingBack() throws Exception {
        waitUntil("the router polled", () -> device("router-1") != null);
        // long enough up that a restart's uptime is clearly less than the previous poll's
        Thread.sleep(3_000);
        Instant bootBefore = Instant.parse(device("router-1").getString("boot_time"));
        router.restart();
        waitUntil("a reboot event", () -> events("router-1", "reboot").size() > 0);
        Instant bootAfter = Instant.parse(device("router-1").getString("boot_time"));
        assertTrue(bootAfter.isAfter(bootBefore.plusSeconds(2)), bootBefore + " then " + bootAfter);
        assertTrue(events("router-1", "reboot").getJsonObject(0).getString("message").contains("sysUpTime went back"));
        assertEquals(0, events("router-1", "down").size(), "a quick restart is a reboot, not an outage");
    }

    @Test
    void discoveredDevicesWaitForAnOperatorAndAreThenPolled() throws Exception {
        waitUntil("the printer discovered", () -> discovered() != null);
        JsonObject found = discovered();
        assertEquals("pending", found.getString("state"));
        assertEquals("printer-1", found.getString("device_id"), "named by its sysName");
        assertEquals(printer.get("1.3.6.1.2.1.1.2.0").replaceFirst("^\\.", ""), found.getString("sys_object_id"));
        assertEquals(null, device("printer-1"), "not polled before an operator accepts it");
        assertEquals(401, accept(null).statusCode(), "a reader may not accept");
        HttpResponse<String> accepted = accept(ADMIN_TOKEN[0]);
        assertEquals(200, accepted.statusCode(), accepted.body());
        assertEquals("printer-1", new JsonObject(accepted.body()).getString("device_id"));
        assertEquals(409, accept(ADMIN_TOKEN[0]).statusCode());
        waitUntil("the accepted printer polled", () -> device("printer-1") != null);
        assertEquals("accepted", discovered().getString("state"));
        assertEquals(Double.parseDouble(printer.get("1.3.6.1.2.1.43.10.2.1.4.1.1")),
                metric(get("/metrics"), "kilowatch_snmp_printer_marker_life_pages", "printer-1", "1.1"));
        JsonObject p = device("printer-1");
        assertEquals("printer", p.getJsonObject("labels").getString("class"));
        assertEquals("Library", p.getJsonObject("labels").getString("site"));
        assertEquals("model", p.getString("power_source"));
        assertEquals(15.0 + 485.0 * p.getDouble("cpu_ratio"), p.getDouble("power_watts"), 1e-9,
                "the printer class's model (15 W idle to 500 W): its profiles measure no power");
    }

    private static JsonObject discovered() {
        for (Object o : new JsonObject(get("/api/v1/snmp/discovered")).getJsonArray("discovered")) {
            JsonObject d = (JsonObject) o;
            if ("127.0.0.1".equals(d.getString("address"))) {
                return d;
            }
        }
        return null;
    }

    private static HttpResponse<String> accept(String token) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base + "/api/v1/snmp/discovered/127.0.0.1/accept"))
                .POST(HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String serverReport(String id, double watts) {
        Instant now = Instant.now();
        return io.kilowatch.core.report.ReportCodec.toJson(new io.kilowatch.core.report.Report(1, id, 1L, now, 60.0,
                Map.of("class", "server", "site", "Server Room"), new io.kilowatch.core.report.Report.Host(id, "Linux", now.minusSeconds(3600), 3600.0, null),
                new io.kilowatch.core.report.Report.Utilisation(0.1, null, null),
                new io.kilowatch.core.report.Report.Power(watts, "model", 0.0, now.minusSeconds(3600)), null, null));
    }

    private static void post(String json) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/reports")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, r.statusCode(), r.body());
    }

    private static String ifIndexOf(Snmpd snmpd, String name) throws Exception {
        Snmpd.Result walk = Snmpd.run(List.of("snmpwalk", "-On", "-Oq", "-v2c", "-c", Snmpd.COMMUNITY, snmpd.address(), "1.3.6.1.2.1.31.1.1.1.1"));
        for (String line : walk.output().lines().toList()) {
            if (line.endsWith(" \"" + name + "\"") || line.endsWith(" " + name)) {
                String oid = line.split(" ")[0];
                return oid.substring(oid.lastIndexOf('.') + 1);
            }
        }
        throw new AssertionError("no interface " + name + " in " + walk.output());
    }

    static double metric(String metrics, String name, String device, String index) {
        return metricWith(metrics, name, "device=\"" + device + "\"" + (index == null ? "" : ",index=\"" + index + "\""));
    }

    static double metricWith(String metrics, String name, String labels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name + "{" + labels + "}") + " (\\S+)$").matcher(metrics);
        assertTrue(m.find(), name + "{" + labels + "} not in /metrics");
        return Double.parseDouble(m.group(1));
    }

    static JsonArray events(String device, String kind) {
        return new CollectorApi(base).events(device, kind);
    }

    /** A column's rows by index, as snmpwalk reads them. */
    static Map<String, String> walk(Snmpd agent, String column) throws IOException, InterruptedException {
        Map<String, String> rows = new LinkedHashMap<>();
        Snmpd.run(List.of("snmpwalk", "-On", "-Oq", "-Oe", "-v2c", "-c", Snmpd.COMMUNITY, agent.address(), column))
                .output().lines().forEach(row -> rows.put(row.split(" ")[0].substring(column.length() + 2), row.split(" ")[1]));
        return rows;
    }

    static JsonObject device(String id) {
        return new CollectorApi(base).device(id);
    }

    static String get(String path) {
        return new CollectorApi(base).get(path);
    }

    static void waitUntil(String what, BooleanSupplier condition) throws InterruptedException {
        CollectorApi.waitUntil(what, Duration.ofSeconds(30), condition);
    }
}
