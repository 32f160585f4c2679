package io.kilowatch.collector;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the collector's shape (docs/architecture.md): feature packages depend one way, on the HTTP toolkit, the
 * feature interface and the estate below them; only the composition root (this package) sees them all; JDBC is
 * used in {@code store/} alone. Checked on the compiled classes, so every dependency counts, not only imports.
 */
class ArchitectureTest {
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

    private static void assertPasses(com.tngtech.archunit.lang.ArchRule rule) {
        EvaluationResult result = rule.evaluate(collector);
        assertFalse(result.hasViolation(), () -> String.join("\n", result.getFailureReport().getDetails()));
    }
}
