package io.kilowatch.collector;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the collector's shape (docs/architecture.md): feature packages depend one way, on the HTTP toolkit, the
 * feature interface and the estate below them; only the composition root (this package) sees them all; JDBC is
 * used in {@code store/} alone; JSON is written in the {@code *Api} classes and a short list of protocol and storage
 * formats. Checked on the compiled classes, so every dependency counts, not only imports.
 */
class ArchitectureTest {
    private static final String[] JSON_PACKAGES = {"io.vertx.core.json..", "com.fasterxml.jackson.."};

    /**
     * Besides the {@code *Api} classes, the only ones that may read or write JSON, each for a format that is not an
     * API answer's shape, with the reason. An answer's JSON goes in its feature's *Api class, never here.
     */
    private static final Map<String, String> JSON_FORMATS = Map.of(
            "io.kilowatch.collector.http.Responses", "the HTTP toolkit every *Api answers through: encodes their bodies, writes the error shape",
            "io.kilowatch.collector.alerting.AlertmanagerPayload", "Alertmanager's webhook payload (version 4): a protocol encoder",
            "io.kilowatch.collector.carbon.IntensityFile", "grid intensity files in the NESO Carbon Intensity API's format: a format decoder",
            "io.kilowatch.collector.store.JdbcAlertStore", "alert labels and silence matchers kept as JSON text columns: a storage format");

    private static JavaClasses collector;

    @BeforeAll
    static void importCollector() {
        collector = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.kilowatch.collector");
    }

    @Test
    void classesUnderCheckIncludeEveryPackage() {
        // A rule over no classes passes whatever the code does: make sure the import found the collector.
        for (String pkg : new String[] {"agents", "alerting", "calibration", "carbon", "estate", "events", "feature", "history", "http",
                "output.influx", "security", "service", "snmp", "store", "sustainability", "cluster"}) {
            assertTrue(collector.containPackage("io.kilowatch.collector." + pkg), pkg);
        }
    }

    @Test
    void packagesHaveNoCycles() {
        assertPasses(slices().matching("io.kilowatch.collector.(**)").should().beFreeOfCycles().allowEmptyShould(false));
    }

    @Test
    void onlyTheCompositionRootSeesEverything() {
        assertPasses(noClasses().that().resideOutsideOfPackage("io.kilowatch.collector")
                .should().dependOnClassesThat().resideInAPackage("io.kilowatch.collector"));
    }

    @Test
    void jdbcStaysInTheStore() {
        assertPasses(noClasses().that().resideOutsideOfPackage("io.kilowatch.collector.store..")
                .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..", "org.sqlite..", "org.postgresql..", "com.zaxxer.hikari.."));
    }

    @Test
    void featuresDoNotReachIntoTheStoreAdapters() {
        assertPasses(noClasses().that().resideOutsideOfPackage("io.kilowatch.collector.store..")
                .and().resideOutsideOfPackage("io.kilowatch.collector")
                .should().dependOnClassesThat().resideInAPackage("io.kilowatch.collector.store.."));
    }

    @Test
    void jsonIsWrittenOnlyInTheApiClasses() {
        String listed = JSON_FORMATS.keySet().stream().map(Pattern::quote).collect(Collectors.joining("|", "(", ")"));
        assertPasses(noClasses().that().haveNameNotMatching(".*Api(\\$.*)?").and().haveNameNotMatching(listed + "(\\$.*)?")
                .should().dependOnClassesThat().resideInAnyPackage(JSON_PACKAGES));
    }

    @Test
    void everyJsonFormatListedStillUsesJson() {
        // A stale entry would let JSON creep back into that class unnoticed.
        JSON_FORMATS.keySet().forEach(name -> assertTrue(collector.get(name).getDirectDependenciesFromSelf().stream()
                .anyMatch(d -> d.getTargetClass().getPackageName().startsWith("io.vertx.core.json")), name + " no longer uses JSON: drop it from the list"));
    }

    private static void assertPasses(com.tngtech.archunit.lang.ArchRule rule) {
        EvaluationResult result = rule.evaluate(collector);
        assertFalse(result.hasViolation(), () -> String.join("\n", result.getFailureReport().getDetails()));
    }
}
