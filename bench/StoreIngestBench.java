import io.kilowatch.collector.carbon.IntensityCache;
import io.kilowatch.collector.estate.EstateStore;
import io.kilowatch.collector.estate.ReportAccounting;
import io.kilowatch.collector.store.JdbcStore;
import io.kilowatch.core.carbon.AnnualGridFactors;
import io.kilowatch.core.carbon.CarbonPolicy;
import io.kilowatch.core.carbon.SiteCarbon;
import io.kilowatch.core.carbon.Tariff;
import io.kilowatch.core.report.Report;
import io.kilowatch.core.report.ReportCodec;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The embedded store's ingest alone, without HTTP or threads: what storing a report costs. Each round, every device
 * sends one report (the JSON of bench/ingest-wrk.lua, parsed as the collector parses it), stored in commits of
 * {@code group} reports on the embedded store (SQLite, WAL, full sync) on this thread, as commands and tests store them:
 * each group journaled, then written into the tables at once. (The collector acknowledges on a thread of its own and
 * writes the journal into the tables in batches on its writer, beside it: bench/ingest-wrk.sh measures that.) The peer is the floor under that: the same reports as rows of one table
 * keyed by (device, sequence), durably committed in the same groups, and nothing else. Prints the medians of the
 * rounds after the first two (the first makes every device; both warm the JIT) and the disk written per report.
 *   java -cp collector/target/kilowatch-collector.jar bench/StoreIngestBench.java [devices=10000] [group=25] [rounds=12]
 */
public class StoreIngestBench {
    private static final ZoneId LONDON = ZoneId.of("Europe/London");

