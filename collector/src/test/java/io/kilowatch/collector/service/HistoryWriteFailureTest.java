package io.kilowatch.collector.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kilowatch.collector.store.StoreException;
import io.kilowatch.core.service.Incident;
import io.kilowatch.core.service.ServiceState;
import io.kilowatch.core.service.StateInterval;
import io.kilowatch.core.testing.ManualClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** History the store failed to take (a full disk, a locked database) is written with the next evaluation, not lost. */
@ExtendWith(VertxExtension.class)
class HistoryWriteFailureTest {
    @TempDir
    Path dir;

    @Test
    void failedWritesAreRetriedWithTheNextEvaluation(Vertx vertx) throws Exception {
        Path file = dir.resolve("services.yaml");
        Files.writeString(file, "services:\n  web:\n    time_zone: UTC\n    components:\n      host: {device: web-1}\n");
        AtomicInteger failuresLeft = new AtomicInteger(2);
        ManualClock clock = new ManualClock(Instant.parse("2026-11-10T10:00:00Z"));
        Duration step = Duration.ofSeconds(10);
        try (ServiceHarness h = new ServiceHarness(vertx, clock, dir.resolve("data"), file, step, 4, real -> new ServiceHistoryStore() {
            @Override
            public Future<Void> record(List<IntervalRow> intervals, List<Incident> incidents) {
                if (failuresLeft.getAndDecrement() > 0) {
                    return Future.failedFuture(new StoreException("disk full", null));
                }
                return real.record(intervals, incidents);
            }

            @Override
            public Future<List<StateInterval>> history(String kind, String subject, long fromMs, long toMs) {
                return real.history(kind, subject, fromMs, toMs);
            }

            @Override
            public Future<Map<String, List<StateInterval>>> serviceHistories(long sinceMs) {
                return real.serviceHistories(sinceMs);
            }

            @Override
            public Future<List<Incident>> incidents(String service, long fromMs, long toMs, int limit) {
                return real.incidents(service, fromMs, toMs, limit);
            }

            @Override
            public Future<List<Incident>> openIncidents() {
                return real.openIncidents();
            }
        })) {
            h.start();
            // Up at 10:00, then web-1 falls silent: down from 10:03:10 (its allowance is three 60 s reports).
            assertThrows(Exception.class, () -> h.evaluate(List.of("web-1")), "the first write fails and says so");
            for (int i = 0; i < 25; i++) {
                try {
                    h.step(step, List.of());
                } catch (Exception e) {
                    assertEquals(1, i + 1, "only the second write fails too");
                }
            }
            long t0 = clock.instant().minusSeconds(250).toEpochMilli();
            List<StateInterval> stored = h.onLoop(() -> h.services.store().history("service", "web", 0, Long.MAX_VALUE));
            assertEquals(List.of(new StateInterval(t0, t0 + 190_000, ServiceState.UP),
                    new StateInterval(t0 + 190_000, t0 + 250_000, ServiceState.DOWN)), stored);
            assertEquals(1, h.onLoop(() -> h.services.store().openIncidents()).size());
        }
    }
}
