package io.kilowatch.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.Yaml;

/**
 * The monitoring files the project ships (deploy/prometheus, grafana/) read the way Prometheus and Grafana
 * read them, and every PromQL expression in them, for the structural test and the full-stack test.
 */
public final class MonitoringFiles {
    public static final Path REPO = Path.of(System.getProperty("kilowatch.repo.root", "..")).toAbsolutePath().normalize();
    public static final Path RULES = REPO.resolve("deploy/prometheus/rules");
    public static final Path DASHBOARDS = REPO.resolve("grafana/dashboards");
    public static final Path PROVISIONING = REPO.resolve("grafana/provisioning");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A PromQL expression and where it comes from, for messages. */
    public record Expression(String origin, String promql) {
    }

    private MonitoringFiles() {
    }

    public static List<Path> files(Path dir, String suffix) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.toString().endsWith(suffix)).sorted(Comparator.naturalOrder()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode json(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> yaml(Path file) {
        try {
            return (Map<String, Object>) new Yaml().load(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<Path> dashboards() {
        return files(DASHBOARDS, ".json");
    }

    /** Rules of a Prometheus rule file, group by group flattened. */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> rules(Path file) {
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) yaml(file).get("groups")) {
            rules.addAll((List<Map<String, Object>>) group.get("rules"));
        }
        return rules;
    }

    /** Recording rules by the name they record. */
    public static Map<String, String> recordingRules() {
        Map<String, String> recorded = new LinkedHashMap<>();
        for (Path file : files(RULES, ".yml")) {
            for (Map<String, Object> rule : rules(file)) {
                if (rule.containsKey("record")) {
                    recorded.put((String) rule.get("record"), ((String) rule.get("expr")).strip());
                }
            }
        }
        return recorded;
    }

    /** Alerting rules of deploy/prometheus/rules. */
    public static List<Map<String, Object>> alertRules() {
        return files(RULES, ".yml").stream().flatMap(f -> rules(f).stream()).filter(r -> r.containsKey("alert")).toList();
    }

    /** Grafana's provisioned alert rules. */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> grafanaAlertRules() {
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Path file : files(PROVISIONING.resolve("alerting"), ".yaml")) {
            for (Map<String, Object> group : (List<Map<String, Object>>) yaml(file).get("groups")) {
                rules.addAll((List<Map<String, Object>>) group.get("rules"));
            }
        }
        return rules;
    }

    /** A Prometheus alert's expression with the recording rules it reads written out in full. */
    public static String expand(String promql, Map<String, String> recorded) {
        String result = promql.strip();
        List<String> names = recorded.keySet().stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
        for (String name : names) {
            result = result.replaceAll("(?<![A-Za-z0-9_:])" + Pattern.quote(name) + "(?![A-Za-z0-9_:{])",
                    Matcher.quoteReplacement("(" + recorded.get(name) + ")"));
        }
        return result;
    }

    /** Every Prometheus target of every dashboard: panels' queries and variables' label_values queries. */
    public static List<Expression> dashboardExpressions() {
        List<Expression> all = new ArrayList<>();
        for (Path file : dashboards()) {
            JsonNode board = json(file);
            String name = DASHBOARDS.relativize(file).toString();
            for (JsonNode panel : board.path("panels")) {
                if (!"prometheus".equals(panel.path("datasource").path("type").asText())) {
                    continue;
                }
                for (JsonNode target : panel.path("targets")) {
                    all.add(new Expression(name + " / " + panel.path("title").asText() + " / " + target.path("refId").asText(),
                            target.path("expr").asText()));
                }
            }
            for (JsonNode variable : board.path("templating").path("list")) {
                if ("query".equals(variable.path("type").asText()) && "prometheus".equals(variable.path("datasource").path("type").asText())) {
                    Matcher m = Pattern.compile("^label_values\\((.+),\\s*\\w+\\)$").matcher(variable.path("query").asText());
                    if (m.matches()) {
                        all.add(new Expression(name + " / variable " + variable.path("name").asText(), m.group(1)));
                    }
                }
            }
        }
        return all;
    }

    /** Every expression of the Prometheus rule files and of Grafana's alert rules. */
    @SuppressWarnings("unchecked")
    public static List<Expression> ruleExpressions() {
        List<Expression> all = new ArrayList<>();
        for (Path file : files(RULES, ".yml")) {
            for (Map<String, Object> rule : rules(file)) {
                String name = rule.containsKey("record") ? (String) rule.get("record") : (String) rule.get("alert");
                all.add(new Expression(REPO.relativize(file) + " / " + name, ((String) rule.get("expr")).strip()));
            }
        }
        for (Map<String, Object> rule : grafanaAlertRules()) {
            for (Map<String, Object> query : (List<Map<String, Object>>) rule.get("data")) {
                Map<String, Object> model = (Map<String, Object>) query.get("model");
                if (model.containsKey("expr")) {
                    all.add(new Expression("grafana alert " + rule.get("title") + " / " + query.get("refId"), ((String) model.get("expr")).strip()));
                }
            }
        }
        return all;
    }
}
