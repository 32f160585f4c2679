import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Random;

/**
 * Carbon reporting benchmark, run on demand by bench/carbon-report.sh: fills a stopped collector's store
 * with a year and more of day rollups and known-off days for an estate of N devices ("seed"), or times the
 * carbon endpoints of a running collector ("time"). Prints milliseconds per request (best and median of 5).
 */
public class CarbonReportLoad {
    public static void main(String[] args) throws Exception {
        if (args[0].equals("seed")) {
            seed(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
        } else {
            time(args[1]);
        }
    }

    static void seed(Path dataDir, int devices, int days) throws Exception {
        Random random = new Random(1);
        String[] classes = {"desktop", "desktop", "desktop", "laptop", "laptop", "server", "switch", "thin_client"};
        String[] orgs = {"Council A", "Council B", "Shared ICT"};
        String[] sites = {"County Hall", "Depot", "Library", "Leeds DC"};
        LocalDate last = LocalDate.now(ZoneOffset.UTC);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("kilowatch.db").toAbsolutePath())) {
            c.setAutoCommit(false);
            try (PreparedStatement d = c.prepareStatement("INSERT INTO devices (device_id, hostname, os, org, site, device_class, "
                    + "first_seen_ms, last_seen_ms, received_ms, last_sequence, interval_ms, boot_time_ms, power_watts, power_source, "
                    + "cpu_ratio, counter_start_ms, counter_joules, energy_joules_total, carbon_grams_total) "
                    + "VALUES (?, ?, 'Linux', ?, ?, ?, ?, ?, ?, 1, 15000, 0, 50, 'model', 0.1, 0, 0, 0, 0)");
                 PreparedStatement r = c.prepareStatement("INSERT INTO rollups (device_id, period, bucket_start_ms, energy_joules, "
                         + "carbon_grams, overhead_joules, overhead_carbon_grams, td_carbon_grams, fallback_joules, cost_gbp) "
                         + "VALUES (?, 'day', ?, ?, ?, 0, 0, ?, 0, ?)");
                 PreparedStatement o = c.prepareStatement("INSERT INTO device_off_days (device_id, day_start_ms, off_seconds) VALUES (?, ?, ?)")) {
                long firstSeen = last.minusDays(days).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
                for (int i = 0; i < devices; i++) {
                    String id = "bench-" + i;
                    d.setString(1, id);
                    d.setString(2, id);
                    d.setString(3, orgs[i % orgs.length]);
                    d.setString(4, sites[i % sites.length]);
                    d.setString(5, classes[i % classes.length]);
                    for (int k = 6; k <= 8; k++) {
                        d.setLong(k, firstSeen);
                    }
                    d.addBatch();
                    for (int day = 0; day < days; day++) {
                        long start = last.minusDays(day).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
                        double joules = 3.6e6 * (0.2 + random.nextDouble());
                        r.setString(1, id);
                        r.setLong(2, start);
                        r.setDouble(3, joules);
                        r.setDouble(4, joules / 3.6e6 * 177);
                        r.setDouble(5, joules / 3.6e6 * 18);
                        r.setDouble(6, joules / 3.6e6 * 0.25);
                        r.addBatch();
                        o.setString(1, id);
                        o.setLong(2, start);
                        o.setDouble(3, 14 * 3600);
                        o.addBatch();
                    }
                    if (i % 100 == 99) {
                        d.executeBatch();
                        r.executeBatch();
                        o.executeBatch();
                    }
                }
                d.executeBatch();
                r.executeBatch();
                o.executeBatch();
            }
            c.commit();
        }
        System.out.printf("seeded %d devices x %d days: %d day rollups, %d off days%n", devices, days, (long) devices * days, (long) devices * days);
    }

    static void time(String base) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        int year = LocalDate.now(ZoneOffset.UTC).getYear();
        for (String path : new String[] {"/api/v1/carbon/report?year=" + year, "/api/v1/carbon/report?year=" + year + "&format=csv",
                "/api/v1/carbon/trajectory", "/api/v1/carbon/summary", "/api/v1/carbon/totals", "/api/v1/carbon/embodied"}) {
            long[] ms = new long[5];
            int bytes = 0;
            for (int i = 0; i < ms.length; i++) {
                long t = System.nanoTime();
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
                ms[i] = (System.nanoTime() - t) / 1_000_000;
                if (response.statusCode() != 200) {
                    throw new IllegalStateException(path + ": HTTP " + response.statusCode() + " " + response.body());
                }
                bytes = response.body().length();
            }
            java.util.Arrays.sort(ms);
            System.out.printf("%-45s best %5d ms  median %5d ms  (%d bytes)%n", path, ms[0], ms[2], bytes);
        }
    }
}
