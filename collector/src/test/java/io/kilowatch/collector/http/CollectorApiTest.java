package io.kilowatch.collector.http;

import static io.kilowatch.collector.estate.Reports.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.core.credential.Credentials;
import io.kilowatch.core.report.Report;
import io.kilowatch.core.report.ReportCodec;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The collector deployed for real on a free loopback port, driven over HTTP. */
@ExtendWith(VertxExtension.class)
class CollectorApiTest {
    private static final int MAX_BODY = 65_536;

    @TempDir
    Path dataDir;
    private Vertx vertx;
    private WebClient client;
    private String deploymentId;
    private int port;
    private Enrolment agents;
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    @BeforeEach
    void start(Vertx vertx) {
        this.vertx = vertx;
        this.client = WebClient.create(vertx);
        deploy();
    }

    @AfterEach
    void stop() {
        client.close();
    }

    private void deploy() {
        TestCollector collector = TestCollector.deploy(vertx, dataDir, "security.read.anonymous", "true",
                "time_zone", "Europe/London", "sites.Leeds DC.pue", "1.5");
        deploymentId = collector.deploymentId();
        port = collector.port();
        agents = agents == null ? new Enrolment(client, port, dataDir) : agents.atPort(port);
    }

    private HttpResponse<Buffer> post(String body, String contentType) {
        return post(body, contentType, agents.bearer("pc-1"));
    }

    private HttpResponse<Buffer> post(String body, String contentType, String authorization) {
        var request = client.post(port, "127.0.0.1", "/api/v1/reports");
        if (authorization != null) {
            request.putHeader("Authorization", authorization);
        }
        if (contentType != null) {
            request.putHeader("Content-Type", contentType);
        }
        return request.sendBuffer(Buffer.buffer(body)).await();
    }

    private HttpResponse<Buffer> post(Report r) {
        return post(ReportCodec.toJson(r), "application/json", agents.bearer(r.deviceId()));
    }

    private HttpResponse<Buffer> postBatch(String body) {
        return client.post(port, "127.0.0.1", "/api/v1/reports/batch").putHeader("Content-Type", "application/json")
                .putHeader("Authorization", agents.bearer("pc-1")).sendBuffer(Buffer.buffer(body)).await();
    }

    private HttpResponse<Buffer> get(String path) {
        return client.get(port, "127.0.0.1", path).send().await();
    }

    private Report reportAt(long sequence, double counterJoules) {
        return report().sequence(sequence).at(now.minusSeconds(60 - 15 * sequence)).bootedAt(now.minusSeconds(7200))
                .counter(counterJoules).watts(35.5).build();
    }

    private static double metric(String metrics, String name, String device) {
        Matcher m = Pattern.compile("^" + name + "\\{[^}]*device=\"" + device + "\"[^}]*} (\\S+)$", Pattern.MULTILINE).matcher(metrics);
        assertTrue(m.find(), name + " for " + device + " missing from:\n" + metrics);
        return Double.parseDouble(m.group(1));
    }

    /** Prometheus asks for gzip; the body comes compressed once (by the scrape's worker, not again by the server), and is the same text. */
    @Test
    void metricsAreGzippedWhenAskedAndPlainOtherwise() throws Exception {
        assertEquals(201, post(reportAt(1, 1_000)).statusCode());
        String line = "kilowatch_device_power_watts{class=\"desktop\",device=\"pc-1\",org=\"Northshire\",site=\"County Hall\",source=\"model\"} 35.5\n";
        HttpResponse<Buffer> plain = get("/metrics");
        assertNull(plain.getHeader("Content-Encoding"));
        assertTrue(plain.bodyAsString().contains(line), plain.bodyAsString());

        HttpResponse<Buffer> zipped = client.get(port, "127.0.0.1", "/metrics").putHeader("Accept-Encoding", "gzip").send().await();
        assertEquals(200, zipped.statusCode());
        assertEquals("gzip", zipped.getHeader("Content-Encoding"));
        assertEquals("Accept-Encoding", zipped.getHeader("Vary"));
        assertTrue(zipped.getHeader("Content-Type").startsWith("text/plain; version=0.0.4"));
        String unzipped;
        try (java.util.zip.GZIPInputStream in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(zipped.body().getBytes()))) {
            unzipped = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        assertTrue(unzipped.contains(line), unzipped);
        assertTrue(zipped.body().length() < unzipped.length() / 3, "compressed " + zipped.body().length() + " of " + unzipped.length() + " bytes");

        HttpResponse<Buffer> refused = client.get(port, "127.0.0.1", "/metrics").putHeader("Accept-Encoding", "gzip;q=0, identity").send().await();
        assertNull(refused.getHeader("Content-Encoding"));
        assertTrue(refused.bodyAsString().contains(line));
    }

