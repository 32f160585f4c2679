package io.kilowatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.collector.snmp.Snmpd;
import io.kilowatch.collector.store.StoreKind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two collector processes on one real PostgreSQL share three SNMP targets (real snmpd agents) and run alerting on one
 * of them. The first is SIGKILLed: the second takes over the alerting duty and every target within two poll
 * intervals, carries on with the firing alert without notifying it again, and notifies a new one exactly once.
 * Logs in collector/target/cluster-failover/.
 */
class ClusterFailoverIT {
    private static final Duration POLL = Duration.ofSeconds(5);

    @TempDir
    Path work;


    @Test
    void theSecondCollectorTakesOverAlertingAndTheTargetsOfAKilledOne() throws Exception {
        Stack.run(List.of("bash", Stack.REPO.resolve("scripts/install-test-tools.sh").toString()), Duration.ofMinutes(10));
        Path out = Stack.outputDir("cluster-failover");
        WebhookReceiver hook = new WebhookReceiver();
        List<AutoCloseable> agents = new ArrayList<>();
        List<Process> collectors = new ArrayList<>();
        try {
            Snmpd ups = Snmpd.start("ups-1", "1.3.6.1.4.1.318.1.3.2.12", "ups.rec");
            agents.add(ups);
            Snmpd pdu = Snmpd.start("pdu-1", "1.3.6.1.4.1.318.1.3.4.5", "pdu.rec");
            agents.add(pdu);
            Snmpd sw = Snmpd.start("switch-1", "1.3.6.1.4.1.11.2.3.7.11.181", "switch.rec");
            agents.add(sw);
            Files.writeString(work.resolve("community"), Snmpd.COMMUNITY);
            Path config = work.resolve("kilowatch-collector.yaml");
            Files.writeString(config, """
                    security:
                      read:
                        anonymous: true
                    storage:
                      refresh_interval: 1s
                    cluster:
                      lease_duration: 3s
                    snmp:
                      enabled: true
                      interval: %ds
                      timeout: 500ms
                      retries: 0
                      down_after_failed_polls: 1
                      auths:
                        legacy:
                          version: v2c
                          community_file: %s
                      targets:
                        ups-1: {address: 127.0.0.1, port: %d, auth: legacy, class: ups}
                        pdu-1: {address: 127.0.0.1, port: %d, auth: legacy, class: pdu}
                        switch-1: {address: 127.0.0.1, port: %d, auth: legacy, class: switch}
                    alerting:
                      evaluation_interval: 1s
                      grouping:
                        group_by: device
                        group_wait: 0s
                        group_interval: 1s
                        repeat_interval: 1h
                      rules:
                        # damped as in production (shorter): the new holder's estate view of the targets the dead
                        # collector polled may be a poll behind for a moment after it takes over
                        device_down:
                          for: 3s
                          keep_firing_for: 1m
                      channels:
                        hook:
                          type: webhook
                          url: http://127.0.0.1:%d/
                    """.formatted(POLL.toSeconds(), work.resolve("community"), ups.port, pdu.port, sw.port, hook.port()));
            StoreKind.TestStore store = StoreKind.POSTGRESQL.fresh(work.resolve("unused"));

            int portA = Stack.freePort();
            String a = "http://127.0.0.1:" + portA;
            collectors.add(collector("a", portA, store, config, out));
            Stack.waitUntil("collector a healthy", Duration.ofSeconds(60), () -> Stack.status(a + "/health") == 200);
            Stack.waitUntil("a holding alerting and polling all three targets", Duration.ofSeconds(30),
                    () -> "a".equals(holder(a, "alerting")) && claims(a).getInteger("a", 0) == 3);
            int portB = Stack.freePort();
            String b = "http://127.0.0.1:" + portB;
            collectors.add(collector("b", portB, store, config, out));
            Stack.waitUntil("collector b healthy", Duration.ofSeconds(60), () -> Stack.status(b + "/health") == 200);
            Stack.waitUntil("the targets shared out, two and one", Duration.ofSeconds(30),
                    () -> claims(b).getInteger("a", 0) == 2 && claims(b).getInteger("b", 0) == 1);
            assertEquals("a", holder(b, "alerting"), "the first collector keeps its duties");

            agents.remove(pdu);
            pdu.close();
            Stack.waitUntil("pdu-1 notified down", Duration.ofSeconds(60), () -> hook.firing("pdu-1") == 1);

            collectors.get(0).destroyForcibly().waitFor(); // SIGKILL: no leases given back
            Instant killed = Instant.now();
            Stack.waitUntil("b holding alerting and polling every target", POLL.multipliedBy(2),
                    () -> "b".equals(holder(b, "alerting")) && claims(b).getInteger("b", 0) == 3 && claims(b).getInteger("a", 0) == 0);
            Stack.waitUntil("b polling ups-1 and switch-1 since a died", POLL.multipliedBy(2),
                    () -> polledSince(b, "ups-1", killed) && polledSince(b, "switch-1", killed));
            Duration takeover = Duration.between(killed, Instant.now());
            Files.writeString(out.resolve("takeover.txt"), "targets and alerting taken over " + takeover.toMillis() + " ms after SIGKILL\n");

            agents.remove(ups);
            ups.close();
            Stack.waitUntil("ups-1 notified down by b", Duration.ofSeconds(60), () -> hook.firing("ups-1") == 1);
            Thread.sleep(5_000); // room for a notification sent twice to show
            assertEquals(1, hook.firing("pdu-1"), "b took the firing pdu-1 alert over without notifying it again: " + hook.notifications());
            assertEquals(1, hook.firing("ups-1"), hook.notifications().toString());
            JsonArray alerts = new JsonObject(Stack.body(b + "/api/v1/alerts")).getJsonArray("alerts");
            assertTrue(alerts.encode().contains("pdu-1") && alerts.encode().contains("ups-1"), alerts.encode());
        } finally {
            Stack.stopAll(collectors);
            for (AutoCloseable agent : agents) {
                agent.close();
            }
            hook.close();
        }
    }