    public static void main(String[] args) throws Exception {
        int devices = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int group = args.length > 1 ? Integer.parseInt(args[1]) : 25;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 12;
        if (devices < 1 || group < 1 || rounds < 3) {
            System.err.println("usage: StoreIngestBench [devices >= 1] [group >= 1] [rounds >= 3: the first two only warm up]");
            System.exit(2);
        }
        Instant start = Instant.now().minusSeconds(15L * rounds + 3_600);
        ReportAccounting accounting = new ReportAccounting(new CarbonPolicy(new SiteCarbon(AnnualGridFactors.ukDesnz(),
                AnnualGridFactors.ukDesnzTdLosses(), "13", 1.0, Tariff.flat("contract", 0.25)), Map.of(), LONDON), LONDON, new IntensityCache());

        Path dir = Files.createTempDirectory("kilowatch-store-bench");
        double[][] kilowatch;
        try (JdbcStore store = JdbcStore.sqlite(dir.resolve("kilowatch"))) {
            kilowatch = rounds(devices, group, rounds, start, batch -> {
                List<EstateStore.Pending> pending = new ArrayList<>();
                for (Report r : batch) {
                    long received = r.timestamp().toEpochMilli();
                    pending.add(new EstateStore.Pending(r.deviceId(), r.sequence(), r.host().bootTime().toEpochMilli(), received,
                            (previous, metered) -> accounting.plan(r, previous, received, null, metered)));
                }
                store.ingest(pending).await();
            });
        }
        double[][] floor;
        Files.createDirectories(dir.resolve("floor"));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("floor/floor.db"))) {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=FULL");
                s.execute("CREATE TABLE samples (device_id VARCHAR(128) NOT NULL, sequence BIGINT NOT NULL, ts_ms BIGINT NOT NULL, "
                        + "power_watts DOUBLE PRECISION NOT NULL, cpu_ratio DOUBLE PRECISION NOT NULL, boot_time_ms BIGINT NOT NULL, "
                        + "counter_joules DOUBLE PRECISION NOT NULL, PRIMARY KEY (device_id, sequence))");
            }
            c.setAutoCommit(false);
            PreparedStatement insert = c.prepareStatement("INSERT INTO samples VALUES (?, ?, ?, ?, ?, ?, ?)");
            floor = rounds(devices, group, rounds, start, batch -> {
                for (Report r : batch) {
                    insert.setString(1, r.deviceId());
                    insert.setLong(2, r.sequence());
                    insert.setLong(3, r.timestamp().toEpochMilli());
                    insert.setDouble(4, r.power().watts());
                    insert.setDouble(5, r.utilisation().cpuRatio());
                    insert.setLong(6, r.host().bootTime().toEpochMilli());
                    insert.setDouble(7, r.power().energyJoulesTotal());
                    insert.executeUpdate();
                }
                c.commit();
            });
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
        System.out.printf("embedded store ingest (journal, then tables), %d devices, %d reports a commit, medians of rounds 3-%d%n", devices, group, rounds);
        System.out.printf("%-36s %14s %14s %8s%n", "", "kilowatch", "floor", "ratio");
        String[] figures = {"CPU us per report", "wall us per report", "disk written KiB per report"};
        for (int i = 0; i < figures.length; i++) {
            System.out.printf("%-36s %14.1f %14.1f %8.2f%n", figures[i], kilowatch[i][0], floor[i][0], kilowatch[i][0] / floor[i][0]);
        }
    }

    private interface Commit {
        void store(List<Report> batch) throws Exception;
    }

    /** The medians of CPU, wall time and bytes written per report over the rounds after the first two. */
    private static double[][] rounds(int devices, int group, int rounds, Instant start, Commit commit) throws Exception {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        double[][] perRound = new double[3][rounds - 2];
        for (int round = 1; round <= rounds; round++) {
            // parsed before the clock starts: the event loop parses, not the writer
            List<Report> reports = new ArrayList<>(devices);
            for (int d = 0; d < devices; d++) {
                reports.add(ReportCodec.fromJson(report("bench-" + d, round, start.plusSeconds(15L * round), start.minusSeconds(86_400), 40 + d % 50)));
            }
            long cpu = threads.getCurrentThreadCpuTime();
            long wall = System.nanoTime();
            long written = bytesWritten();
            for (int from = 0; from < devices; from += group) {
                commit.store(reports.subList(from, Math.min(devices, from + group)));
            }
            if (round > 2) {
                perRound[0][round - 3] = (threads.getCurrentThreadCpuTime() - cpu) / 1e3 / devices;
                perRound[1][round - 3] = (System.nanoTime() - wall) / 1e3 / devices;
                perRound[2][round - 3] = (bytesWritten() - written) / 1024.0 / devices;
            }
        }
        double[][] medians = new double[3][1];
        for (int i = 0; i < 3; i++) {
            Arrays.sort(perRound[i]);
            medians[i][0] = perRound[i][perRound[i].length / 2];
        }
        return medians;
    }

    /** As bench/ingest-wrk.lua sends it. */
    private static String report(String device, long sequence, Instant at, Instant boot, int watts) {
        return """
                {"schema_version":1,"device_id":"%s","sequence":%d,"timestamp":"%s","interval_seconds":15.0,
                 "labels":{"class":"desktop","org":"Load","site":"Bench"},
                 "host":{"hostname":"%s","os":"Windows 11","boot_time":"%s","uptime_seconds":86400.0,"sessions":1},
                 "utilisation":{"cpu_ratio":0.12,"memory_used_bytes":4294967296,"memory_total_bytes":17179869184},
                 "power":{"watts":%d,"source":"model","energy_joules_total":%d,"counter_start":"%s"}}"""
                .formatted(device, sequence, at, device, boot, watts, sequence * 600, boot);
    }

    /** What this process has written to disk so far (Linux); 0 elsewhere. */
    private static long bytesWritten() {
        try {
            return Files.readAllLines(Path.of("/proc/self/io")).stream().filter(l -> l.startsWith("write_bytes:"))
                    .mapToLong(l -> Long.parseLong(l.substring(12).trim())).findFirst().orElse(0);
        } catch (Exception e) {
            return 0;
        }
    }
}