    @Test
    void aStoredReportShowsInTheApiAndMetrics() {
        assertEquals(201, post(reportAt(1, 1_000)).statusCode());
        HttpResponse<Buffer> second = post(reportAt(2, 1_540));
        assertEquals(201, second.statusCode());
        assertEquals("stored", second.bodyAsJsonObject().getString("status"));
        assertEquals(2, second.bodyAsJsonObject().getLong("last_sequence"));

        JsonArray devices = get("/api/v1/devices").bodyAsJsonArray();
        assertEquals(1, devices.size());
        JsonObject d = devices.getJsonObject(0);
        assertEquals("pc-1", d.getString("device_id"));
        assertEquals(540.0, d.getDouble("energy_joules_total"), 1e-9);
        assertEquals(35.5, d.getDouble("power_watts"), 1e-9);
        assertEquals("model", d.getString("power_source"));
        assertTrue(d.getBoolean("up"));
        assertEquals(1.0, d.getJsonObject("availability_ratio").getDouble("24h"), 1e-9);
        assertTrue(d.getString("carbon_method").startsWith("location-based; ") && d.getString("carbon_method").contains("UK DESNZ"),
                d.getString("carbon_method"));

        assertEquals(200, get("/api/v1/devices/pc-1").statusCode());
        assertEquals(404, get("/api/v1/devices/nope").statusCode());

        String metrics = get("/metrics").bodyAsString();
        assertEquals(540.0, metric(metrics, "kilowatch_device_energy_joules_total", "pc-1"), 1e-9);
        assertEquals(1.0, metric(metrics, "kilowatch_device_up", "pc-1"));
        assertEquals(35.5, metric(metrics, "kilowatch_device_power_watts", "pc-1"));
        assertEquals(0.25, metric(metrics, "kilowatch_device_cpu_utilization_ratio", "pc-1"));
        assertEquals(now.minusSeconds(7200).getEpochSecond(), metric(metrics, "kilowatch_device_boot_time_seconds", "pc-1"));
        assertTrue(metric(metrics, "kilowatch_device_carbon_grams_total", "pc-1") > 0);
        assertTrue(metrics.contains("kilowatch_device_power_watts{class=\"desktop\",device=\"pc-1\",org=\"Northshire\",site=\"County Hall\",source=\"model\"}"),
                metrics);
        assertTrue(metrics.contains("kilowatch_device_availability_ratio{class=\"desktop\",device=\"pc-1\",org=\"Northshire\",site=\"County Hall\",window=\"30d\"} 1.0"));

        JsonObject estate = get("/api/v1/estate").bodyAsJsonObject();
        assertEquals(1, estate.getJsonObject("devices").getInteger("up"));
        assertEquals(35.5, estate.getDouble("power_watts"), 1e-9);
        assertEquals(540.0 / 3_600_000, estate.getJsonObject("year").getDouble("energy_kwh"), 1e-12);
        // pc-1 reports with a power model: all of its energy is modelled.
        JsonObject quality = estate.getJsonObject("year").getJsonObject("data_quality");
        assertEquals(1.0, quality.getDouble("modelled_ratio"), 1e-12, quality.encode());
        assertEquals(0.0, quality.getDouble("measured_ratio"), 1e-12);
        assertEquals(0.0, quality.getDouble("unknown_ratio"), 1e-12);

        JsonObject series = get("/api/v1/devices/pc-1/series?range=1h").bodyAsJsonObject();
        assertFalse(series.getJsonArray("points").isEmpty());
        assertEquals(400, get("/api/v1/estate/series?range=2y").statusCode());
        assertEquals(200, get("/health").statusCode());
    }

