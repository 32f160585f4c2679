package io.kilowatch.collector.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.collector.alerting.AlertStore;
import io.kilowatch.collector.cluster.Claims;
import io.kilowatch.collector.cluster.Cluster;
import io.kilowatch.collector.cluster.Duty;
import io.kilowatch.collector.cluster.Fence;
import io.kilowatch.collector.cluster.FencedOff;
import io.kilowatch.collector.cluster.Leases;
import io.kilowatch.collector.cluster.TestCluster;
import io.kilowatch.core.alerting.Alert;
import io.kilowatch.core.alerting.Severity;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Leases for singleton duties and claimed SNMP targets, between two collector ids each with a store connection of its own
 * (two {@link Database}s on one store), on SQLite and PostgreSQL: takeover after expiry, fencing, fair shares, poller groups.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(StoreKind.class)
class JdbcLeasesTest {
    /** Short, so takeovers happen within the test, yet seconds longer than a slow round trip; the database's clock decides expiry. */
    private static final Duration LEASE = Duration.ofMillis(3_000);

    @Parameter
    StoreKind kind;
    @TempDir
    Path dir;

    private static void waitPast(Duration lease) throws InterruptedException {
        Thread.sleep(lease.toMillis() + 300);
    }

    @Test
    void aDutyIsTakenOverOnlyOnceItsLeaseHasRunOutWithANewTokenAndTheOldTokensWritesAreRefused() throws Exception {
        StoreKind.TestStore store = kind.fresh(dir);
        try (Database a = store.open(); Database b = store.open()) {
            Leases leasesA = new JdbcLeases(a);
            Leases leasesB = new JdbcLeases(b);
            List<Leases.Lease> first = leasesA.acquire("a", List.of("alerting"), LEASE.toMillis()).await();
            assertEquals(1, first.size());
            long tokenA = first.get(0).token();
            assertEquals(List.of(), leasesB.acquire("b", List.of("alerting"), LEASE.toMillis()).await(), "held by a and not run out");
            Thread.sleep(LEASE.toMillis() / 2);
            assertEquals(tokenA, leasesA.acquire("a", List.of("alerting"), LEASE.toMillis()).await().get(0).token(), "a renewal keeps the token");
            Thread.sleep(LEASE.toMillis() / 2 + 200);
            assertEquals(List.of(), leasesB.acquire("b", List.of("alerting"), LEASE.toMillis()).await(), "renewed, so still a's");

            waitPast(LEASE); // a dies: no more renewals
            List<Leases.Lease> taken = leasesB.acquire("b", List.of("alerting"), LEASE.toMillis()).await();
            assertEquals(1, taken.size());
            assertEquals("b", taken.get(0).holder());
            assertTrue(taken.get(0).token() > tokenA, "a takeover fences off the previous holder");
            assertEquals(List.of(), leasesA.acquire("a", List.of("alerting"), LEASE.toMillis()).await(), "a, back, does not take it from b");

            Alert alert = alert();
            JdbcAlertStore alertsA = new JdbcAlertStore(a);
            JdbcAlertStore alertsB = new JdbcAlertStore(b);
            Fence stale = new Fence("alerting", tokenA);
            assertInstanceOf(FencedOff.class, alertsA.fired(List.of(alert), stale).cause());
            AlertStore.NotificationRecord claim = new AlertStore.NotificationRecord("hook", 1, "firing", AlertStore.NotificationRecord.SENDING, null);
            assertInstanceOf(FencedOff.class, alertsA.notified(List.of(alert.id()), claim, stale).cause());
            assertEquals(List.of(), alertsB.firing().await(), "the stale holder's write changed nothing");

            alertsB.fired(List.of(alert), new Fence("alerting", taken.get(0).token())).await();
            alertsB.notified(List.of(alert.id()), claim, new Fence("alerting", taken.get(0).token())).await();
            List<AlertStore.HistoryEntry> firing = alertsA.firing().await();
            assertEquals(List.of(alert.id()), firing.stream().map(e -> e.alert().id()).toList());
            assertEquals(List.of(AlertStore.NotificationRecord.SENDING), firing.get(0).notifications().stream()
                    .map(AlertStore.NotificationRecord::outcome).toList());
        }
    }

    @Test
    void aCollectorThatLeavesHandsItsDutiesOverAtOnce() {
        StoreKind.TestStore store = kind.fresh(dir);
        try (Database a = store.open(); Database b = store.open()) {
            Cluster clusterA = TestCluster.on(a, "a", Duration.ofMinutes(5), "default");
            Cluster clusterB = TestCluster.on(b, "b", Duration.ofMinutes(5), "default");
            Duty dutyA = clusterA.duty("alerting");
            Duty dutyB = clusterB.duty("alerting");
            List<Long> takenByB = new ArrayList<>();
            dutyB.onTaken(takenByB::add);
            clusterA.renew().await();
            clusterB.renew().await();
            assertTrue(dutyA.held());
            assertFalse(dutyB.held());
            clusterA.leave().await();
            assertFalse(dutyA.held());
            clusterB.renew().await();
            assertTrue(dutyB.held(), "a gave the lease back: no need to wait for it to run out");
            assertEquals(List.of(dutyA.fence().token() + 1), takenByB);
        }
    }

