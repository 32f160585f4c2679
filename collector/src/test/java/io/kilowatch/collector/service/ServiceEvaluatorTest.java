package io.kilowatch.collector.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.core.service.Figures;
import io.kilowatch.core.service.Incident;
import io.kilowatch.core.service.ServiceMaths;
import io.kilowatch.core.service.ServiceState;
import io.kilowatch.core.service.Span;
import io.kilowatch.core.testing.ManualClock;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluator on a manual clock: a label selector needing 2 of 3 switches, a component's own maintenance
 * window covering its outage, a whole-service window, incidents recorded in the store, and a service whose
 * only device never reported (no data).
 */
@ExtendWith(VertxExtension.class)
class ServiceEvaluatorTest {
    static final Duration MINUTE = Duration.ofMinutes(1);

    @TempDir
    Path dir;

    @Test
    void selectorsMaintenanceIncidentsAndNoData(Vertx vertx) throws Exception {
        Path file = dir.resolve("services.yaml");
        Files.writeString(file, """
                services:
                  network:
                    time_zone: UTC
                    components:
                      switches: {devices: "class=switch", rule: k_of_n, min_up: 2}
                      core: {device: core-1}
                    maintenance:
                      core-upgrade: {start: "2026-11-10T02:00", duration: 1h, components: core}
                      freeze: {start: "2026-11-09T22:00", duration: 30m}
                  ghost:
                    components:
                      never: {device: never-seen}
                """);
        ManualClock clock = new ManualClock(Instant.parse("2026-11-09T21:00:00Z"));
        try (ServiceHarness h = new ServiceHarness(vertx, clock, dir.resolve("data"), file, MINUTE)) {
            List.of("sw-1", "sw-2", "sw-3").forEach(id -> h.classes.put(id, "switch"));
            List<String> all = List.of("sw-1", "sw-2", "sw-3", "core-1");
            h.start();
            h.evaluate(all);
            runUntil(h, "2026-11-09T22:00:00Z", all);
            assertEquals(ServiceState.MAINTENANCE, state(h), "the whole-service window, although all is up");
            runUntil(h, "2026-11-09T22:30:00Z", all);
            assertEquals(ServiceState.UP, state(h));
            // Two of three switches stop reporting at 22:30: down from 22:34 (three missed one-minute reports).
            runUntil(h, "2026-11-09T22:33:00Z", List.of("sw-3", "core-1"));
            assertEquals(ServiceState.UP, state(h));
            runUntil(h, "2026-11-09T22:34:00Z", List.of("sw-3", "core-1"));
            assertEquals(ServiceState.DOWN, state(h));
            assertEquals("1 of 3 matching devices up", component(h, "switches").detail());
            runUntil(h, "2026-11-09T22:59:00Z", List.of("sw-3", "core-1"));
            assertEquals(ServiceState.DOWN, state(h));
            runUntil(h, "2026-11-10T01:55:00Z", all);
            // core-1 stops at 01:55: down at 01:59; from 02:00 its own window covers it.
            runUntil(h, "2026-11-10T01:59:00Z", List.of("sw-1", "sw-2", "sw-3"));
            assertEquals(ServiceState.DOWN, state(h));
            runUntil(h, "2026-11-10T02:00:00Z", List.of("sw-1", "sw-2", "sw-3"));
            assertEquals(ServiceState.MAINTENANCE, state(h));
            assertEquals(ServiceState.MAINTENANCE, component(h, "core").state());
            runUntil(h, "2026-11-10T02:59:00Z", List.of("sw-1", "sw-2", "sw-3"));
            runUntil(h, "2026-11-10T03:10:00Z", all);
            assertEquals(ServiceState.UP, state(h));

            List<Incident> incidents = h.onLoop(() -> h.services.store().incidents("network", 0, Long.MAX_VALUE, 10));
            assertEquals(List.of(
                    new Incident("network", ms("2026-11-10T01:59:00Z"), OptionalLong.of(ms("2026-11-10T02:00:00Z")), List.of("core")),
                    new Incident("network", ms("2026-11-09T22:34:00Z"), OptionalLong.of(ms("2026-11-09T23:00:00Z")), List.of("switches"))), incidents);
            var history = h.onLoop(() -> h.services.store().history("service", "network", 0, Long.MAX_VALUE));
            var definition = h.services.evaluator.catalog().get("network");
            // 9 Nov from 21:00: 180 min; 30 in maintenance; down 22:34-23:00 = 26; up 124.
            Figures ninth = ServiceMaths.measure(definition, history, new Span(ms("2026-11-09T00:00:00Z"), ms("2026-11-10T00:00:00Z")));
            assertEquals(List.of(180L, 30L, 124L, 26L, 0L), minutes(ninth));
            // 10 Nov to 03:10: 190 min; 60 in maintenance; down 01:59-02:00 = 1; up 129.
            Figures tenth = ServiceMaths.measure(definition, history, new Span(ms("2026-11-10T00:00:00Z"), ms("2026-11-10T03:10:00Z")));
            assertEquals(List.of(190L, 60L, 129L, 1L, 0L), minutes(tenth));

            // The clock steps back five minutes (NTP): history must not come to overlap itself.
            h.clock.advance(Duration.ofMinutes(-5));
            h.evaluate(all);
            h.step(MINUTE, all);
            var stepped = h.onLoop(() -> h.services.store().history("service", "network", 0, Long.MAX_VALUE));
            for (int i = 1; i < stepped.size(); i++) {
                assertTrue(stepped.get(i - 1).endMs() <= stepped.get(i).startMs(), stepped.toString());
            }
            assertEquals(history, stepped, "nothing recorded for time already covered");

            assertEquals(ServiceState.NO_DATA, h.services.evaluator.status("ghost").orElseThrow().state());
            assertTrue(h.services.conditions().conditionsAt(clock.instant()).stream()
                    .anyMatch(c -> c.rule().equals("service_no_data") && c.labels().get("service").equals("ghost")));
            assertTrue(h.registry.scrape().contains("kilowatch_service_no_data{service=\"ghost\"} 1.0"));
        }
    }

    private static List<Long> minutes(Figures f) {
        return List.of(f.serviceMs() / 60_000, f.maintenanceMs() / 60_000, f.upMs() / 60_000, f.downMs() / 60_000, f.noDataMs() / 60_000);
    }

    private static long ms(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    private static ServiceStatus.ComponentStatus component(ServiceHarness h, String name) {
        return h.services.evaluator.status("network").orElseThrow().components().stream()
                .filter(c -> c.ref().name().equals(name)).findFirst().orElseThrow();
    }

    private static ServiceState state(ServiceHarness h) {
        return h.services.evaluator.status("network").orElseThrow().state();
    }

    private static void runUntil(ServiceHarness h, String until, List<String> reporting) {
        while (h.clock.instant().isBefore(Instant.parse(until))) {
            h.step(MINUTE, reporting);
        }
    }
}