    @Test
    void aDesktopThatSleptAndStoppedCleanlyIsChargedSleepPowerAndShownOffNotDown() {
        Instant boot = now.minus(Duration.ofHours(4));
        Instant first = now.minus(Duration.ofHours(3));
        assertEquals(201, post(report().sequence(1).at(first).bootedAt(boot).counter(1_000).build()).statusCode());
        Instant fellAsleep = first.plusSeconds(15);
        Instant woke = now.minus(Duration.ofHours(2));
        HttpResponse<Buffer> stored = post(report().sequence(2).at(now.minus(Duration.ofHours(1))).bootedAt(boot).counter(1_540)
                .slept(fellAsleep, woke).stopping().build());
        assertEquals(201, stored.statusCode(), stored.bodyAsString());

        JsonObject d = get("/api/v1/devices/pc-1").bodyAsJsonObject();
        double asleepSeconds = Duration.between(fellAsleep, woke).toSeconds();
        assertEquals(540 + 4.0 * asleepSeconds, d.getDouble("energy_joules_total"), 1e-6, "the sleep at the desktop's 4 W");
        assertFalse(d.getBoolean("up"));
        assertTrue(d.getBoolean("expected_off"), "stopped cleanly: off as a desktop may be, not down");
        assertEquals(1.0, d.getJsonObject("availability_ratio").getDouble("24h"), 1e-9, "neither the sleep nor the stop is down time");

        HttpResponse<Buffer> old = post(ReportCodec.toJson(report().sequence(3).at(now).bootedAt(boot).counter(1_600).slept(woke, woke.plusSeconds(60))
                .build()).replace("\"schema_version\":2", "\"schema_version\":1"), "application/json");
        assertEquals(400, old.statusCode());
        assertTrue(old.bodyAsString().contains("need schema_version 2"), old.bodyAsString());
    }

    @Test
    void theDeviceListIsFilteredAndPagedOnTheServer() {
        for (int i = 1; i <= 5; i++) {
            assertEquals(201, post(report().device("pc-" + i).at(now).bootedAt(now.minusSeconds(7200))
                    .label("site", i <= 3 ? "County Hall" : "Depot").label("class", i == 5 ? "laptop" : "desktop").build()).statusCode());
        }
        // a server silent for an hour: down (a desktop silent out of hours would be expected off)
        assertEquals(201, post(report().device("pc-6").at(now.minusSeconds(3600)).bootedAt(now.minusSeconds(7200)).label("org", "Southshire")
                .label("class", "server").build())
                .statusCode());

        assertEquals(6, get("/api/v1/devices").bodyAsJsonArray().size(), "without parameters: every device, as before");
        assertEquals(List.of("pc-4", "pc-5"), ids(get("/api/v1/devices?site=Depot").bodyAsJsonArray()), "filters alone keep the array");

        JsonObject page = get("/api/v1/devices?org=Northshire&limit=2&offset=2").bodyAsJsonObject();
        assertEquals(5, page.getInteger("total"));
        assertEquals(2, page.getInteger("offset"));
        assertEquals(2, page.getInteger("limit"));
        assertEquals(List.of("pc-3", "pc-4"), ids(page.getJsonArray("devices")));
        assertEquals(new JsonArray(List.of("Northshire", "Southshire")), page.getJsonObject("labels").getJsonArray("org"));
        assertEquals(new JsonArray(List.of("County Hall", "Depot")), page.getJsonObject("labels").getJsonArray("site"));
        assertEquals(new JsonArray(List.of("desktop", "laptop", "server")), page.getJsonObject("labels").getJsonArray("class"));
        assertEquals(List.of(), ids(get("/api/v1/devices?limit=10&offset=99").bodyAsJsonObject().getJsonArray("devices")), "past the end: empty");

        assertEquals(List.of("pc-6"), ids(get("/api/v1/devices?state=down&limit=10").bodyAsJsonObject().getJsonArray("devices")));
        assertEquals(List.of("pc-5"), ids(get("/api/v1/devices?state=up&class=laptop").bodyAsJsonArray()));
        assertEquals(List.of("pc-2"), ids(get("/api/v1/devices?q=C-2").bodyAsJsonArray()), "search ignores case, in hostname and id");
        assertEquals(List.of("pc-1", "pc-2", "pc-3", "pc-6"), ids(get("/api/v1/devices?site=County%20Hall&q=pc&offset=0").bodyAsJsonObject()
                .getJsonArray("devices")), "offset alone pages with the default limit");

        for (String bad : List.of("state=sleeping", "limit=0", "limit=1001", "offset=-1", "limit=ten", "colour=red")) {
            HttpResponse<Buffer> response = get("/api/v1/devices?" + bad);
            assertEquals(400, response.statusCode(), bad);
            String name = bad.substring(0, bad.indexOf('='));
            assertTrue(response.bodyAsJsonObject().getString("error").contains(name), response.bodyAsString());
        }
    }

