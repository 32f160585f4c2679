package io.kilowatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.collector.security.Users;
import io.kilowatch.collector.snmp.Snmpd;
import io.kilowatch.monitoring.MonitoringFiles;
import io.kilowatch.monitoring.MonitoringFiles.Expression;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SelfSignedCertificate;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every PromQL expression the project ships, run on a real Prometheus (Debian's) that scrapes a real
 * collector fed by real agents and loads the shipped rule files: each dashboard query and recording rule
 * must return data, each alert expression must be valid and every series it reads must exist. A dashboard
 * that shows "No data" to a new user fails here.
 */
class MonitoringStackIT {
    private static final List<Process> PROCESSES = new ArrayList<>();
    private static final List<Snmpd> SNMP_AGENTS = new ArrayList<>();
    private static final String DEVICE = "stack-pc";
    private static final String[] TOKEN = Users.newApiToken();
    private static final Pattern SELECTOR = Pattern.compile("(?<![\\w\":])(kilowatch_[a-z0-9_]+|[a-z_]+:[a-z0-9_:]+|up|ALERTS)(\\{[^}]*})?(?![\\w(])");
    private static final String METRICS_DOC = read(MonitoringFiles.REPO.resolve("docs/metrics.md"));
    private static String prometheus;
    private static String collector;
    private static Vertx vertx;

    @BeforeAll
    static void startStack() throws Exception {
        Stack.run(List.of("bash", Stack.REPO.resolve("scripts/install-test-tools.sh").toString()), Duration.ofMinutes(10));
        Path out = Stack.outputDir("monitoring");
        Path work = Files.createTempDirectory("kilowatch-monitoring");
        Path collectorData = work.resolve("collector");
        int vmPort = Stack.freePort();
        int port = Stack.freePort();
        String base = "http://127.0.0.1:" + port;
        collector = base;
        for (String old : List.of("collector.log", "prometheus.log", "victoria-metrics.log", "agent-stack-pc.log", "agent-stack-srv.log")) {
            Files.deleteIfExists(out.resolve(old));
        }
        // Services over a device, the collector's own health and an HTTPS site with a certificate the probe checks.
        SelfSignedCertificate certificate = SelfSignedCertificate.create("localhost");
        vertx = Vertx.vertx();
        int httpsPort = vertx.createHttpServer(new HttpServerOptions().setSsl(true).setKeyCertOptions(certificate.keyCertOptions()).setHost("127.0.0.1"))
                .requestHandler(r -> r.response().end("OK")).listen(0).await().actualPort();
        Path services = Files.writeString(work.resolve("services.yaml"), """
                probes:
                  collector-health:
                    kind: http
                    url: %s/health
                    interval: 1s
                    timeout: 900ms
                  intranet-https:
                    kind: http
                    url: https://localhost:%d/
                    interval: 1s
                    timeout: 900ms
                    tls_ca_file: %s
                services:
                  email:
                    target_percent: 99.85
                    components:
                      server: {device: stack-srv}
                      health: {probe: collector-health}
                  intranet:
                    target_percent: 99.0
                    components:
                      web: {probe: intranet-https}
                """.formatted(base, httpsPort, certificate.certificatePath()));
        // A switch emulated by Net-SNMP's snmpd, so the SNMP panels have data; a trap gives the events panel one.
        Snmpd snmpSwitch = Snmpd.start("switch-stack-1", "1.3.6.1.4.1.11.2.3.7.11.181", "switch.rec");
        SNMP_AGENTS.add(snmpSwitch);
        Path community = Files.writeString(work.resolve("community"), Snmpd.COMMUNITY);
        int trapPort = Snmpd.freeUdpPort();
        // The InfluxDB output on, so its self-metrics (and the alerts on them) have data too.
        PROCESSES.add(InfluxOutputIT.victoriaMetrics(vmPort, work.resolve("vm"), out.resolve("victoria-metrics.log")));
        PROCESSES.add(Stack.collector(port, collectorData, out.resolve("collector.log"),
                "--set", "security.api_tokens.prometheus.sha256=" + TOKEN[1],
                "--set", "outputs.influxdb.enabled=true", "--set", "outputs.influxdb.url=http://127.0.0.1:" + vmPort,
                "--set", "outputs.influxdb.org=kilowatch", "--set", "outputs.influxdb.bucket=kilowatch",
                "--set", "outputs.influxdb.flush_interval=1s", "--set", "outputs.influxdb.snapshot_interval=5s",
                // A data centre with overhead, so the overhead-carbon panels have their data.
                "--set", "sites.Data Centre.pue=1.5",
                "--set", "services.file=" + services, "--set", "services.evaluation_interval=1s", "--set", "services.watch_interval=1h",
                "--set", "snmp.enabled=true", "--set", "snmp.interval=1s", "--set", "snmp.timeout=500ms",
                "--set", "snmp.auths.lab.version=v2c", "--set", "snmp.auths.lab.community_file=" + community,
                "--set", "snmp.targets.switch-1.address=127.0.0.1", "--set", "snmp.targets.switch-1.port=" + snmpSwitch.port,
                "--set", "snmp.targets.switch-1.auth=lab", "--set", "snmp.targets.switch-1.class=switch",
                "--set", "snmp.targets.switch-1.site=Data Centre",
                "--set", "snmp.traps.enabled=true", "--set", "snmp.traps.port=" + trapPort, "--set", "snmp.traps.auths=lab"));
        Stack.waitUntil("collector healthy", Duration.ofSeconds(60), () -> Stack.status(base + "/health") == 200);
        PROCESSES.add(Stack.agent(base, collectorData, DEVICE, work.resolve("pc"), out.resolve("agent-stack-pc.log"),
                "--set", "device.labels.org=Test Council", "--set", "device.labels.site=Town Hall"));
        PROCESSES.add(Stack.agent(base, collectorData, "stack-srv", work.resolve("srv"), out.resolve("agent-stack-srv.log"), "--class", "server",
                "--set", "device.labels.org=Test Council", "--set", "device.labels.site=Data Centre"));

        Path token = Files.writeString(work.resolve("prometheus-token"), TOKEN[0]);
        String rules = MonitoringFiles.files(MonitoringFiles.RULES, ".yml").stream().map(p -> "  - " + p).collect(Collectors.joining("\n"));
        Path config = Files.writeString(work.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files:
                %s
                scrape_configs:
                  - job_name: kilowatch
                    authorization:
                      type: Bearer
                      credentials_file: %s
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                """.formatted(rules, token, port));
        int promPort = Stack.freePort();
        prometheus = "http://127.0.0.1:" + promPort;
        PROCESSES.add(new ProcessBuilder("prometheus", "--config.file=" + config, "--storage.tsdb.path=" + work.resolve("tsdb"),
                "--web.listen-address=127.0.0.1:" + promPort, "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(out.resolve("prometheus.log").toFile())).start());
        Stack.waitUntil("Prometheus ready", Duration.ofSeconds(60), () -> Stack.status(prometheus + "/-/ready") == 200);
        Stack.waitUntil("the agents' and the switch's energy in Prometheus", Duration.ofSeconds(90),
                () -> count("count_over_time(kilowatch_device_energy_joules_total[1m]) > 5") == 3);
        Stack.waitUntil("the scrape authenticated", Duration.ofSeconds(10), () -> count("up{job=\"kilowatch\"} == 1") == 1);
        Snmpd.trap(List.of("-v2c", "-c", Snmpd.COMMUNITY, "127.0.0.1:" + trapPort, "",
                "1.3.6.1.6.3.1.1.5.3", "1.3.6.1.2.1.2.2.1.1.3", "i", "3")); // linkDown
        Stack.waitUntil("the switch's polls in Prometheus", Duration.ofSeconds(60),
                () -> count("count_over_time(kilowatch_snmp_poll_success{device=\"switch-1\"}[1m]) > 5") == 1);
        Stack.waitUntil("both services' counters in Prometheus", Duration.ofSeconds(60),
                () -> count("count_over_time(kilowatch_service_counted_seconds_total[1m]) > 5") == 2);
    }

    @AfterAll
    static void stopStack() throws Exception {
        for (int i = PROCESSES.size() - 1; i >= 0; i--) {
            Stack.stop(PROCESSES.get(i));
        }
        for (Snmpd agent : SNMP_AGENTS) {
            agent.close();
        }
        if (vertx != null) {
            vertx.close().await();
        }
    }

    @Test
    void everyDashboardQueryAndRecordingRuleReturnsData() throws Exception {
        List<Expression> expressions = new ArrayList<>(MonitoringFiles.dashboardExpressions());
        MonitoringFiles.ruleExpressions().stream().filter(e -> !isAlert(e)).forEach(expressions::add);
        assertTrue(expressions.size() > 50, "expressions found: " + expressions.size());
        List<String> empty = new ArrayList<>();
        for (Expression e : expressions) {
            String promql = substitute(e.promql());
            JsonObject answer = query(promql);
            assertEquals("success", answer.getString("status"), e.origin() + ": " + promql + " -> " + answer.encode());
            if (answer.getJsonObject("data").getJsonArray("result").isEmpty()) {
                Set<String> undocumented = undocumented(e.promql());
                empty.add(e.origin() + ": " + promql + (undocumented.isEmpty() ? "" : "  (reads metrics docs/metrics.md does not list: " + undocumented + ")"));
            }
        }
        System.out.println("monitoring stack test: " + expressions.size() + " dashboard and recording-rule expressions run");
        assertEquals(List.of(), empty, "expressions without data");
    }

    @Test
    void everyAlertExpressionIsValidAndReadsSeriesThatExist() throws Exception {
        List<Expression> alerts = MonitoringFiles.ruleExpressions().stream().filter(MonitoringStackIT::isAlert).toList();
        assertTrue(alerts.size() >= 20, "alert expressions (Prometheus and Grafana): " + alerts.size());
        Set<String> missing = new LinkedHashSet<>();
        int selectors = 0;
        for (Expression e : alerts) {
            JsonObject answer = query(e.promql());
            assertEquals("success", answer.getString("status"), e.origin() + ": " + answer.encode());
            Matcher m = SELECTOR.matcher(e.promql());
            while (m.find()) {
                selectors++;
                String selector = m.group(0);
                // absent() fires on a missing series: what must exist is the series it watches.
                if (query(selector).getJsonObject("data").getJsonArray("result").isEmpty()) {
                    missing.add(e.origin() + ": " + selector);
                }
            }
        }
        System.out.println("monitoring stack test: " + alerts.size() + " alert expressions (" + selectors + " selectors) run");
        assertEquals(Set.of(), missing, "alert expressions read series that do not exist");
    }

    /** Metrics an expression reads (recording rules written out) that docs/metrics.md does not document: likely a typo. */
    private static Set<String> undocumented(String promql) {
        Matcher m = SELECTOR.matcher(MonitoringFiles.expand(promql, MonitoringFiles.recordingRules()));
        Set<String> names = new LinkedHashSet<>();
        while (m.find()) {
            if (m.group(1).startsWith("kilowatch_") && !METRICS_DOC.contains("`" + m.group(1) + "`")) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    @Test
    void metricsWithTheInfluxDbOutputOnPassPromtool() throws Exception {
        String metrics = Stack.body(collector + "/metrics", TOKEN[0]);
        assertTrue(metrics.contains("kilowatch_influxdb_points_written_total"), "the InfluxDB output's metrics are there");
        Stack.assertPromtoolAccepts(metrics);
    }

    /** Alert expressions come back empty while nothing is wrong; they are checked by what they read. */
    private static boolean isAlert(Expression e) {
        return e.origin().startsWith("grafana alert") || e.origin().contains("kilowatch-alerts.yml");
    }

    /** Grafana's variables as a user sees them first: every organisation, site and class; the first device. */
    private static String substitute(String promql) {
        return promql.replace("$__rate_interval", "15s").replace("$__range_s", "60").replace("$__range", "1m").replace("$__interval", "5s")
                .replace("$device", DEVICE).replaceAll("\\$(org|site|class|service)\\b", ".*");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long count(String promql) {
        JsonObject answer = query(promql);
        return "success".equals(answer.getString("status")) ? answer.getJsonObject("data").getJsonArray("result").size() : -1;
    }

    private static JsonObject query(String promql) {
        String body = Stack.body(prometheus + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        return body.isBlank() ? new JsonObject().put("status", "unreachable") : new JsonObject(body);
    }
}