    @Test
    void aDutyWhoseRenewalStopsIsNoLongerHeldLocallyAndIsLostWhenAnotherTakesIt() throws Exception {
        StoreKind.TestStore store = kind.fresh(dir);
        try (Database a = store.open(); Database b = store.open()) {
            Cluster clusterA = TestCluster.on(a, "a", LEASE, "default");
            Cluster clusterB = TestCluster.on(b, "b", LEASE, "default");
            Duty dutyA = clusterA.duty("retention");
            Duty dutyB = clusterB.duty("retention");
            List<String> events = new ArrayList<>();
            dutyA.onLost(() -> events.add("a lost"));
            dutyB.onTaken(t -> events.add("b took " + t));
            clusterA.renew().await();
            clusterB.renew().await();
            assertTrue(dutyA.held());
            waitPast(LEASE);
            assertFalse(dutyA.held(), "unrenewed, a stops acting at the end of its lease by its own clock");
            clusterB.renew().await();
            assertTrue(dutyB.held());
            clusterA.renew().await();
            assertFalse(dutyA.held());
            assertEquals(List.of("b took 2", "a lost"), events);
        }
    }

    @Test
    void targetsAreSpreadFairlyAndADeadCollectorsTargetsAreTakenOver() throws Exception {
        StoreKind.TestStore store = kind.fresh(dir);
        Map<String, String> targets = new LinkedHashMap<>();
        IntStream.range(0, 9).forEach(i -> targets.put("ups-" + i, "default"));
        try (Database a = store.open(); Database b = store.open()) {
            Cluster clusterA = TestCluster.on(a, "a", LEASE, "default");
            Cluster clusterB = TestCluster.on(b, "b", LEASE, "default");
            Claims claimsA = clusterA.claims("snmp", () -> targets);
            Claims claimsB = clusterB.claims("snmp", () -> targets);
            clusterA.renew().await();
            assertEquals(targets.keySet(), claimsA.held(), "alone, a polls everything");
            clusterB.renew().await(); // b is live now, but a holds all
            clusterA.renew().await(); // a sees two live collectors: its share is 5, it gives 4 back
            clusterB.renew().await();
            assertEquals(5, claimsA.held().size());
            assertEquals(4, claimsB.held().size());
            Set<String> union = new HashSet<>(claimsA.held());
            union.addAll(claimsB.held());
            assertEquals(targets.keySet(), union, "every target polled, each by one collector");
            assertTrue(claimsA.held().stream().noneMatch(claimsB.held()::contains));

            waitPast(LEASE); // a dies
            clusterB.renew().await();
            assertEquals(targets.keySet(), claimsB.held(), "b, alone again, took a's targets");
            assertFalse(claimsA.holds("ups-0"), "a's own claims ran out by its clock");
        }
    }

    @Test
    void aCollectorPollsOnlyTheTargetsOfItsPollerGroups() {
        StoreKind.TestStore store = kind.fresh(dir);
        Map<String, String> targets = Map.of("core-switch", "default", "school-17-ups", "school-17", "school-18-pdu", "school-18");
        try (Database a = store.open(); Database b = store.open()) {
            Cluster central = TestCluster.on(a, "central", Duration.ofMinutes(5), "default");
            Cluster school = TestCluster.on(b, "school-17-poller", Duration.ofMinutes(5), "school-17");
            Claims centralClaims = central.claims("snmp", () -> targets);
            Claims schoolClaims = school.claims("snmp", () -> targets);
            central.renew().await();
            school.renew().await();
            central.renew().await();
            assertEquals(Set.of("core-switch"), centralClaims.held());
            assertEquals(Set.of("school-17-ups"), schoolClaims.held(), "the remote poller takes its site's target, and only that");
            Leases.View view = new JdbcLeases(a).view(Duration.ofMinutes(5).toMillis()).await();
            assertEquals(List.of("central", "school-17-poller"), view.collectors().stream().map(Leases.Member::collectorId).toList());
            assertTrue(view.leases().stream().noneMatch(l -> l.name().equals("snmp:school-18-pdu")), "no collector polls school-18: nobody holds it");
        }
    }

    private static Alert alert() {
        Map<String, String> labels = Map.of("device", "pc-1");
        Instant at = Instant.parse("2026-03-02T09:00:00Z");
        return new Alert(Alert.fingerprint("device_down", labels), "device_down", labels, Severity.PAGE, "pc-1 is down", Double.NaN,
                Alert.State.FIRING, at, at, at, null);
    }
}