    @Test
    void filterCountsAndRowsAgreeThatADesktopStoppedCleanlyIsExpectedOffNotDown() {
        assertEquals(201, post(report().device("desk-on").at(now).bootedAt(now.minusSeconds(7200)).build()).statusCode());
        assertEquals(201, post(report().device("desk-off").at(now.minusSeconds(3600)).bootedAt(now.minusSeconds(7200)).stopping().build())
                .statusCode());
        assertEquals(201, post(report().device("srv").at(now.minusSeconds(3600)).bootedAt(now.minusSeconds(7200)).label("class", "server")
                .stopping().build()).statusCode());

        assertEquals(List.of("srv"), ids(get("/api/v1/devices?state=down").bodyAsJsonArray()), "a server stopped is down; a desktop is not");
        JsonObject off = get("/api/v1/devices?state=expected_off&limit=10").bodyAsJsonObject();
        assertEquals(List.of("desk-off"), ids(off.getJsonArray("devices")));
        assertTrue(off.getJsonArray("devices").getJsonObject(0).getBoolean("expected_off"));
        assertEquals(List.of("desk-on"), ids(get("/api/v1/devices?state=up").bodyAsJsonArray()));

        JsonObject counts = get("/api/v1/estate").bodyAsJsonObject().getJsonObject("devices");
        for (String state : List.of("up", "down", "expected_off")) {
            assertEquals(1, counts.getInteger(state), "the overview counts as the filter selects: " + counts);
        }
        assertEquals(3, counts.getInteger("total"));
    }

    @Test
    void liveUpdatesCarryOnlyTheDevicesThatChanged() throws Exception {
        for (String device : List.of("pc-1", "pc-2")) {
            assertEquals(201, post(report().device(device).at(now).bootedAt(now.minusSeconds(7200)).build()).statusCode());
        }
        StringBuffer stream = new StringBuffer();
        HttpClient http = vertx.createHttpClient();
        try {
            listen(http, stream);
            JsonObject first = waitForEvent(stream, e -> true);
            assertEquals(List.of(), ids(first.getJsonArray("devices")), "a new client reads the device list in pages, not from the stream");
            assertEquals(2, first.getJsonObject("estate").getJsonObject("devices").getInteger("total"));

            assertEquals(201, post(report().device("pc-2").sequence(2).at(now.plusSeconds(1)).bootedAt(now.minusSeconds(7200)).counter(300).build())
                    .statusCode());
            JsonObject delta = waitForEvent(stream, e -> !e.getJsonArray("devices").isEmpty());
            assertEquals(List.of("pc-2"), ids(delta.getJsonArray("devices")), "only the device that reported");
            assertEquals(2, delta.getJsonArray("devices").getJsonObject(0).getLong("last_sequence"));
            assertFalse(delta.getBoolean("devices_truncated"));
        } finally {
            http.close();
        }
    }

