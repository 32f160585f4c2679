package io.kilowatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.collector.snmp.Snmpd;
import io.kilowatch.collector.store.StoreKind;
import io.kilowatch.collector.store.TestPostgres;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three collector processes on one real PostgreSQL, 200 simulated agents spread over them as a load balancer would,
 * two real agents failing over between them, SNMP targets served by snmpd and a firing alert with a webhook
 * receiver. Each collector is SIGKILLed in turn and restarted, then PostgreSQL is stopped as a crash would
 * ({@code pg_ctl stop -m immediate}) and restarted: meanwhile every collector answers reports 503 with Retry-After and
 * its /health names the store. Afterwards, from the store itself (JDBC): no acknowledged report lost and none stored
 * twice, every SNMP target polled by one collector at a time with no gap longer than a takeover, each firing alert
 * notified once, and the real agents' energy counters equal to what was stored. Prints a one-line summary; logs and
 * the summary with details in collector/target/cluster-fault/.
 */
class ClusterFaultIT {
    private static final List<String> COLLECTORS = List.of("a", "b", "c");
    private static final Duration LEASE = Duration.ofSeconds(6);
    private static final Duration POLL = Duration.ofSeconds(4);
    private static final int SIMULATED_AGENTS = 200;
    private static final Duration SIMULATED_INTERVAL = Duration.ofSeconds(3);
    /** Targets that keep answering; pdu-1 is stopped to fire an alert. */
    private static final List<String> LIVE_TARGETS = List.of("ups-1", "ups-2", "switch-1");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path work;


