package io.kilowatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Nothing acknowledged is lost and nothing is counted twice: agents report through a relay while the
 * collector is killed with SIGKILL and restarted several times and the network to it is blackholed.
 * Afterwards every sequence number of every agent is stored exactly once, no report is left behind, and
 * each device's energy equals the increase of its agent's energy counter.
 */
class DeliveryFaultIT {
    private static final int AGENTS = 4;

    @Test
    void everyReportIsStoredExactlyOnceThroughCrashesAndABlackhole() throws Exception {
        Path out = Stack.outputDir("fault");
        Path work = Files.createTempDirectory("kilowatch-fault");
        Path collectorData = work.resolve("collector");
        Path collectorLog = out.resolve("collector.log");
        for (String old : List.of("collector.log", "agent-0.log", "agent-1.log", "agent-2.log", "agent-3.log")) {
            Files.deleteIfExists(out.resolve(old));
        }
        int port = Stack.freePort();
        String direct = "http://127.0.0.1:" + port;
        List<Process> agents = new ArrayList<>();
        Process collector = Stack.collector(port, collectorData, collectorLog);
        try (BlackholeProxy proxy = new BlackholeProxy(port)) {
            Stack.waitUntil("collector healthy", Duration.ofSeconds(60), () -> Stack.status(direct + "/health") == 200);
            for (int i = 0; i < AGENTS; i++) {
                agents.add(Stack.agent("http://127.0.0.1:" + proxy.port(), collectorData, "fault-" + i, work.resolve("agent-" + i), out.resolve("agent-" + i + ".log"),
                        "--set", "collector.timeout=2s", "--set", "collector.retry_max_backoff=3s", "--set", "backlog.batch_reports=20"));
            }
            Thread.sleep(6_000);

            for (int crash = 1; crash <= 3; crash++) {
                collector.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no flush
                Thread.sleep(crash * 1_500L);
                collector = Stack.collector(port, collectorData, collectorLog);
                Stack.waitUntil("collector back after crash " + crash, Duration.ofSeconds(60), () -> Stack.status(direct + "/health") == 200);
                Thread.sleep(4_000);
                if (crash == 2) {
                    proxy.blackhole(true);
                    Thread.sleep(8_000);
                    proxy.blackhole(false);
                    Thread.sleep(4_000);
                }
            }
            for (Process agent : agents) {
                Stack.stop(agent); // SIGTERM: the agent offers its spool one last time
            }
        } finally {
            agents.forEach(Process::destroyForcibly);
        }

        // A clean stop writes every acknowledged report still in the ingest journal into the tables read below (a crash's
        // were written when the collector started again).
        Stack.stop(collector);
        long sent = 0;
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + collectorData.resolve("kilowatch.db"))) {
            for (int i = 0; i < AGENTS; i++) {
                String device = "fault-" + i;
                Properties state = agentState(work.resolve("agent-" + i), device);
                long last = Long.parseLong(state.getProperty("last_sequence"));
                double lastCounter = Double.parseDouble(state.getProperty("energy_joules_total"));
                assertTrue(last >= 20, device + " made only " + last + " reports");
                assertEquals(0, spooled(work.resolve("agent-" + i), device), device + " left reports undelivered");
                assertTrue(Files.readString(out.resolve("agent-" + i + ".log")).contains("reports not delivered; will retry"),
                        device + " never saw a failed delivery: the faults did not reach it");

                long[] stored = row(db, "SELECT COUNT(*), MIN(sequence), MAX(sequence), COUNT(DISTINCT sequence) FROM samples WHERE device_id = ?", device);
                assertEquals(last, stored[0], device + ": every report stored once (" + stored[0] + " of " + last + ")");
                assertEquals(1, stored[1]);
                assertEquals(last, stored[2]);
                assertEquals(last, stored[3]);

                double firstCounter = number(db, "SELECT counter_joules FROM samples WHERE device_id = ? AND sequence = 1", device);
                double storedLastCounter = number(db, "SELECT counter_joules FROM samples WHERE device_id = ? AND sequence = " + last, device);
                double energy = number(db, "SELECT energy_joules_total FROM devices WHERE device_id = ?", device);
                assertEquals(lastCounter, storedLastCounter, 1e-6, device + ": the newest stored counter is the agent's");
                assertEquals(lastCounter - firstCounter, energy, 1e-6, device + ": energy equals the increase of the agent's counter");
                sent += last;
            }
        }
        Files.writeString(out.resolve("summary.txt"), "agents " + AGENTS + ", reports made " + sent + ", stored " + sent + ", lost 0\n");
        System.out.println("delivery fault test: " + AGENTS + " agents, " + sent + " reports made, all stored exactly once, 0 lost");
    }

    private static Properties agentState(Path dataDir, String device) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(dataDir.resolve("state-" + device + ".properties"))));
        return p;
    }

    private static long spooled(Path dataDir, String device) throws IOException {
        try (Stream<Path> files = Files.list(dataDir.resolve("spool-" + device))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json")).count();
        }
    }

    private static long[] row(Connection db, String sql, String device) throws Exception {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            ps.setString(1, device);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                long[] values = new long[rs.getMetaData().getColumnCount()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = rs.getLong(i + 1);
                }
                return values;
            }
        }
    }

    private static double number(Connection db, String sql, String device) throws Exception {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            ps.setString(1, device);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), sql + " found nothing for " + device);
                return rs.getDouble(1);
            }
        }
    }
}