    @Test
    void aDeviceGoingDownWithTimeAloneReachesEveryClientThoughAnotherConnectsMeanwhile() throws Exception {
        StringBuffer first = new StringBuffer();
        StringBuffer second = new StringBuffer();
        HttpClient http = vertx.createHttpClient();
        try {
            listen(http, first);
            waitForEvent(first, e -> true);
            // 15 s reports, 3 missed allowed: down 45 s after this one, a few seconds from now
            Instant reported = Instant.now().minusSeconds(41);
            assertEquals(201, post(report().device("fading").at(reported).bootedAt(reported.minusSeconds(3600)).label("class", "server").build())
                    .statusCode());
            assertTrue(waitForEvent(first, e -> ids(e.getJsonArray("devices")).contains("fading")).getJsonArray("devices")
                    .getJsonObject(0).getBoolean("up"));
            Thread.sleep(Math.max(0, Duration.between(Instant.now(), reported.plusSeconds(46)).toMillis()));

            // a client connecting after the change, before the next event, has its own first event
            listen(http, second);
            waitForEvent(second, e -> true);
            assertEquals(201, post(report().device("other").at(Instant.now()).bootedAt(now.minusSeconds(60)).build()).statusCode());
            JsonObject other = waitForEvent(first, e -> ids(e.getJsonArray("devices")).contains("other"));
            // by that event at the latest (a refresh may have sent it before), the first client heard fading go down
            List<JsonObject> sent = events(first);
            assertTrue(sent.subList(0, sent.indexOf(other) + 1).stream().anyMatch(e -> e.getJsonArray("devices").stream()
                    .map(JsonObject.class::cast).anyMatch(d -> d.getString("device_id").equals("fading") && !d.getBoolean("up"))),
                    "the first client was never sent that fading went down: " + first);
        } finally {
            http.close();
        }
    }

    private void listen(HttpClient http, StringBuffer stream) {
        http.request(HttpMethod.GET, port, "127.0.0.1", "/api/v1/events")
                .compose(request -> request.send().onSuccess(response -> response.handler(chunk -> stream.append(chunk.toString()))))
                .await();
    }

    private static JsonObject waitForEvent(StringBuffer stream, java.util.function.Predicate<JsonObject> wanted) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            var event = events(stream).stream().filter(wanted).findFirst();
            if (event.isPresent()) {
                return event.get();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no such live event in:\n" + stream);
    }

    /** The live events received so far, in order. */
    private static List<JsonObject> events(StringBuffer stream) {
        List<JsonObject> events = new ArrayList<>();
        Matcher m = Pattern.compile("event: update\ndata: (.*)\n\n").matcher(stream);
        while (m.find()) {
            events.add(new JsonObject(m.group(1)));
        }
        return events;
    }

    private static List<String> ids(JsonArray devices) {
        return devices.stream().map(d -> ((JsonObject) d).getString("device_id")).toList();
    }

    @Test
    void aResentReportIsAcknowledgedButNotCountedTwice() {
        post(reportAt(1, 1_000));
        post(reportAt(2, 1_540));
        HttpResponse<Buffer> again = post(reportAt(2, 1_540));
        assertEquals(200, again.statusCode());
        assertTrue(again.bodyAsJsonObject().getBoolean("duplicate"));
        assertEquals("duplicate", again.bodyAsJsonObject().getString("status"), "the same report: the agent just settles it");
        assertEquals(540.0, get("/api/v1/devices/pc-1").bodyAsJsonObject().getDouble("energy_joules_total"), 1e-9);
        assertTrue(get("/metrics").bodyAsString().contains("kilowatch_ingest_reports_total{outcome=\"duplicate\"} 1.0"));
    }

    @Test
    void anotherReportUnderAStoredSequenceIsToldTheNumberIsTaken() {
        post(reportAt(1, 1_000));
        post(reportAt(2, 1_540));
        // an agent that lost its state starts numbering again, with reports made now
        HttpResponse<Buffer> renumbered = post(report().sequence(1).at(now).bootedAt(now.minusSeconds(7200)).counter(1_600).watts(35.5).build());
        assertEquals(200, renumbered.statusCode());
        assertEquals("sequence_taken", renumbered.bodyAsJsonObject().getString("status"));
        assertEquals(2, renumbered.bodyAsJsonObject().getLong("last_sequence"));
        assertEquals(540.0, get("/api/v1/devices/pc-1").bodyAsJsonObject().getDouble("energy_joules_total"), 1e-9, "nothing stored");
    }

