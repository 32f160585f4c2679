package io.kilowatch.collector;

import static io.kilowatch.collector.estate.Reports.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.collector.store.StoreConfig;
import io.kilowatch.collector.store.StoreKind;
import io.kilowatch.collector.store.TestPostgres;
import io.kilowatch.core.config.Settings;
import io.kilowatch.core.report.Report;
import io.kilowatch.core.report.ReportCodec;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code migrate-store --to URL}: a SQLite store filled by a running collector over HTTP is copied into a real PostgreSQL,
 * and a collector started on that serves the same estate; a database with rows, a running collector and a bad URL are
 * refused with what to do, and leave the target as it was.
 */
@ExtendWith(VertxExtension.class)
class MigrateStoreCommandTest {
    private static final String PASSWORD_ENV = "KILOWATCH_COLLECTOR_STORE_POSTGRESQL_PASSWORD";
    @TempDir
    Path dir;
    private Vertx vertx;
    private WebClient client;
    private Path sqliteDir;
    private StoreConfig target;

    @BeforeEach
    void start(Vertx vertx) {
        this.vertx = vertx;
        this.client = WebClient.create(vertx);
        sqliteDir = dir.resolve("sqlite");
        target = StoreKind.POSTGRESQL.fresh(dir.resolve("pg")).config();
    }

    @AfterEach
    void stop() {
        client.close();
    }

    private record Deployed(String id, int port) {
    }

    /** A collector on the given store settings, as in production: the PostgreSQL password from the environment. */
    private Deployed deploy(Path dataDir, String... keyValues) {
        Settings settings = Settings.parse("", "test", Map.of(PASSWORD_ENV, target.postgresql().password().orElseThrow()), "KILOWATCH_COLLECTOR_")
                .override("http.port", "0").override("data_dir", dataDir.toString()).override("security.agents.require_credentials", "false")
                .override("security.read.anonymous", "true").override("time_zone", "Europe/London");
        for (int i = 0; i < keyValues.length; i += 2) {
            settings.override(keyValues[i], keyValues[i + 1]);
        }
        CollectorVerticle collector = new CollectorVerticle(CollectorConfig.from(settings), Clock.systemUTC());
        return new Deployed(vertx.deployVerticle(collector).await(), collector.actualPort());
    }

    private Deployed deployOnPostgresql() {
        return deploy(dir.resolve("pg"), "store.type", "postgresql", "store.postgresql.url", target.postgresql().url(),
                "store.postgresql.user", target.postgresql().user());
    }

    private JsonObject getObject(int port, String path) {
        HttpResponse<Buffer> r = client.get(port, "127.0.0.1", path).send().await();
        assertEquals(200, r.statusCode(), path + ": " + r.bodyAsString());
        return r.bodyAsJsonObject();
    }

    /** The devices as the API lists them, less availability ratios: their windows end now, so they move between two reads. */
    private JsonArray devices(int port) {
        JsonArray devices = client.get(port, "127.0.0.1", "/api/v1/devices").send().await().bodyAsJsonArray();
        devices.forEach(d -> assertTrue(((JsonObject) d).remove("availability_ratio") != null));
        return devices;
    }

