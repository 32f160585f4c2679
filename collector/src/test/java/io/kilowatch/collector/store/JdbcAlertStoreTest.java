package io.kilowatch.collector.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.collector.alerting.AlertStore;
import io.kilowatch.collector.cluster.Fence;
import io.kilowatch.collector.cluster.TestCluster;
import io.kilowatch.core.alerting.Alert;
import io.kilowatch.core.alerting.LabelMatcher;
import io.kilowatch.core.alerting.Severity;
import io.kilowatch.core.alerting.Silence;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** History and silences written, paged, filtered, and read back after the store is reopened; on SQLite and PostgreSQL. */
@ParameterizedClass(name = "{0}")
@EnumSource(StoreKind.class)
class JdbcAlertStoreTest {
    private static final Instant T = Instant.parse("2026-03-02T09:00:00Z");

    @Parameter
    StoreKind kind;
    @TempDir
    Path dir;

    private static Alert firing(String device, Duration after, Severity severity) {
        Map<String, String> labels = Map.of("device", device);
        Instant at = T.plus(after);
        return new Alert(Alert.fingerprint("device_down", labels), "device_down", labels, severity, device + " is down",
                device.equals("pc-1") ? 90 : Double.NaN, Alert.State.FIRING, at.minusSeconds(300), at, at, null);
    }

    private static AlertStore.HistoryQuery page(int limit, int offset) {
        return new AlertStore.HistoryQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), limit, offset);
    }

    @Test
    void historyIsPagedNewestFirstWithItsMessagesAndSurvivesReopening() {
        Alert pc1 = firing("pc-1", Duration.ZERO, Severity.TICKET);
        Alert pc2 = firing("pc-2", Duration.ofMinutes(1), Severity.PAGE);
        Alert pc3 = firing("pc-3", Duration.ofMinutes(2), Severity.TICKET);
        StoreKind.TestStore testStore = kind.fresh(dir);
        try (JdbcStore store = testStore.openStore()) {
            AlertStore alerts = new JdbcAlertStore(store.database());
            Fence fence = TestCluster.heldDuty(store.database(), "alerting").fence();
            alerts.fired(List.of(pc1, pc2), fence).await();
            alerts.fired(List.of(pc3), fence).await();
            alerts.fired(List.of(pc1), fence).await(); // recorded twice (a retry): still one alert
            AlertStore.NotificationRecord claimed = new AlertStore.NotificationRecord("hook", T.plusSeconds(30).toEpochMilli(), "firing",
                    AlertStore.NotificationRecord.SENDING, null);
            alerts.notified(List.of(pc1.id(), pc2.id()), claimed, fence).await();
            alerts.settled(List.of(pc1.id(), pc2.id()), claimed, AlertStore.NotificationRecord.DELIVERED, "attempts 1", T.plusSeconds(31).toEpochMilli())
                    .await();
            alerts.resolved(List.of(new Alert(pc1.fingerprint(), pc1.rule(), pc1.labels(), pc1.severity(), "pc-1 is back", pc1.value(),
                    Alert.State.RESOLVED, pc1.activeSince(), pc1.firingSince(), T.plusSeconds(600), T.plusSeconds(660))), fence).await();
            alerts.saveSilence(new Silence("s1", List.of(new LabelMatcher("device", LabelMatcher.Op.REGEX, "pc-.*")), T, T.plusSeconds(3600),
                    "ada", "moving desks", T)).await();
        }
        try (JdbcStore store = testStore.openStore()) {
            AlertStore alerts = new JdbcAlertStore(store.database());
            AlertStore.HistoryPage first = alerts.history(page(2, 0)).await();
            assertEquals(3, first.total());
            assertEquals(List.of(pc3.id(), pc2.id()), first.entries().stream().map(e -> e.alert().id()).toList());
            AlertStore.HistoryPage second = alerts.history(page(2, 2)).await();
            assertEquals(1, second.entries().size());
            AlertStore.HistoryEntry old = second.entries().get(0);
            assertEquals(Alert.State.RESOLVED, old.alert().state());
            assertEquals(T.plusSeconds(660), old.alert().resolvedAt());
            assertEquals("pc-1 is back", old.alert().summary());
            assertEquals(90.0, old.alert().value());
            assertEquals(List.of("hook"), old.notifications().stream().map(AlertStore.NotificationRecord::channel).toList());
            assertEquals(List.of(AlertStore.NotificationRecord.DELIVERED), old.notifications().stream().map(AlertStore.NotificationRecord::outcome).toList(),
                    "the claim was settled in place, not recorded twice");
            assertTrue(Double.isNaN(first.entries().get(0).alert().value()));

            assertEquals(List.of(pc2.id(), pc3.id()), alerts.firing().await().stream().map(e -> e.alert().id()).toList(), "oldest first");
            assertEquals(1, alerts.history(new AlertStore.HistoryQuery(Optional.of("device_down"), Optional.of("page"), Optional.of(true),
                    Optional.empty(), Optional.empty(), 10, 0)).await().total());
            assertEquals(1, alerts.history(new AlertStore.HistoryQuery(Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.of(T.plusSeconds(700).toEpochMilli()), Optional.of(T.plusSeconds(90).toEpochMilli()), 10, 0)).await().total(),
                    "only pc-2 fired before the window ended and had not resolved before it began");

            Silence s = alerts.silence("s1").await().orElseThrow();
            assertEquals("device=~\"pc-.*\"", s.matchers().get(0).toString());
            assertEquals(1, alerts.silences(T.toEpochMilli()).await().size());
            alerts.saveSilence(s.expiredAt(T.plusSeconds(60))).await();
            assertEquals(T.plusSeconds(60), alerts.silence("s1").await().orElseThrow().endsAt());
            assertEquals(0, alerts.silences(T.plusSeconds(61).toEpochMilli()).await().size());
        }
    }

    @Test
    void aStormOfAlertsIsRecordedInOneWriteAndAStaleHoldersWriteRecordsNone() {
        List<Alert> storm = java.util.stream.IntStream.range(0, 500).mapToObj(i -> firing("pc-" + i, Duration.ofSeconds(i), Severity.TICKET)).toList();
        StoreKind.TestStore testStore = kind.fresh(dir);
        try (JdbcStore store = testStore.openStore()) {
            AlertStore alerts = new JdbcAlertStore(store.database());
            Fence fence = TestCluster.heldDuty(store.database(), "alerting").fence();
            Fence stale = new Fence("alerting", fence.token() - 1);
            assertTrue(alerts.fired(storm.subList(0, 10), stale).failed(), "a write under a lease no longer held");
            assertEquals(0, alerts.firing().await().size(), "the refused write recorded none of its alerts");

            alerts.fired(storm, fence).await();
            assertEquals(500, alerts.firing().await().size());
            Instant back = T.plusSeconds(3600);
            alerts.resolved(storm.subList(0, 200).stream().map(a -> new Alert(a.fingerprint(), a.rule(), a.labels(), a.severity(), "back",
                    a.value(), Alert.State.RESOLVED, a.activeSince(), a.firingSince(), back, back)).toList(), fence).await();
            assertEquals(300, alerts.firing().await().size());
        }
    }
}