    @Test
    void noAcknowledgedReportIsLostOrStoredTwiceThroughCollectorKillsAndAPostgresqlCrash() throws Exception {
        Stack.run(List.of("bash", Stack.REPO.resolve("scripts/install-test-tools.sh").toString()), Duration.ofMinutes(10));
        Path out = Stack.outputDir("cluster-fault");
        try (Stream<Path> old = Files.list(out)) {
            for (Path p : old.toList()) {
                Files.deleteIfExists(p);
            }
        }
        WebhookReceiver hook = new WebhookReceiver();
        TestPostgres pg = TestPostgres.dedicated();
        List<AutoCloseable> snmpds = new ArrayList<>();
        Map<String, Process> collectors = new HashMap<>();
        List<Process> agents = new ArrayList<>();
        Fleet fleet = null;
        try {
            Map<String, Snmpd> targets = new TreeMap<>();
            for (String id : List.of("ups-1", "ups-2")) {
                targets.put(id, Snmpd.start(id, "1.3.6.1.4.1.318.1.3.2.12", "ups.rec"));
            }
            targets.put("switch-1", Snmpd.start("switch-1", "1.3.6.1.4.1.11.2.3.7.11.181", "switch.rec"));
            targets.put("pdu-1", Snmpd.start("pdu-1", "1.3.6.1.4.1.318.1.3.4.5", "pdu.rec"));
            snmpds.addAll(targets.values());
            Files.writeString(work.resolve("community"), Snmpd.COMMUNITY);
            String enrolmentToken = credential();
            Path tokenFile = Files.writeString(work.resolve("enrolment-token"), enrolmentToken);
            Path config = work.resolve("kilowatch-collector.yaml");
            StringBuilder targetConfig = new StringBuilder();
            targets.forEach((id, snmpd) -> targetConfig.append("    ").append(id).append(": {address: 127.0.0.1, port: ").append(snmpd.port)
                    .append(", auth: legacy, class: ").append(id.replaceAll("-\\d+$", "")).append("}\n"));
            Files.writeString(config, """
                    security:
                      read:
                        anonymous: true
                    storage:
                      refresh_interval: 1s
                    devices:
                      down_after_missed_reports: 10
                    cluster:
                      lease_duration: %ds
                    snmp:
                      enabled: true
                      interval: %ds
                      timeout: 500ms
                      retries: 0
                      down_after_failed_polls: 3
                      auths:
                        legacy:
                          version: v2c
                          community_file: %s
                      targets:
                    %s
                    alerting:
                      evaluation_interval: 1s
                      grouping:
                        group_by: device
                        group_wait: 0s
                        group_interval: 1s
                        repeat_interval: 1h
                      rules:
                        device_down:
                          for: 3s
                          keep_firing_for: 10m
                      channels:
                        hook:
                          type: webhook
                          url: http://127.0.0.1:%d/
                    """.formatted(LEASE.toSeconds(), POLL.toSeconds(), work.resolve("community"), targetConfig.toString().stripTrailing(),
                    hook.port()));
            StoreKind.TestStore store = new StoreKind.TestStore(pg.freshDatabase(work.resolve("unused")));
            Map<String, String> urls = new HashMap<>();
            for (String id : COLLECTORS) {
                int port = Stack.freePort();
                urls.put(id, "http://127.0.0.1:" + port);
                collectors.put(id, collector(id, port, store, config, enrolmentToken, out));
            }
            for (String id : COLLECTORS) {
                Stack.waitUntil("collector " + id + " healthy", Duration.ofSeconds(90), () -> Stack.status(urls.get(id) + "/health") == 200);
            }
            List<String> bases = COLLECTORS.stream().map(urls::get).toList();
            fleet = new Fleet(bases);
            fleet.enrol(enrolmentToken);
            agents.add(realAgent("real-1", String.join(",", bases), tokenFile, out));
            agents.add(realAgent("real-2", String.join(",", List.of(bases.get(2), bases.get(1), bases.get(0))), tokenFile, out));
            fleet.start();

            snmpds.remove(targets.get("pdu-1"));
            targets.get("pdu-1").close(); // down from now on: one alert that fires and stays firing
            Stack.waitUntil("pdu-1 notified down", Duration.ofSeconds(60), () -> hook.firing("pdu-1") == 1);
            Thread.sleep(POLL.toMillis());

            Instant faultsStart = Instant.now();
            for (String id : COLLECTORS) {
                collectors.get(id).destroyForcibly().waitFor(); // SIGKILL: no leases given back, requests cut off
                Thread.sleep(LEASE.plusSeconds(4).toMillis()); // its duties and targets move while it is dead
                int port = URI.create(urls.get(id)).getPort();
                collectors.put(id, collector(id, port, store, config, enrolmentToken, out));
                Stack.waitUntil("collector " + id + " healthy again", Duration.ofSeconds(90), () -> Stack.status(urls.get(id) + "/health") == 200);
                Thread.sleep(POLL.toMillis());
            }

            pg.crash();
            Instant storeDown = Instant.now();
            String refused = fleet.refusedWhileStoreDown();
            Map<String, String> health = new TreeMap<>();
            for (String base : bases) {
                health.put(base, Stack.body(base + "/health"));
            }
            Thread.sleep(5_000);
            pg.restart();
            Instant storeUp = Instant.now();
            for (String base : bases) {
                Stack.waitUntil(base + " healthy after the store came back", Duration.ofSeconds(60), () -> Stack.status(base + "/health") == 200);
            }
            Thread.sleep(3 * POLL.toMillis());

            // as each collector sees itself: every target, the stopped one too, polled by exactly one of them
            Stack.waitUntil("every target polled by exactly one collector", Duration.ofSeconds(30),
                    () -> targets.keySet().stream().allMatch(t -> pollers(bases, t) == 1));

            fleet.stopReporting();
            assertTrue(fleet.drain(Duration.ofSeconds(60)), "simulated agents still hold unacknowledged reports: " + fleet.spooled());
            for (Process agent : agents) {
                Stack.stop(agent); // SIGTERM: the agent sends what it holds and stops cleanly
            }
            Instant end = Instant.now();
            Thread.sleep(3_000); // room for a notification sent twice to show

            try (Connection db = store.connectWithoutMigrating(); Statement sql = db.createStatement()) {
                // 0 stored twice: any (device, sequence) in more than one row (the partitioned table's key includes the time)
                long duplicates = count(sql, "SELECT COUNT(*) FROM (SELECT device_id, sequence FROM samples GROUP BY device_id, sequence "
                        + "HAVING COUNT(*) > 1) d");
                Map<String, Set<Long>> stored = new HashMap<>();
                try (ResultSet rs = sql.executeQuery("SELECT device_id, sequence FROM samples WHERE device_id LIKE 'sim-%'")) {
                    while (rs.next()) {
                        stored.computeIfAbsent(rs.getString(1), d -> new HashSet<>()).add(rs.getLong(2));
                    }
                }
                List<String> lost = new ArrayList<>();
                fleet.acknowledged.forEach((device, sequences) -> sequences.stream().filter(s -> !stored.getOrDefault(device, Set.of()).contains(s))
                        .forEach(s -> lost.add(device + "#" + s)));
                long storedSimulated = stored.values().stream().mapToLong(Set::size).sum();

                // SNMP: one poller at a time. A handover (a collector dying, joining, or all of them coming back after the
                // store) may put one poll right after the last one, but two collectors polling a target at once would
                // show as twice the samples for as long as it lasted: in no window of four intervals more than six.
                // And no gap past a takeover (the last poll an interval before a death, then taken over within two).
                List<String> doublePolls = new ArrayList<>();
                List<String> snmpNumbering = new ArrayList<>(); // a poller carrying on from a stale sequence or counter
                List<String> longGaps = new ArrayList<>();
                int takeoverGaps = 0;
                int handoverPolls = 0;
                for (String target : LIVE_TARGETS) {
                    List<Long> times = new ArrayList<>();
                    long lastSequence = -1;
                    try (ResultSet rs = sql.executeQuery("SELECT ts_ms, sequence FROM samples WHERE device_id = '" + target + "' AND ts_ms >= "
                            + faultsStart.minus(POLL.multipliedBy(2)).toEpochMilli() + " AND ts_ms <= " + end.toEpochMilli() + " ORDER BY ts_ms")) {
                        while (rs.next()) {
                            times.add(rs.getLong(1));
                            if (rs.getLong(2) <= lastSequence) {
                                snmpNumbering.add(target + "@" + Instant.ofEpochMilli(rs.getLong(1)) + " #" + rs.getLong(2) + " after #" + lastSequence);
                            }
                            lastSequence = Math.max(lastSequence, rs.getLong(2));
                        }
                    }
                    try (ResultSet rs = sql.executeQuery("SELECT d.energy_joules_total, (SELECT SUM(s.energy_joules) FROM samples s "
                            + "WHERE s.device_id = d.device_id) FROM devices d WHERE d.device_id = '" + target + "'")) {
                        assertTrue(rs.next(), target + " never stored");
                        if (Math.abs(rs.getDouble(1) - rs.getDouble(2)) > 1e-6) {
                            snmpNumbering.add(target + " total " + rs.getDouble(1) + " J but samples " + rs.getDouble(2) + " J");
                        }
                    }
                    assertTrue(times.size() > 10, target + " was hardly polled: " + times);
                    for (int i = 1; i < times.size(); i++) {
                        long gapMs = times.get(i) - times.get(i - 1);
                        boolean acrossOutage = times.get(i - 1) <= storeUp.toEpochMilli() && times.get(i) >= storeDown.toEpochMilli();
                        if (gapMs < POLL.toMillis() / 2) {
                            handoverPolls++;
                        } else if (gapMs > POLL.toMillis() * 3 / 2 && !acrossOutage) {
                            takeoverGaps++;
                            if (gapMs > POLL.toMillis() * 3) {
                                longGaps.add(target + "@" + Instant.ofEpochMilli(times.get(i)) + " " + gapMs + "ms");
                            }
                        }
                    }
                    for (int i = 0, j = 0; i < times.size(); i++) {
                        while (times.get(i) - times.get(j) >= POLL.toMillis() * 4) {
                            j++;
                        }
                        if (i - j + 1 > 6) {
                            doublePolls.add(target + " " + (i - j + 1) + " samples in four intervals up to " + Instant.ofEpochMilli(times.get(i)));
                        }
                    }
                }

                // the real agents: the counter each last sent (its spool empty) is the counter stored, and the stored
                // total is the sum of its samples' energy
                List<String> energy = new ArrayList<>();
                for (String device : List.of("real-1", "real-2")) {
                    Path dataDir = work.resolve(device);
                    try (Stream<Path> spooled = Files.list(dataDir.resolve("spool-" + device))) {
                        assertEquals(0, spooled.filter(Files::isRegularFile).count(), device + " stopped with reports unsent");
                    }
                    Properties state = new Properties();
                    state.load(new java.io.StringReader(Files.readString(dataDir.resolve("state-" + device + ".properties"))));
                    double agentJoules = Double.parseDouble(state.getProperty("energy_joules_total"));
                    long agentSequence = Long.parseLong(state.getProperty("last_sequence"));
                    try (ResultSet rs = sql.executeQuery("SELECT d.counter_joules, d.energy_joules_total, d.last_sequence, "
                            + "(SELECT SUM(s.energy_joules) FROM samples s WHERE s.device_id = d.device_id), "
                            + "(SELECT COUNT(*) FROM samples s WHERE s.device_id = d.device_id) FROM devices d WHERE d.device_id = '" + device + "'")) {
                        assertTrue(rs.next(), device + " never stored");
                        energy.add(String.format(Locale.ROOT, "%s agent %.3f J #%d, stored counter %.3f J #%d total %.3f J samples %.3f J (%d)",
                                device, agentJoules, agentSequence, rs.getDouble(1), rs.getLong(3), rs.getDouble(2), rs.getDouble(4), rs.getLong(5)));
                        assertEquals(agentSequence, rs.getLong(3), energy.get(energy.size() - 1));
                        assertEquals(agentJoules, rs.getDouble(1), 1e-6, energy.get(energy.size() - 1));
                        assertEquals(rs.getDouble(2), rs.getDouble(4), 1e-6, energy.get(energy.size() - 1));
                        assertEquals(agentSequence, rs.getLong(5), device + ": one sample per report: " + energy.get(energy.size() - 1));
                    }
                }

                long pduNotified = hook.firing("pdu-1");
                String summary = String.format(Locale.ROOT, "cluster fault: reports acked=%d stored=%d lost=%d duplicates=%d sequence_taken=%d "
                                + "resends=%d | snmp takeover gaps=%d over 3 intervals=%d handover polls=%d double polling=%d | notifications=%d (pdu-1 firing %d) "
                                + "| store down %d ms | %s",
                        fleet.acknowledgedCount(), storedSimulated, lost.size(), duplicates, fleet.sequenceTaken.get(), fleet.resends.get(),
                        takeoverGaps, longGaps.size(), handoverPolls, doublePolls.size(), hook.notifications().size(), pduNotified,
                        Duration.between(storeDown, storeUp).toMillis(), String.join("; ", energy));
                System.out.println(summary);
                Files.writeString(out.resolve("summary.txt"), summary + "\nwhile the store was down: " + refused + "\n" + health
                        + "\nstore down " + storeDown + " up " + storeUp + "; faults from " + faultsStart + "\ndouble polling: " + doublePolls + "\nlong gaps: " + longGaps + "\nSNMP numbering: " + snmpNumbering + "\nnotifications: " + hook.notifications() + "\n");

                assertTrue(refused.isEmpty(), refused);
                health.forEach((base, body) -> assertTrue(body.contains("\"error\"") && body.contains("store: "), base + "/health said " + body));
                assertTrue(lost.isEmpty(), "acknowledged but not stored: " + lost);
                assertEquals(0, duplicates, "reports stored twice");
                assertEquals(0, fleet.sequenceTaken.get(), "reports sent again were taken for other reports");
                assertTrue(fleet.acknowledgedCount() > SIMULATED_AGENTS * 10L, "too few reports for a test: " + summary);
                assertTrue(doublePolls.isEmpty(), "targets polled by two collectors at once: " + doublePolls);
                assertTrue(snmpNumbering.isEmpty(), "SNMP reports numbered or counted out of order: " + snmpNumbering);
                assertTrue(longGaps.isEmpty(), "targets unpolled for longer than a takeover: " + longGaps);
                assertEquals(1, pduNotified, "the stopped target's alert notified: " + hook.notifications());
                Map<String, Long> firingPerGroup = new TreeMap<>();
                hook.notifications().forEach(n -> firingPerGroup.merge(n.getString("status") + " " + n.getJsonObject("groupLabels"), 1L, Long::sum));
                firingPerGroup.forEach((group, times) -> assertEquals(1L, times, group + " notified " + times + " times: " + hook.notifications()));
            }
        } finally {
            if (fleet != null) {
                fleet.close();
            }
            Stack.stopAll(agents);
            Stack.stopAll(List.copyOf(collectors.values()));
            for (AutoCloseable snmpd : snmpds) {
                snmpd.close();
            }
            hook.close();
            pg.close();
        }
    }

