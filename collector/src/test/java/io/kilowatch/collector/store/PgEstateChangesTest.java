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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
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

    /**
     * Returns once each queue's collector is listening, with the queues empty. A NOTIFY sent before LISTEN is lost, so
     * probes are sent until each queue hears one; a last probe, heard after any earlier one, then empties the queues.
     */
    private static void untilListening(StoreConfig config, List<LinkedBlockingQueue<Set<String>>> queues) throws Exception {
        StoreConfig.Postgresql pg = config.postgresql();
        try (Connection c = DriverManager.getConnection(pg.url(), pg.user(), pg.password().orElse(null))) {
            int probe = 0;
            for (LinkedBlockingQueue<Set<String>> queue : queues) {
                for (Set<String> heard = null; heard == null; heard = queue.poll(100, TimeUnit.MILLISECONDS)) {
                    assertTrue(probe < 300, "not listening after " + probe + " probes");
                    sendProbe(c, "probe-" + probe++);
                }
            }
            sendProbe(c, "last-probe");
            for (LinkedBlockingQueue<Set<String>> queue : queues) {
                Set<String> heard;
                do {
                    heard = queue.poll(10, TimeUnit.SECONDS);
                    assertTrue(heard != null, "the last probe never arrived");
                } while (!heard.contains("last-probe"));
                assertEquals(Collections.emptyList(), List.copyOf(queue));
            }
        }
    }

    private static void sendProbe(Connection c, String device) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            ps.setString(1, PgEstateChanges.CHANNEL);
            ps.setString(2, "probe-collector," + device);
            ps.execute();
        }
    }

    @Test
    void anotherCollectorHearsOfAStoredReportAndTheOneThatStoredItDoesNot() throws Exception {
        StoreConfig config = TestPostgres.shared().freshDatabase(dir);
        try (Database a = Database.open(config); Database b = Database.open(config)) {
            LinkedBlockingQueue<Set<String>> heardOnA = new LinkedBlockingQueue<>();
            LinkedBlockingQueue<Set<String>> heardOnB = new LinkedBlockingQueue<>();
            a.estateChanges().subscribe(heardOnA::add, () -> { });
            b.estateChanges().subscribe(heardOnB::add, () -> { });
            untilListening(config, List.of(heardOnA, heardOnB));
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
                untilListening(config, List.of(heard));
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
