package io.kilowatch.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** Every dashboard against Grafana's own JSON Schemas (grafana/schemas, from the Grafana Foundation SDK). */
class GrafanaSchemaTest {
    private static final Path SCHEMAS = MonitoringFiles.REPO.resolve("grafana/schemas");
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);
    private final Map<String, JsonSchema> cache = new ConcurrentHashMap<>();

    @Test
    void dashboardsPanelOptionsAndPrometheusTargetsMatchGrafanasSchemas() {
        List<String> problems = new ArrayList<>();
        int panels = 0;
        for (Path file : MonitoringFiles.dashboards()) {
            String name = MonitoringFiles.DASHBOARDS.relativize(file).toString();
            JsonNode board = MonitoringFiles.json(file);
            report(problems, name, whole("dashboard").validate(board));
            for (JsonNode panel : board.path("panels")) {
                String type = panel.path("type").asText();
                if (type.equals("row")) {
                    continue;
                }
                panels++;
                String where = name + " / " + panel.path("title").asText();
                String schemaFile = type.replace("-", "");
                assertTrue(Files.exists(SCHEMAS.resolve(schemaFile + ".jsonschema.json")), where + ": no schema for panel type " + type);
                report(problems, where + " options", definition(schemaFile, "Options").validate(panel.path("options")));
                if (MonitoringFiles.json(SCHEMAS.resolve(schemaFile + ".jsonschema.json")).path("definitions").has("FieldConfig")) {
                    report(problems, where + " field config", definition(schemaFile, "FieldConfig").validate(panel.path("fieldConfig").path("defaults").path("custom")));
                }
                if (panel.path("datasource").path("type").asText().equals("prometheus")) {
                    for (JsonNode target : panel.path("targets")) {
                        report(problems, where + " target " + target.path("refId").asText(), definition("prometheus", "Dataquery").validate(target));
                    }
                }
            }
        }
        assertTrue(panels > 40, "panels checked: " + panels);
        assertEquals(List.of(), problems);
    }

    @Test
    void theSchemasCatchWhatGrafanaWouldRefuse() {
        ObjectNode board = (ObjectNode) MonitoringFiles.json(MonitoringFiles.dashboards().get(0)).deepCopy();
        board.putArray("__inputs");
        assertFalse(whole("dashboard").validate(board).isEmpty(), "an exported dashboard's __inputs is refused");
        ObjectNode target = JsonNodeFactory.instance.objectNode().put("refId", "A");
        assertFalse(definition("prometheus", "Dataquery").validate(target).isEmpty(), "a Prometheus target without expr is refused");
    }

    private JsonSchema whole(String name) {
        return cache.computeIfAbsent(name, n -> FACTORY.getSchema(MonitoringFiles.json(SCHEMAS.resolve(n + ".jsonschema.json"))));
    }

    /** One definition of a schema file, with the file's other definitions for its references. */
    private JsonSchema definition(String file, String definition) {
        return cache.computeIfAbsent(file + "#" + definition, k -> {
            JsonNode schema = MonitoringFiles.json(SCHEMAS.resolve(file + ".jsonschema.json"));
            ObjectNode wrapper = JsonNodeFactory.instance.objectNode();
            wrapper.put("$schema", "http://json-schema.org/draft-07/schema#");
            wrapper.put("$ref", "#/definitions/" + definition);
            wrapper.set("definitions", schema.path("definitions"));
            return FACTORY.getSchema(wrapper);
        });
    }

    private static void report(List<String> problems, String where, Set<ValidationMessage> messages) {
        messages.forEach(m -> problems.add(where + ": " + m.getMessage()));
    }
}