    @Test
    void badInputGetsAClearClientErrorAndChangesNothing() {
        post(reportAt(1, 1_000));
        post(reportAt(2, 1_540));
        String before = get("/api/v1/devices").bodyAsString();
        String valid = ReportCodec.toJson(reportAt(3, 2_000));
        record Case(String name, String body, String contentType, int status, String mentions) {
        }
        List<Case> cases = List.of(
                new Case("malformed JSON", "{\"schema_version\":1,", "application/json", 400, "malformed"),
                new Case("not an object", "[1,2,3]", "application/json", 400, "malformed"),
                new Case("unknown field", valid.replace("\"sequence\"", "\"sequense\""), "application/json", 400, "sequense"),
                new Case("wrong type", valid.replace("\"sequence\":3", "\"sequence\":\"3\""), "application/json", 400, "sequence"),
                new Case("negative power", valid.replace("\"watts\":35.5", "\"watts\":-35.5"), "application/json", 400, "$.power.watts"),
                new Case("NaN power", valid.replace("\"watts\":35.5", "\"watts\":NaN"), "application/json", 400, "malformed"),
                new Case("future timestamp", ReportCodec.toJson(report().sequence(3).at(now.plusSeconds(86_400)).build()), "application/json", 400, "future"),
                new Case("deep nesting", "{\"labels\":" + "[".repeat(500) + "]".repeat(500) + "}", "application/json", 400, "malformed"),
                new Case("empty body", "", "application/json", 400, "malformed"),
                new Case("wrong content type", valid, "text/plain", 415, "application/json"),
                new Case("no content type", valid, null, 415, "application/json"),
                new Case("oversized", "{\"x\":\"" + "a".repeat(MAX_BODY) + "\"}", "application/json", 413, "too large"),
                new Case("counter going back", ReportCodec.toJson(reportAt(3, 10)), "application/json", 400, "went back"),
                new Case("absurd sequence jump", ReportCodec.toJson(reportAt(3, 2_000)).replace("\"sequence\":3", "\"sequence\":99999999"),
                        "application/json", 400, "jumps"),
                new Case("huge array", "{\"labels\":[" + "1,".repeat(20_000) + "1]}", "application/json", 400, "malformed"));
        for (Case c : cases) {
            HttpResponse<Buffer> response = post(c.body(), c.contentType());
            assertEquals(c.status(), response.statusCode(), c.name() + ": " + response.bodyAsString());
            String error = response.bodyAsJsonObject().getString("error");
            assertTrue(error != null && error.contains(c.mentions()), c.name() + ": " + response.bodyAsString());
        }
        assertEquals(before, get("/api/v1/devices").bodyAsString(), "rejected input must change nothing");
        assertEquals(201, post(valid, "application/json").statusCode(), "the collector is still healthy");
    }

    @Test
    void aBatchStoresEachGoodReportAndNamesTheBadOnes() {
        String batch = ReportCodec.batchToJson(List.of(reportAt(1, 1_000), reportAt(2, 1_300), reportAt(3, 1_900)))
                .replace("\"watts\":35.5,\"source\":\"model\",\"energy_joules_total\":1300.0", "\"watts\":-1,\"source\":\"model\",\"energy_joules_total\":1300.0");
        HttpResponse<Buffer> response = postBatch(batch);
        assertEquals(200, response.statusCode(), response.bodyAsString());
        JsonArray results = response.bodyAsJsonObject().getJsonArray("results");
        assertEquals(List.of("stored", "rejected", "stored"), results.stream().map(r -> ((JsonObject) r).getString("status")).toList());
        assertTrue(results.getJsonObject(1).getJsonArray("problems").getString(0).contains("$.power.watts"));
        assertEquals(900.0, get("/api/v1/devices/pc-1").bodyAsJsonObject().getDouble("energy_joules_total"), 1e-9);

        HttpResponse<Buffer> again = postBatch(batch);
        assertEquals(List.of("duplicate", "rejected", "duplicate"),
                again.bodyAsJsonObject().getJsonArray("results").stream().map(r -> ((JsonObject) r).getString("status")).toList());
        assertEquals(900.0, get("/api/v1/devices/pc-1").bodyAsJsonObject().getDouble("energy_joules_total"), 1e-9);

        for (String notABatch : List.of("[]", "{\"reports\":[]}", "{\"reports\":{}}", "{")) {
            HttpResponse<Buffer> bad = postBatch(notABatch);
            assertEquals(400, bad.statusCode(), notABatch);
        }
    }

