package io.kilowatch.collector.store;

import static io.kilowatch.collector.estate.Reports.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.collector.carbon.IntensityCache;
import io.kilowatch.collector.estate.EstateStore;
import io.kilowatch.collector.estate.ReportAccounting;
import io.kilowatch.core.carbon.AnnualGridFactors;
import io.kilowatch.core.carbon.CarbonPolicy;
import io.kilowatch.core.carbon.SiteCarbon;
import io.kilowatch.core.report.Report;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reports stored through one collector are announced to the others on the same PostgreSQL by LISTEN/NOTIFY. */
class PgEstateChangesTest {
    private static final Instant T0 = Instant.now().minusSeconds(600);
    private final ReportAccounting accounting = new ReportAccounting(new CarbonPolicy(new SiteCarbon(AnnualGridFactors.ukDesnz(),
            AnnualGridFactors.ukDesnzTdLosses(), "national", 1.0, null), Map.of(), ZoneId.of("UTC")), ZoneId.of("UTC"), new IntensityCache());

    @TempDir
    Path dir;

    private void ingest(JdbcStore store, String device, long sequence) {
        Report r = report().device(device).sequence(sequence).at(T0.plusSeconds(15 * sequence)).bootedAt(T0.minusSeconds(3600))
                .counter(5.0 * sequence).build();
        store.ingest(List.of(new EstateStore.Pending(device, sequence, r.host().bootTime().toEpochMilli(), r.timestamp().toEpochMilli(),
                (previous, metered) -> accounting.plan(r, previous, r.timestamp().toEpochMilli(), null))));
    }

    @Test
    void anotherCollectorHearsOfAStoredReportAndTheOneThatStoredItDoesNot() throws Exception {
        StoreConfig config = TestPostgres.shared().freshDatabase(dir);
        try (Database a = Database.open(config); Database b = Database.open(config)) {
            LinkedBlockingQueue<Set<String>> heardOnA = new LinkedBlockingQueue<>();
            LinkedBlockingQueue<Set<String>> heardOnB = new LinkedBlockingQueue<>();
            a.estateChanges().subscribe(heardOnA::add, () -> { });
            b.estateChanges().subscribe(heardOnB::add, () -> { });
            Thread.sleep(500); // both listening
            ingest(new JdbcStore(a), "pc-1", 1);
            assertEquals(Set.of("pc-1"), heardOnB.poll(3, TimeUnit.SECONDS));
            ingest(new JdbcStore(a), "pc-1", 1); // a resend stores nothing and announces nothing
            ingest(new JdbcStore(b), "pc-2", 1);
            assertEquals(Set.of("pc-2"), heardOnA.poll(3, TimeUnit.SECONDS));
            Thread.sleep(1_500);
            assertTrue(heardOnA.isEmpty() && heardOnB.isEmpty(), "A heard " + heardOnA + ", B heard " + heardOnB);
        }
    }

    @Test
    void payloadsStayUnderNotifysLimitAndCarryEveryDevice() {
        List<String> devices = IntStream.range(0, 200).mapToObj(i -> "device-" + "x".repeat(100) + "-" + i).toList();
        List<String> payloads = PgEstateChanges.payloads("instance", devices);
        assertTrue(payloads.size() > 1);
        payloads.forEach(p -> assertTrue(p.length() < 8000 && p.startsWith("instance,"), p.length() + " bytes"));
        assertEquals(devices, payloads.stream().flatMap(p -> List.of(p.split(",")).subList(1, p.split(",").length).stream()).toList());
        assertEquals(List.of(), PgEstateChanges.payloads("instance", List.of()));
    }

    @Test
    void afterAnOutageTheListenerConnectsAgainAndSaysChangesWereMissed() throws Exception {
        TestPostgres pg = TestPostgres.dedicated();
        try {
            StoreConfig config = pg.freshDatabase(dir);
            try (Database a = Database.open(config); Database b = Database.open(config)) {
                LinkedBlockingQueue<Set<String>> heard = new LinkedBlockingQueue<>();
                CountDownLatch missed = new CountDownLatch(1);
                b.estateChanges().subscribe(heard::add, missed::countDown);
                Thread.sleep(500);
                pg.crash();
                pg.restart();
                assertTrue(missed.await(20, TimeUnit.SECONDS), "told that changes were missed once listening again");
                JdbcStore store = new JdbcStore(a);
                for (int attempt = 0; ; attempt++) { // A gives its broken connection back on a check, as /health does
                    try {
                        a.check();
                        break;
                    } catch (StoreException e) {
                        if (attempt == 5) {
                            throw e;
                        }
                    }
                }
                ingest(store, "pc-1", 1);
                assertEquals(Set.of("pc-1"), heard.poll(5, TimeUnit.SECONDS));
                assertEquals(Collections.emptyList(), List.copyOf(heard));
            }
        } finally {
            pg.close();
        }
    }
}
