package io.kilowatch.monitoring;

import static io.kilowatch.monitoring.MonitoringFiles.DASHBOARDS;
import static io.kilowatch.monitoring.MonitoringFiles.PROVISIONING;
import static io.kilowatch.monitoring.MonitoringFiles.REPO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The monitoring files the project ships are checked the way their tools check them (promtool, amtool) and
 * structurally (dashboards and Grafana provisioning): a broken rule, an alert without a test, a panel off
 * the grid or a query naming an unknown variable or data source fails the build.
 */
class MonitoringConfigTest {
    /** Grafana's own variables, always defined. */
    private static final Set<String> GRAFANA_VARIABLES = Set.of("__rate_interval", "__interval", "__interval_ms", "__range", "__range_s",
            "__range_ms", "__from", "__to", "timeFilter");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)(?::[a-z]+)?}?");

    @Test
    void promtoolChecksAndUnitTestsTheRules() throws Exception {
        Path prometheus = REPO.resolve("deploy/prometheus");
        List<String> ruleFiles = MonitoringFiles.files(MonitoringFiles.RULES, ".yml").stream().map(Path::toString).toList();
        assertFalse(ruleFiles.isEmpty());
        List<String> check = new ArrayList<>(List.of("promtool", "check", "rules"));
        check.addAll(ruleFiles);
        run(prometheus, check, "SUCCESS");
        for (Path test : MonitoringFiles.files(prometheus.resolve("tests"), ".yml")) {
            run(prometheus, List.of("promtool", "test", "rules", prometheus.relativize(test).toString()), "SUCCESS");
        }
        run(prometheus, List.of("promtool", "check", "config", "--syntax-only", "prometheus.yml"), "SUCCESS");
        run(REPO.resolve("deploy/alertmanager"), List.of("amtool", "check-config", "alertmanager.yml"), "SUCCESS");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyAlertIsTestedFiringAndQuiet() throws Exception {
        Set<String> firing = new HashSet<>();
        Set<String> quiet = new HashSet<>();
        for (Path test : MonitoringFiles.files(REPO.resolve("deploy/prometheus/tests"), ".yml")) {
            for (Map<String, Object> group : (List<Map<String, Object>>) MonitoringFiles.yaml(test).get("tests")) {
                for (Map<String, Object> c : (List<Map<String, Object>>) group.getOrDefault("alert_rule_test", List.of())) {
                    List<?> expected = (List<?>) c.get("exp_alerts");
                    (expected == null || expected.isEmpty() ? quiet : firing).add((String) c.get("alertname"));
                }
            }
        }
        for (Map<String, Object> alert : MonitoringFiles.alertRules()) {
            String name = (String) alert.get("alert");
            assertTrue(firing.contains(name), name + " has no test that shows it firing");
            assertTrue(quiet.contains(name), name + " has no test that shows it quiet");
            assertTrue(((Map<String, Object>) alert.get("labels")).containsKey("severity"), name + " has no severity");
            assertTrue(((Map<String, Object>) alert.get("annotations")).containsKey("summary"), name + " has no summary");
        }
    }

    @Test
    void dashboardsAreWellFormed() {
        Set<String> datasourceUids = provisionedDatasources().keySet();
        Set<String> uids = new HashSet<>();
        List<Path> dashboards = MonitoringFiles.dashboards();
        assertTrue(dashboards.size() >= 3, "dashboards: " + dashboards);
        for (Path file : dashboards) {
            String name = DASHBOARDS.relativize(file).toString();
            JsonNode board = MonitoringFiles.json(file);
            assertEquals(42, board.path("schemaVersion").asInt(), name + ": schemaVersion");
            assertFalse(board.has("__inputs"), name + ": exported dashboards' __inputs have no place in provisioning");
            assertFalse(board.has("__requires"), name + ": __requires");
            assertTrue(board.path("uid").asText().matches("kilowatch-[a-z0-9-]{1,30}"), name + ": stable uid, got " + board.path("uid"));
            assertTrue(uids.add(board.path("uid").asText()), name + ": uid used twice");
            assertFalse(board.path("title").asText().isBlank(), name + ": title");

            Map<String, JsonNode> variables = new java.util.LinkedHashMap<>();
            board.path("templating").path("list").forEach(v -> variables.put(v.path("name").asText(), v));
            JsonNode datasourceVariable = variables.get("datasource");
            assertTrue(datasourceVariable != null && "datasource".equals(datasourceVariable.path("type").asText()), name + ": a datasource variable");
            String datasourceType = datasourceVariable.path("query").asText();
            assertTrue(Set.of("prometheus", "influxdb").contains(datasourceType), name + ": datasource variable type " + datasourceType);
            assertTrue(datasourceUids.contains(datasourceVariable.path("current").path("value").asText()),
                    name + ": the datasource variable's default is a provisioned data source");
            for (JsonNode v : variables.values()) {
                if (v.has("datasource")) {
                    checkDatasource(name + " variable " + v.path("name").asText(), v.path("datasource"), datasourceType, datasourceUids);
                }
                for (String used : variablesIn(v.path("query").asText())) {
                    assertTrue(variables.containsKey(used) || GRAFANA_VARIABLES.contains(used), name + " variable " + v.path("name") + " uses undefined $" + used);
                }
            }

            Set<Integer> ids = new HashSet<>();
            boolean[][] grid = new boolean[500][24];
            for (JsonNode panel : board.path("panels")) {
                String where = name + " panel " + panel.path("id") + " '" + panel.path("title").asText() + "'";
                assertTrue(ids.add(panel.path("id").asInt()), where + ": id used twice");
                assertFalse(panel.path("title").asText().isBlank(), where + ": title");
                JsonNode pos = panel.path("gridPos");
                int x = pos.path("x").asInt(-1);
                int y = pos.path("y").asInt(-1);
                int w = pos.path("w").asInt(0);
                int h = pos.path("h").asInt(0);
                assertTrue(x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= 24 && y + h <= grid.length, where + ": gridPos out of bounds " + pos);
                for (int row = y; row < y + h; row++) {
                    for (int col = x; col < x + w; col++) {
                        assertFalse(grid[row][col], where + ": overlaps another panel at " + col + "," + row);
                        grid[row][col] = true;
                    }
                }
                if ("row".equals(panel.path("type").asText())) {
                    continue;
                }
                assertFalse(panel.path("description").asText().isBlank(), where + ": a description tells users what they see");
                checkDatasource(where, panel.path("datasource"), datasourceType, datasourceUids);
                assertTrue(panel.path("targets").size() > 0, where + ": no queries");
                Set<String> refIds = new HashSet<>();
                for (JsonNode target : panel.path("targets")) {
                    assertTrue(refIds.add(target.path("refId").asText()), where + ": refId used twice");
                    checkDatasource(where, target.path("datasource"), datasourceType, datasourceUids);
                    String query = "prometheus".equals(datasourceType) ? target.path("expr").asText() : target.path("query").asText();
                    assertFalse(query.isBlank(), where + " target " + target.path("refId") + ": no expression");
                    for (String used : variablesIn(query)) {
                        assertTrue(variables.containsKey(used) || GRAFANA_VARIABLES.contains(used), where + " uses undefined $" + used);
                    }
                }
            }
        }
    }

    @Test
    void fluxQueriesReadOnlyWhatTheCollectorWrites() throws Exception {
        String schema = Files.readString(REPO.resolve("docs/influxdb.md"));
        Pattern measurement = Pattern.compile("_measurement == \"([a-z_]+)\"");
        Pattern field = Pattern.compile("_field == \"([a-z0-9_]+)\"");
        Pattern tag = Pattern.compile("\\br\\.([a-z]+) (?:==|=~)");
        int queries = 0;
        for (Path file : MonitoringFiles.files(DASHBOARDS.resolve("influxdb"), ".json")) {
            JsonNode board = MonitoringFiles.json(file);
            List<String> flux = new ArrayList<>();
            board.path("panels").forEach(p -> p.path("targets").forEach(t -> flux.add(t.path("query").asText())));
            board.path("templating").path("list").forEach(v -> flux.add(v.path("query").asText()));
            for (String query : flux) {
                for (Pattern p : List.of(measurement, field)) {
                    Matcher m = p.matcher(query);
                    while (m.find()) {
                        assertTrue(schema.contains("`" + m.group(1) + "`"), file.getFileName() + ": " + m.group(1) + " is not in docs/influxdb.md's schema");
                    }
                }
                Matcher m = tag.matcher(query);
                while (m.find()) {
                    assertTrue(schema.contains("`" + m.group(1) + "`"), file.getFileName() + ": tag " + m.group(1) + " is not in the schema");
                }
                if (query.contains("from(bucket")) {
                    queries++;
                    assertTrue(query.contains("range(start: v.timeRangeStart, stop: v.timeRangeStop)"), file.getFileName() + ": follows the time picker");
                }
            }
        }
        assertTrue(queries >= 5, "Flux queries checked: " + queries);
    }

    @Test
    @SuppressWarnings("unchecked")
    void provisioningNamesExistingThingsAndKeepsSecretsInTheEnvironment() {
        Map<String, Map<String, Object>> datasources = provisionedDatasources();
        assertEquals(Set.of("kilowatch-prometheus", "kilowatch-influxdb"), datasources.keySet());
        assertEquals(1, datasources.values().stream().filter(d -> Boolean.TRUE.equals(d.get("isDefault"))).count(), "exactly one default");
        assertEquals(Boolean.TRUE, datasources.get("kilowatch-prometheus").get("isDefault"));
        assertEquals("Flux", ((Map<String, Object>) datasources.get("kilowatch-influxdb").get("jsonData")).get("version"));
        for (Map<String, Object> d : datasources.values()) {
            Map<String, Object> secrets = (Map<String, Object>) d.getOrDefault("secureJsonData", Map.of());
            secrets.forEach((k, v) -> assertTrue(String.valueOf(v).matches("\\$\\{[A-Z0-9_]+}"), d.get("name") + " " + k + ": a secret from the environment"));
        }

        Map<String, Object> providers = MonitoringFiles.yaml(PROVISIONING.resolve("dashboards/kilowatch.yaml"));
        Set<String> providedFolders = new HashSet<>();
        for (Map<String, Object> provider : (List<Map<String, Object>>) providers.get("providers")) {
            String path = (String) ((Map<String, Object>) provider.get("options")).get("path");
            String folder = path.substring(path.lastIndexOf('/') + 1);
            assertTrue(Files.isDirectory(DASHBOARDS.resolve(folder)), "provider path " + path + " maps to grafana/dashboards/" + folder);
            providedFolders.add(folder);
        }
        Set<String> dashboardFolders = MonitoringFiles.dashboards().stream().map(p -> p.getParent().getFileName().toString()).collect(Collectors.toSet());
        assertEquals(dashboardFolders, providedFolders, "every dashboard folder is provisioned");

        for (Map<String, Object> rule : MonitoringFiles.grafanaAlertRules()) {
            for (Map<String, Object> query : (List<Map<String, Object>>) rule.get("data")) {
                String uid = (String) query.get("datasourceUid");
                assertTrue(uid.equals("__expr__") || datasources.containsKey(uid), rule.get("title") + ": data source " + uid);
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void grafanaAlertRulesMatchThePrometheusAlerts() {
        Map<String, String> recorded = MonitoringFiles.recordingRules();
        Map<String, Map<String, Object>> grafana = new java.util.LinkedHashMap<>();
        Set<String> grafanaUids = new HashSet<>();
        for (Map<String, Object> rule : MonitoringFiles.grafanaAlertRules()) {
            grafana.put((String) rule.get("title"), rule);
            assertTrue(grafanaUids.add((String) rule.get("uid")), "uid used twice: " + rule.get("uid"));
            assertTrue(((String) rule.get("uid")).length() <= 40, "Grafana uids are at most 40 characters: " + rule.get("uid"));
        }
        List<Map<String, Object>> alerts = MonitoringFiles.alertRules();
        assertEquals(alerts.stream().map(a -> (String) a.get("alert")).collect(Collectors.toCollection(LinkedHashSet::new)), grafana.keySet());
        for (Map<String, Object> alert : alerts) {
            String name = (String) alert.get("alert");
            Map<String, Object> twin = grafana.get(name);
            Map<String, Object> condition = ((List<Map<String, Object>>) twin.get("data")).stream()
                    .filter(q -> q.get("refId").equals(twin.get("condition"))).findFirst().orElseThrow();
            assertEquals("is_number($A)", ((Map<String, Object>) condition.get("model")).get("expression"), name + ": every series of A alerts");
            Map<String, Object> a = ((List<Map<String, Object>>) twin.get("data")).stream().filter(q -> q.get("refId").equals("A")).findFirst().orElseThrow();
            assertEquals(MonitoringFiles.expand((String) alert.get("expr"), recorded), ((String) ((Map<String, Object>) a.get("model")).get("expr")).strip(),
                    name + ": the Grafana query is the Prometheus expression with recording rules written out");
            assertEquals(String.valueOf(alert.getOrDefault("for", "0s")), String.valueOf(twin.get("for")), name + ": for");
            assertEquals(alert.get("labels"), twin.get("labels"), name + ": labels");
            Map<String, String> annotations = (Map<String, String>) alert.get("annotations");
            Map<String, String> grafanaAnnotations = (Map<String, String>) twin.get("annotations");
            assertEquals(annotations.keySet(), grafanaAnnotations.keySet(), name + ": annotations");
            annotations.forEach((k, v) -> assertEquals(v.replace("{{ $value | humanizePercentage }}", "{{ humanizePercentage $values.A.Value }}")
                    .replace("{{ $value }}", "{{ $values.A.Value }}"), grafanaAnnotations.get(k), name + ": annotation " + k));
            assertEquals("OK", twin.get("noDataState"), name + ": no series means no alert, as in Prometheus");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void prometheusConfigLoadsTheShippedRuleFiles() {
        Map<String, Object> config = MonitoringFiles.yaml(REPO.resolve("deploy/prometheus/prometheus.yml"));
        Set<String> loaded = ((List<String>) config.get("rule_files")).stream().map(p -> p.substring(p.lastIndexOf('/') + 1)).collect(Collectors.toSet());
        Set<String> shipped = MonitoringFiles.files(MonitoringFiles.RULES, ".yml").stream().map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        assertEquals(shipped, loaded);
        Map<String, Object> job = ((List<Map<String, Object>>) config.get("scrape_configs")).get(0);
        assertTrue(((Map<String, Object>) job.get("authorization")).containsKey("credentials_file"), "the token comes from a file");
    }

    private static Map<String, Map<String, Object>> provisionedDatasources() {
        Map<String, Map<String, Object>> byUid = new java.util.LinkedHashMap<>();
        for (Path file : MonitoringFiles.files(PROVISIONING.resolve("datasources"), ".yaml")) {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> list = (List<Map<String, Object>>) MonitoringFiles.yaml(file).get("datasources");
            list.forEach(d -> assertTrue(byUid.put((String) d.get("uid"), d) == null, "data source uid used twice: " + d.get("uid")));
        }
        return byUid;
    }

    /** A panel or target's data source is the dashboard's variable (or a provisioned uid) of the dashboard's type. */
    private static void checkDatasource(String where, JsonNode ds, String type, Set<String> uids) {
        assertEquals(type, ds.path("type").asText(), where + ": data source type");
        String uid = ds.path("uid").asText();
        assertTrue(uid.equals("${datasource}") || uids.contains(uid), where + ": data source uid " + uid);
    }

    private static Set<String> variablesIn(String text) {
        Set<String> used = new HashSet<>();
        Matcher m = VARIABLE.matcher(text);
        while (m.find()) {
            used.add(m.group(1));
        }
        return used;
    }

    private static void run(Path dir, List<String> command, String expected) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), command + " timed out");
        assertEquals(0, p.exitValue(), String.join(" ", command) + " failed:\n" + output);
        assertTrue(output.contains(expected), String.join(" ", command) + ":\n" + output);
    }
}