    private static Process collector(String id, int port, StoreKind.TestStore store, Path config, String enrolmentToken, Path out) throws IOException {
        List<String> command = new ArrayList<>(List.of(Stack.java(), "-Xmx256m", "-jar", Stack.jar("kilowatch.collector.jar"),
                "--http-port", String.valueOf(port), "--config", config.toString(), "--set", "cluster.collector_id=" + id));
        command.addAll(store.options());
        command.set(command.indexOf("--data-dir") + 1, store.config().dataDir().resolve(id).toString());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.resolve("collector-" + id + ".log").toFile()));
        pb.environment().putAll(store.environment());
        pb.environment().put("KILOWATCH_COLLECTOR_SECURITY_AGENTS_ENROLMENT_TOKEN", enrolmentToken);
        return pb.start();
    }

    /** A real agent reporting every 2 s to the collectors in this order, failing over and back (after 20 s). */
    private Process realAgent(String device, String collectors, Path tokenFile, Path out) throws IOException {
        List<String> command = new ArrayList<>(List.of(Stack.java(), "-Xmx48m", "-XX:+UseSerialGC", "-jar", Stack.jar("kilowatch.agent.jar")));
        command.addAll(Stack.agentArguments(collectors, tokenFile, device, work.resolve(device)));
        command.set(command.indexOf("--interval") + 1, "2s");
        command.addAll(List.of("--class", "server", "--set", "collector.failback_interval=20s", "--set", "collector.retry_max_backoff=2s"));
        return Stack.start(command, out.resolve("agent-" + device + ".log"));
    }

    /** How many collectors say they poll this target now. */
    private static long pollers(List<String> bases, String target) {
        return bases.stream().filter(base -> {
            String body = Stack.body(base + "/api/v1/snmp/targets?device=" + target);
            return body.startsWith("{") && new JsonObject(body).getJsonArray("targets").stream().map(JsonObject.class::cast)
                    .anyMatch(t -> Boolean.TRUE.equals(t.getBoolean("polled_here")));
        }).count();
    }


    private static long count(Statement sql, String query) throws Exception {
        try (ResultSet rs = sql.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** 32 random bytes, URL-safe base64: an agent credential or an enrolment token. */
    private static String credential() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * The simulated agents. Each keeps a spool of its reports and sends what it holds, oldest first, in one batch to
     * the next collector in turn (a round-robin load balancer that tries another backend when one fails); a report
     * leaves the spool only when a collector acknowledged it (stored or duplicate). Bounded in agents and time.
     */
    private static final class Fleet implements AutoCloseable {
        private final List<String> collectors;
        private final List<SimulatedAgent> agents = new ArrayList<>();
        private final ExecutorService workers = Executors.newFixedThreadPool(12);
        private final AtomicInteger nextCollector = new AtomicInteger();
        final Map<String, Set<Long>> acknowledged = new ConcurrentHashMap<>();
        final AtomicLong sequenceTaken = new AtomicLong();
        final AtomicLong resends = new AtomicLong();
        private volatile boolean reporting = true;
        private volatile boolean running = true;

        Fleet(List<String> collectors) {
            this.collectors = collectors;
            for (int i = 0; i < SIMULATED_AGENTS; i++) {
                agents.add(new SimulatedAgent(String.format(Locale.ROOT, "sim-%03d", i), credential(), i));
            }
        }

        /**
         * Enrols every agent through the API, spread over the collectors, each from its own loopback address: enrolment
         * is limited to ten a minute per address.
         */
        void enrol(String token) throws IOException {
            for (SimulatedAgent agent : agents) {
                String body = new JsonObject().put("device_id", agent.device).put("enrolment_token", token).put("credential", agent.credential).encode();
                URI collector = URI.create(collectors.get(agent.index % collectors.size()));
                InetAddress from = InetAddress.getByAddress(new byte[] {127, 0, 1, (byte) (agent.index + 1)});
                int status = postFrom(from, collector, "/api/v1/enrol", body);
                assertEquals(201, status, "enrolling " + agent.device + " at " + collector);
            }
        }

        /** A POST over a socket bound to {@code from}, which Java's HTTP client cannot choose. */
        private static int postFrom(InetAddress from, URI collector, String path, String body) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            try (Socket socket = new Socket()) {
                socket.bind(new InetSocketAddress(from, 0));
                socket.connect(new InetSocketAddress(collector.getHost(), collector.getPort()), 5_000);
                socket.setSoTimeout(10_000);
                OutputStream o = socket.getOutputStream();
                o.write(("POST " + path + " HTTP/1.1\r\nHost: " + collector.getAuthority() + "\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                o.write(bytes);
                o.flush();
                InputStream in = socket.getInputStream();
                String statusLine = new String(in.readNBytes(12), StandardCharsets.US_ASCII); // "HTTP/1.1 201"
                return Integer.parseInt(statusLine.substring(9, 12));
            }
        }

        void start() {
            long startNanos = System.nanoTime();
            int perWorker = (SIMULATED_AGENTS + 11) / 12;
            for (int w = 0; w < 12; w++) {
                List<SimulatedAgent> mine = agents.subList(Math.min(agents.size(), w * perWorker), Math.min(agents.size(), (w + 1) * perWorker));
                workers.submit(() -> run(mine, startNanos));
            }
        }

        /** Each agent reports every interval, its first at an even spread over one interval, until the fleet stops. */
        private void run(List<SimulatedAgent> mine, long startNanos) {
            long intervalNanos = SIMULATED_INTERVAL.toNanos();
            for (SimulatedAgent agent : mine) {
                agent.nextNanos = startNanos + intervalNanos * agent.index / SIMULATED_AGENTS;
            }
            while (running) {
                long now = System.nanoTime();
                for (SimulatedAgent agent : mine) {
                    if (now < agent.nextNanos) {
                        continue;
                    }
                    agent.nextNanos = now + intervalNanos;
                    if (reporting) {
                        agent.take();
                    }
                    if (!agent.spool.isEmpty()) {
                        send(agent);
                    }
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** Sends the agent's spool once, to the next collector; true when it all was acknowledged. */
        private boolean send(SimulatedAgent agent) {
            List<String> batch = new ArrayList<>(agent.spool.values()).subList(0, Math.min(agent.spool.size(), 100));
            if (agent.spool.size() > 1) {
                resends.addAndGet(agent.spool.size() - 1);
            }
            String base = collectors.get(Math.floorMod(nextCollector.getAndIncrement(), collectors.size()));
            try {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/reports/batch"))
                        .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + agent.credential)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"reports\":[" + String.join(",", batch) + "]}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    return false; // 503 while the store is down, 429, or a collector dying: kept and sent again
                }
                for (Object result : new JsonObject(response.body()).getJsonArray("results")) {
                    JsonObject r = (JsonObject) result;
                    long sequence = r.getLong("sequence");
                    String status = r.getString("status");
                    if ("sequence_taken".equals(status)) {
                        sequenceTaken.incrementAndGet();
                    } else if ("stored".equals(status) || "duplicate".equals(status)) {
                        acknowledged.computeIfAbsent(agent.device, d -> ConcurrentHashMap.newKeySet()).add(sequence);
                        agent.spool.remove(sequence);
                    }
                }
                return agent.spool.isEmpty();
            } catch (IOException e) {
                return false; // refused or cut off: kept and sent again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        /** While the store is down: what any collector answered to a batch other than 503 with Retry-After (empty when all did). */
        String refusedWhileStoreDown() throws InterruptedException {
            StringBuilder wrong = new StringBuilder();
            SimulatedAgent agent = agents.get(0);
            for (String base : collectors) {
                String body = "{\"reports\":[" + agent.report(1_000_000) + "]}";
                try {
                    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/reports/batch"))
                            .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                            .header("Authorization", "Bearer " + agent.credential).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() != 503 || response.headers().firstValue("Retry-After").isEmpty()) {
                        wrong.append(base).append(" answered ").append(response.statusCode()).append(' ').append(response.headers().map())
                                .append(' ').append(response.body()).append("; ");
                    }
                } catch (IOException e) {
                    wrong.append(base).append(" failed: ").append(e).append("; ");
                }
            }
            return wrong.toString();
        }

        void stopReporting() {
            reporting = false;
        }

        /** Waits until every agent's spool is empty (sending goes on in the workers). */
        boolean drain(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (spooled() == 0) {
                    running = false;
                    return true;
                }
                Thread.sleep(250);
            }
            return false;
        }

        long spooled() {
            return agents.stream().mapToLong(a -> a.spool.size()).sum();
        }

        long acknowledgedCount() {
            return acknowledged.values().stream().mapToLong(Set::size).sum();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            workers.shutdownNow();
            workers.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    /** One simulated agent: its device, credential, next sequence and spool (sequence to report body). */
    private static final class SimulatedAgent {
        final String device;
        final String credential;
        final int index;
        final Map<Long, String> spool = new ConcurrentSkipListMap<>();
        final Instant boot = Instant.now().minusSeconds(86_400);
        final Instant counterStart = Instant.now().minusSeconds(3_600);
        long sequence;
        volatile long nextNanos;

        SimulatedAgent(String device, String credential, int index) {
            this.device = device;
            this.credential = credential;
            this.index = index;
        }

        /** Takes a new report into the spool. */
        void take() {
            sequence++;
            spool.put(sequence, report(sequence));
        }

        /**
         * A report as an agent's, saying a 30 s interval so a simulated agent is not down over the store's outage
         * (it sends every 3 s).
         */
        String report(long seq) {
            return "{\"schema_version\":1,\"device_id\":\"" + device + "\",\"sequence\":" + seq + ",\"timestamp\":\"" + Instant.now()
                    + "\",\"interval_seconds\":30.0,\"labels\":{\"class\":\"server\",\"org\":\"Fault\",\"site\":\"Test\"},"
                    + "\"host\":{\"hostname\":\"" + device + "\",\"os\":\"Linux\",\"boot_time\":\"" + boot + "\",\"uptime_seconds\":86400.0},"
                    + "\"utilisation\":{\"cpu_ratio\":0.12,\"memory_used_bytes\":4294967296,\"memory_total_bytes\":17179869184},"
                    + "\"power\":{\"watts\":" + (40 + index % 50) + ".0,\"source\":\"model\",\"energy_joules_total\":" + seq * 120.0
                    + ",\"counter_start\":\"" + counterStart + "\"}}";
        }
    }
}