    @Test
    void onlyAnEnrolledAgentMayReportAndOnlyForItsOwnDevice() {
        String valid = ReportCodec.toJson(reportAt(1, 1_000));
        HttpResponse<Buffer> none = post(valid, "application/json", null);
        assertEquals(401, none.statusCode());
        assertEquals("Bearer realm=\"kilowatch\"", none.getHeader("WWW-Authenticate"));
        assertEquals(401, post(valid, "application/json", "Bearer not-a-credential").statusCode());
        assertEquals(401, post(valid, "application/json", "Basic cGM6cGM=").statusCode());
        HttpResponse<Buffer> otherDevice = post(valid, "application/json", agents.bearer("someone-else"));
        assertEquals(403, otherDevice.statusCode(), otherDevice.bodyAsString());
        assertTrue(otherDevice.bodyAsJsonObject().getString("error").contains("someone-else"));
        assertEquals(404, get("/api/v1/devices/pc-1").statusCode(), "nothing was stored");

        assertEquals(401, agents.enrol("pc-9", "wrong-token").statusCode());
        assertEquals(409, agents.enrol("someone-else", agents.enrolmentToken()).statusCode(), "an enrolled device cannot be taken over");
        assertEquals(400, agents.enrol("../etc", agents.enrolmentToken()).statusCode());
        assertEquals(400, agents.enrol("pc-9", agents.enrolmentToken(), "short").statusCode(), "a guessable credential is refused");
        assertEquals(400, agents.enrolWith(new JsonObject().put("device_id", "pc-9").put("enrolment_token", agents.enrolmentToken()))
                .statusCode(), "the agent chooses its credential");
        assertEquals(201, post(valid, "application/json", agents.bearer("pc-1")).statusCode());
    }

    @Test
    void enrollingAgainWithTheSameCredentialIsAcceptedAndChangesNothing() {
        String credential = Credentials.newSecret();
        assertEquals(201, agents.enrol("pc-1", agents.enrolmentToken(), credential).statusCode());
        // the agent never heard the answer and asks again with the credential it kept
        assertEquals(201, agents.enrol("pc-1", agents.enrolmentToken(), credential).statusCode());
        assertEquals(409, agents.enrol("pc-1", agents.enrolmentToken(), Credentials.newSecret()).statusCode());
        assertEquals(201, post(ReportCodec.toJson(reportAt(1, 1_000)), "application/json", "Bearer " + credential).statusCode());
    }

    @Test
    void stateSurvivesARestart() {
        post(reportAt(1, 1_000));
        post(reportAt(2, 1_540));
        vertx.undeploy(deploymentId).await();
        deploy();
        JsonObject d = get("/api/v1/devices/pc-1").bodyAsJsonObject();
        assertEquals(540.0, d.getDouble("energy_joules_total"), 1e-9);
        assertEquals(2, d.getLong("last_sequence"));
        assertEquals(201, post(reportAt(3, 1_600)).statusCode());
        assertEquals(600.0, metric(get("/metrics").bodyAsString(), "kilowatch_device_energy_joules_total", "pc-1"), 1e-9);
    }

    @Test
    void aSilentDeviceIsDownAndLosesAvailability() {
        Instant longAgo = now.minusSeconds(3600);
        // a server: a desktop silent out of hours would be expected off, not down
        post(report().device("quiet").sequence(1).at(longAgo).bootedAt(longAgo.minusSeconds(3600)).label("class", "server").build());
        JsonObject d = get("/api/v1/devices/quiet").bodyAsJsonObject();
        assertFalse(d.getBoolean("up"));
        double availability = d.getJsonObject("availability_ratio").getDouble("24h");
        // up for the hour before the report and 45 s after it, down for the hour since
        assertEquals((3600 + 45) / 7200.0, availability, 0.01);
        assertEquals(0.0, metric(get("/metrics").bodyAsString(), "kilowatch_device_up", "quiet"));
        assertEquals(1, get("/api/v1/estate").bodyAsJsonObject().getJsonObject("devices").getInteger("down"));
    }
}