    /** Three devices reporting every 30 minutes for 50 hours: samples over three UTC days, so three partitions. */
    private void sendReports(int port) {
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(50));
        Map<String, Double> watts = Map.of("pc-1", 35.5, "pc-2", 48.25, "srv-1", 212.0);
        watts.forEach((device, w) -> {
            List<Report> reports = new ArrayList<>();
            for (int seq = 1; seq <= 100; seq++) {
                reports.add(report().device(device).sequence(seq).at(start.plus(Duration.ofMinutes(30L * (seq - 1)))).bootedAt(start.minusSeconds(3600))
                        .counterStart(start).counter(w * 1800 * (seq - 1)).watts(w).label("site", device.startsWith("srv") ? "Leeds DC" : "County Hall")
                        .build());
            }
            HttpResponse<Buffer> r = client.post(port, "127.0.0.1", "/api/v1/reports/batch").putHeader("Content-Type", "application/json")
                    .sendBuffer(Buffer.buffer(ReportCodec.batchToJson(reports))).await();
            assertEquals(200, r.statusCode(), r.bodyAsString());
        });
    }

    /** Every table's row count, read with a plain connection. */
    private static Map<String, Long> counts(Connection c, String listTables) throws Exception {
        Map<String, Long> counts = new TreeMap<>();
        List<String> tables = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(listTables)) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        for (String table : tables) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
                rs.next();
                counts.put(table, rs.getLong(1));
            }
        }
        return counts;
    }

    private Map<String, Long> sqliteCounts() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + sqliteDir.resolve("kilowatch.db"))) {
            return counts(c, "SELECT name FROM sqlite_master WHERE type = 'table'");
        }
    }

    private Map<String, Long> postgresqlCounts() throws Exception {
        try (Connection c = postgresql()) {
            return counts(c, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name NOT LIKE 'samples_d%'");
        }
    }

    private Connection postgresql() throws Exception {
        return DriverManager.getConnection(target.postgresql().url(), target.postgresql().user(), target.postgresql().password().orElseThrow());
    }

    private record Run(int exitCode, String out, String err) {
    }

    /** The command as run from a shell, with what it printed. */
    private static Run run(IntSupplier command) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
            int code = command.getAsInt();
            return new Run(code, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private Run migrate(String url, String... more) {
        List<String> args = new ArrayList<>(List.of("--to", url, "--data-dir", sqliteDir.toString()));
        args.addAll(List.of(more));
        return run(() -> CollectorMain.migrateStore(args.toArray(String[]::new), Map.of(PASSWORD_ENV, target.postgresql().password().orElseThrow())));
    }

    private Run migrate() {
        return migrate(target.postgresql().url(), "--set", "store.postgresql.user=" + target.postgresql().user());
    }

    @Test
    void copiesEveryTableAndACollectorOnPostgresqlServesTheSameEstate() throws Exception {
        fillSqliteStore();
        Path history = Files.writeString(dir.resolve("meters.csv"), "scope,subject,start,resolution,energy_kwh\norg,Northshire,2025-03,month,1200\n");
        assertEquals(0, CollectorMain.importHistory(new String[] {history.toString(), "--data-dir", sqliteDir.toString()}, Map.of()));
        Deployed sqlite = deploy(sqliteDir);
        int port = sqlite.port();
        String today = java.time.LocalDate.now(java.time.ZoneId.of("Europe/London")).toString();
        String carbon = "/api/v1/carbon/totals?from=2025-01-01&to=" + today;
        JsonObject estateBefore = getObject(port, "/api/v1/estate");
        JsonArray devicesBefore = devices(port);
        JsonObject carbonBefore = getObject(port, carbon);
        vertx.undeploy(sqlite.id()).await();
        Map<String, Long> before = sqliteCounts();

        Run copy = migrate();
        assertEquals(0, copy.exitCode(), copy.out() + copy.err());
        assertTrue(copy.out().contains("every table's rows and energy and carbon totals match"), copy.out());
        assertTrue(copy.out().lines().anyMatch(l -> l.startsWith("samples") && l.contains("300 rows ->        300") && l.endsWith("ok")), copy.out());

        before.remove("schema_version");
        Map<String, Long> after = postgresqlCounts();
        assertEquals(before.keySet().stream().filter(t -> !t.equals("sqlite_sequence")).toList(),
                after.keySet().stream().filter(t -> !t.equals("schema_version")).toList(), "the same tables");
        before.forEach((table, rows) -> assertEquals(rows, after.get(table), table));
        assertEquals(300, after.get("samples"));
        assertTrue(after.get("rollups") > 0 && after.get("energy_imports") > 0 && after.get("uptime_spans") > 0, after.toString());
        try (Connection c = postgresql(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM pg_inherits WHERE inhparent = 'samples'::regclass")) {
            rs.next();
            assertTrue(rs.getInt(1) >= 3, "a partition a UTC day the samples cover, made as the write path makes them");
        }

        int onPostgresql = deployOnPostgresql().port();
        JsonObject estateAfter = getObject(onPostgresql, "/api/v1/estate");
        assertSameFigures("estate.year", estateBefore.getJsonObject("year"), estateAfter.getJsonObject("year"));
        assertSameFigures("estate.devices", estateBefore.getJsonObject("devices"), estateAfter.getJsonObject("devices"));
        assertSameFigures("estate.power_watts", estateBefore.getDouble("power_watts"), estateAfter.getDouble("power_watts"));
        assertSameFigures("devices", devicesBefore, devices(onPostgresql));
        assertSameFigures("carbon totals, imported history included", carbonBefore, getObject(onPostgresql, carbon));
        assertTrue(carbonBefore.getDouble("energy_kwh") > 1200, carbonBefore.encode());
    }

    /**
     * The same JSON, numbers equal to 1e-12 of their size: sums over the same rows in SQLite's and PostgreSQL's order
     * differ in the last bits of a double.
     */
    private static void assertSameFigures(String where, Object expected, Object actual) {
        if (expected instanceof Number e && actual instanceof Number a) {
            assertEquals(e.doubleValue(), a.doubleValue(), 1e-12 * Math.max(1, Math.abs(e.doubleValue())), where);
        } else if (expected instanceof JsonObject e && actual instanceof JsonObject a) {
            assertEquals(e.fieldNames(), a.fieldNames(), where);
            e.fieldNames().forEach(name -> assertSameFigures(where + "." + name, e.getValue(name), a.getValue(name)));
        } else if (expected instanceof JsonArray e && actual instanceof JsonArray a) {
            assertEquals(e.size(), a.size(), where);
            for (int i = 0; i < e.size(); i++) {
                assertSameFigures(where + "[" + i + "]", e.getValue(i), a.getValue(i));
            }
        } else {
            assertEquals(expected, actual, where);
        }
    }

    /** The SQLite store as a collector leaves it: filled over HTTP, then the collector stopped. */
    private void fillSqliteStore() {
        Deployed sqlite = deploy(sqliteDir);
        sendReports(sqlite.port());
        vertx.undeploy(sqlite.id()).await();
    }

    @Test
    void refusesADatabaseWithRowsAndLeavesItAsItWas() throws Exception {
        fillSqliteStore();
        Deployed onPostgresql = deployOnPostgresql();
        HttpResponse<Buffer> stored = client.post(onPostgresql.port(), "127.0.0.1", "/api/v1/reports").putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer(ReportCodec.toJson(report().device("pc-9").at(Instant.now().minusSeconds(60)).build()))).await();
        assertEquals(201, stored.statusCode(), stored.bodyAsString());
        vertx.undeploy(onPostgresql.id()).await();
        Map<String, Long> before = postgresqlCounts();

        // The role and password in the URL this time, nothing in the config or environment.
        String url = target.postgresql().url() + "?user=" + target.postgresql().user() + "&password=" + target.postgresql().password().orElseThrow();
        Run refused = run(() -> CollectorMain.migrateStore(new String[] {"--to", url, "--data-dir", sqliteDir.toString()}, Map.of()));
        assertEquals(1, refused.exitCode(), refused.out() + refused.err());
        assertTrue(refused.err().contains("refused: the target database is not empty (rows in ") && refused.err().contains("devices"), refused.err());
        assertFalse(refused.err().contains(target.postgresql().password().orElseThrow()), "the URL's password is never printed");
        assertEquals(before, postgresqlCounts());
    }

    @Test
    void writesNothingToADatabaseThatIsNotAStore() throws Exception {
        fillSqliteStore();
        try (Connection c = postgresql(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)");
            s.execute("INSERT INTO invoices VALUES (1)");
        }
        Run refused = migrate();
        assertEquals(1, refused.exitCode(), refused.out() + refused.err());
        assertTrue(refused.err().contains("rows in invoices"), refused.err());
        assertEquals(Map.of("invoices", 1L), postgresqlCounts(), "not even the schema was made");
    }

    @Test
    void refusesWhileACollectorHasTheStoreOpen() throws Exception {
        fillSqliteStore();
        // Another process, as a running collector is: SQLite's own shell holding the file open.
        Process shell = new ProcessBuilder("sqlite3", sqliteDir.resolve("kilowatch.db").toString()).redirectErrorStream(true).start();
        try {
            shell.getOutputStream().write("SELECT COUNT(*) FROM samples;\n".getBytes(StandardCharsets.UTF_8));
            shell.getOutputStream().flush();
            assertEquals("300", new java.io.BufferedReader(new java.io.InputStreamReader(shell.getInputStream(), StandardCharsets.UTF_8)).readLine());
            Run refused = migrate();
            assertEquals(1, refused.exitCode(), refused.out() + refused.err());
            assertTrue(refused.err().contains("is open in another process, a running collector say: stop it first"), refused.err());
        } finally {
            shell.getOutputStream().close();
            assertTrue(shell.waitFor(10, java.util.concurrent.TimeUnit.SECONDS));
        }
        assertEquals(Map.of(), postgresqlCounts(), "nothing made in the target");
        assertEquals(0, migrate().exitCode(), "once it is closed, the copy goes ahead");
    }

    @Test
    void aBadUrlOrNoRoleSaysWhatIsWrong() throws Exception {
        Files.createDirectories(sqliteDir);
        Run notJdbc = migrate("postgres://db.example/kilowatch", "--set", "store.postgresql.user=kilowatch");
        assertEquals(2, notJdbc.exitCode());
        assertTrue(notJdbc.err().contains("--to must be a JDBC URL such as jdbc:postgresql://"), notJdbc.err());

        Run noRole = migrate(target.postgresql().url());
        assertEquals(2, noRole.exitCode());
        assertTrue(noRole.err().contains("store.postgresql.user or in the URL"), noRole.err());

        Run noTarget = run(() -> CollectorMain.migrateStore(new String[] {"--data-dir", sqliteDir.toString()}, Map.of()));
        assertEquals(2, noTarget.exitCode());
        assertTrue(noTarget.err().contains("--to jdbc:postgresql://"), noTarget.err());

        fillSqliteStore();
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Run unreachable = migrate("jdbc:postgresql://127.0.0.1:" + closedPort + "/kilowatch", "--set", "store.postgresql.user=kilowatch");
        assertEquals(1, unreachable.exitCode());
        assertTrue(unreachable.err().contains("cannot connect to the PostgreSQL database at jdbc:postgresql://127.0.0.1:" + closedPort
                + "/kilowatch as kilowatch: Connection to 127.0.0.1:" + closedPort + " refused"), unreachable.err());
    }
}
