package io.kilowatch.collector.snmp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kilowatch.collector.CollectorConfig;
import io.kilowatch.collector.CollectorVerticle;
import io.kilowatch.collector.security.Users;
import io.kilowatch.collector.store.StoreConfig;
import io.kilowatch.collector.store.TestPostgres;
import io.kilowatch.core.config.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SNMP discovery with two collectors on one PostgreSQL, as behind a load balancer: one sweeps (the network is probed
 * once and the device announced once), both list what it found, an acceptance through the other holds on both, and
 * the accepted device is still polled when the collector that accepted it is gone.
 */
class DiscoveryClusterTest {
    private static final String[] ADMIN_TOKEN = Users.newApiToken();

    @TempDir
    Path dir;
    private Snmpd printer;
    private Vertx vertxA;
    private Vertx vertxB;

    @AfterEach
    void stop() throws Exception {
        for (Vertx v : new Vertx[] {vertxA, vertxB}) {
            if (v != null) {
                v.close().await();
            }
        }
        if (printer != null) {
            printer.close();
        }
    }

    private static CollectorApi deploy(Vertx vertx, StoreConfig store, Path dataDir, String collectorId, int snmpPort) {
        Settings s = Settings.parse("", "test", Map.of("KILOWATCH_COLLECTOR_STORE_POSTGRESQL_PASSWORD", store.postgresql().password().orElseThrow(),
                        "KILOWATCH_COLLECTOR_SNMP_AUTHS_V2_COMMUNITY", Snmpd.COMMUNITY), "KILOWATCH_COLLECTOR_")
                .override("http.port", "0").override("data_dir", dataDir.toString())
                .override("store.type", "postgresql").override("store.postgresql.url", store.postgresql().url())
                .override("store.postgresql.user", store.postgresql().user())
                .override("cluster.collector_id", collectorId).override("cluster.lease_duration", "6s")
                .override("storage.refresh_interval", "1s").override("security.read.anonymous", "true")
                .override("security.api_tokens.ops.role", "admin").override("security.api_tokens.ops.sha256", ADMIN_TOKEN[1])
                .override("snmp.enabled", "true").override("snmp.interval", "1s").override("snmp.timeout", "1s")
                .override("snmp.auths.v2.version", "v2c")
                .override("snmp.discovery.cidr", "127.0.0.1/32").override("snmp.discovery.port", String.valueOf(snmpPort))
                .override("snmp.discovery.auth", "v2").override("snmp.discovery.class", "printer");
        CollectorVerticle collector = new CollectorVerticle(CollectorConfig.from(s), Clock.systemUTC());
        vertx.deployVerticle(collector).await();
        return new CollectorApi("http://127.0.0.1:" + collector.actualPort());
    }

    @Test
    void oneCollectorSweepsBothListWhatItFoundAndAnAcceptedDeviceOutlivesTheCollectorThatAcceptedIt() throws Exception {
        printer = Snmpd.start("printer-1", "1.3.6.1.4.1.11.2.3.9.1.1.4", "printer.rec");
        StoreConfig store = TestPostgres.shared().freshDatabase(dir);
        vertxA = Vertx.vertx();
        vertxB = Vertx.vertx();
        CollectorApi a = deploy(vertxA, store, dir.resolve("a"), "collector-a", printer.port); // first up: takes every duty
        CollectorApi b = deploy(vertxB, store, dir.resolve("b"), "collector-b", printer.port);

        waitUntil("both list the printer as pending", () -> "pending".equals(found(a).getString("state"))
                && "pending".equals(found(b).getString("state")));
        waitUntil("the printer announced", () -> !a.events(null, "discovered").isEmpty());
        Thread.sleep(2_000); // time for B to have swept too, had it not left that to A
        assertEquals("collector-a", holder(b, "snmp_discovery"));
        assertEquals(1, a.events(null, "discovered").size(), "announced once: " + a.events(null, "discovered"));
        // a second sweep would have moved last_seen on from first_seen
        assertEquals(found(a).getString("first_seen"), found(b).getString("last_seen"), "probed once: " + found(b));

        // accepted through B, which did not sweep and knows the printer only from the store
        HttpResponse<String> accepted = CollectorApi.HTTP.send(HttpRequest.newBuilder(URI.create(b.base()
                        + "/api/v1/snmp/discovered/127.0.0.1/accept")).header("Authorization", "Bearer " + ADMIN_TOKEN[0])
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, accepted.statusCode(), accepted.body());
        waitUntil("both list the printer as accepted", () -> "accepted".equals(found(a).getString("state"))
                && "accepted".equals(found(b).getString("state")));

        // B gone, A (which knows of the acceptance only from the store) polls the printer
        vertxB.close().await();
        vertxB = null;
        waitUntil("A polls the printer", () -> a.device("printer-1") != null);
        long first = a.device("printer-1").getLong("last_sequence");
        waitUntil("A polls the printer on", () -> a.device("printer-1").getLong("last_sequence") >= first + 2);
        assertEquals(1, a.events(null, "discovered").size());
    }

    /** The printer as the collector lists it among the discovered devices; empty before it is found. */
    private static JsonObject found(CollectorApi collector) {
        for (Object o : new JsonObject(collector.get("/api/v1/snmp/discovered")).getJsonArray("discovered")) {
            JsonObject d = (JsonObject) o;
            if ("127.0.0.1".equals(d.getString("address"))) {
                return d;
            }
        }
        return new JsonObject();
    }

    private static String holder(CollectorApi collector, String duty) {
        for (Object o : new JsonObject(collector.get("/api/v1/cluster")).getJsonArray("duties")) {
            JsonObject d = (JsonObject) o;
            if (duty.equals(d.getString("duty"))) {
                return d.getString("holder");
            }
        }
        return null;
    }

    private static void waitUntil(String what, BooleanSupplier condition) throws InterruptedException {
        CollectorApi.waitUntil(what, Duration.ofSeconds(30), condition);
    }
}