    private static Process collector(String id, int port, StoreKind.TestStore store, Path config, Path out) throws Exception {
        List<String> command = new ArrayList<>(List.of(Stack.java(), "-jar", Stack.jar("kilowatch.collector.jar"), "--http-port", String.valueOf(port),
                "--config", config.toString(), "--set", "cluster.collector_id=" + id));
        command.addAll(store.options());
        command.set(command.indexOf("--data-dir") + 1, store.config().dataDir().resolve(id).toString());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.resolve("collector-" + id + ".log").toFile()));
        pb.environment().putAll(store.environment());
        return pb.start();
    }

    private static JsonObject cluster(String base) {
        String body = Stack.body(base + "/api/v1/cluster");
        return body.startsWith("{") ? new JsonObject(body) : new JsonObject();
    }

    private static String holder(String base, String duty) {
        JsonArray duties = cluster(base).getJsonArray("duties", new JsonArray());
        return duties.stream().map(JsonObject.class::cast).filter(d -> d.getString("duty").equals(duty)).map(d -> d.getString("holder"))
                .findFirst().orElse(null);
    }

    private static JsonObject claims(String base) {
        return cluster(base).getJsonObject("claims", new JsonObject()).getJsonObject("snmp", new JsonObject());
    }

    private static boolean polledSince(String base, String device, Instant since) {
        String body = Stack.body(base + "/api/v1/snmp/targets?device=" + device);
        if (!body.startsWith("{")) {
            return false;
        }
        return new JsonObject(body).getJsonArray("targets").stream().map(JsonObject.class::cast)
                .anyMatch(t -> t.getString("last_poll") != null && Instant.parse(t.getString("last_poll")).isAfter(since)
                        && Boolean.TRUE.equals(t.getBoolean("last_poll_succeeded")) && Boolean.TRUE.equals(t.getBoolean("polled_here")));
    }

}
