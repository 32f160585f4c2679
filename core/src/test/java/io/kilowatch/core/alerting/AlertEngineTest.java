package io.kilowatch.core.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.core.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Each transition of the alert lifecycle on a manual clock. */
class AlertEngineTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2026-03-02T09:00:00Z"));
    private final AlertEngine engine = new AlertEngine(Map.of(
            "device_down", new AlertRule("device_down", true, Severity.TICKET, Duration.ofMinutes(5), Duration.ofMinutes(2), List.of("mail")),
            "service_burn_rate_page", new AlertRule("service_burn_rate_page", true, Severity.PAGE, Duration.ZERO, Duration.ZERO, List.of()),
            "probe_failing", new AlertRule("probe_failing", false, Severity.TICKET, Duration.ZERO, Duration.ZERO, List.of())));

    private static Condition down(String device) {
        return new Condition("device_down", Map.of("device", device, "site", "HQ"), Double.NaN, device + " is down");
    }

    private AlertEngine.Evaluation tick(Duration step, Condition... conditions) {
        clock.advance(step);
        return engine.evaluate(clock.instant(), List.of(conditions));
    }

    @Test
    void aConditionIsPendingUntilItHasHeldForTheRulesDurationThenFires() {
        AlertEngine.Evaluation first = tick(Duration.ZERO, down("pc-1"));
        assertEquals(List.of(), first.fired());
        assertEquals(Alert.State.PENDING, engine.active().get(0).state());
        assertEquals(List.of(), tick(Duration.ofMinutes(4), down("pc-1")).fired(), "4 min < for 5m: still pending");
        assertEquals(Alert.State.PENDING, engine.active().get(0).state());

        AlertEngine.Evaluation fired = tick(Duration.ofMinutes(1), down("pc-1"));
        assertEquals(1, fired.fired().size());
        Alert alert = fired.fired().get(0);
        assertEquals(Alert.State.FIRING, alert.state());
        assertEquals(Instant.parse("2026-03-02T09:00:00Z"), alert.activeSince());
        assertEquals(Instant.parse("2026-03-02T09:05:00Z"), alert.firingSince());
        assertEquals(Severity.TICKET, alert.severity());
        assertEquals("pc-1 is down", alert.summary());
        assertEquals(List.of(), tick(Duration.ofMinutes(1), down("pc-1")).fired(), "fires once, not on every evaluation");
    }

    @Test
    void activeAlertsAreListedFiringFirstThenByRuleThenByLabels() {
        Condition page = new Condition("service_burn_rate_page", Map.of("service", "email"), 15.0, "email burns its budget");
        tick(Duration.ZERO, down("pc-2"), page, down("pc-10"), down("pc-1"));
        assertEquals(List.of("service_burn_rate_page email", "device_down pc-1", "device_down pc-10", "device_down pc-2"),
                engine.active().stream().map(a -> a.rule() + " " + a.labels().getOrDefault("device", a.labels().get("service"))).toList());
    }

    @Test
    void aPendingAlertWhoseConditionGoesAwayIsDroppedWithoutResolving() {
        tick(Duration.ZERO, down("pc-1"));
        AlertEngine.Evaluation gone = tick(Duration.ofMinutes(3));
        assertEquals(List.of(), gone.resolved());
        assertEquals(List.of(), engine.active());
        tick(Duration.ofMinutes(1), down("pc-1"));
        assertEquals(List.of(), tick(Duration.ofMinutes(4), down("pc-1")).fired(), "the for-duration starts over");
    }

    @Test
    void aFiringAlertResolvesOnlyAfterKeepFiringForSoFlappingDoesNotRefire() {
        tick(Duration.ZERO, down("pc-1"));
        tick(Duration.ofMinutes(5), down("pc-1"));
        String id = engine.active().get(0).id();

        assertEquals(List.of(), tick(Duration.ofMinutes(1)).resolved(), "gone 1 min < keep_firing_for 2m");
        assertEquals(Alert.State.FIRING, engine.active().get(0).state());
        AlertEngine.Evaluation back = tick(Duration.ofSeconds(30), down("pc-1"));
        assertEquals(List.of(), back.fired(), "a flap within keep_firing_for is the same alert, not a new one");
        assertEquals(id, engine.active().get(0).id());

        tick(Duration.ofMinutes(1));
        AlertEngine.Evaluation resolved = tick(Duration.ofMinutes(1));
        assertEquals(1, resolved.resolved().size());
        Alert r = resolved.resolved().get(0);
        assertEquals(Alert.State.RESOLVED, r.state());
        assertEquals(clock.instant(), r.resolvedAt());
        assertEquals(Instant.parse("2026-03-02T09:06:30Z"), r.lastSeen());
        assertEquals(List.of(), engine.active());
    }

    @Test
    void zeroForFiresAtOnceAndZeroKeepResolvesAtOnce() {
        Condition burn = new Condition("service_burn_rate_page", Map.of("service", "email"), 15.2, "email burning at 15.2x");
        AlertEngine.Evaluation fired = tick(Duration.ZERO, burn);
        assertEquals(1, fired.fired().size());
        assertEquals(Severity.PAGE, fired.fired().get(0).severity());
        assertEquals(15.2, fired.fired().get(0).value());
        assertEquals(1, tick(Duration.ofSeconds(15)).resolved().size());
    }

    @Test
    void disabledAndUnknownRulesMakeNoAlertsAndUnknownOnesAreNamed() {
        AlertEngine.Evaluation e = tick(Duration.ZERO,
                new Condition("probe_failing", Map.of("probe", "web"), Double.NaN, "web down"),
                new Condition("made_up_rule", Map.of(), Double.NaN, "?"));
        assertEquals(List.of(), engine.active());
        assertEquals(Set.of("made_up_rule"), e.unknownRules());
    }

    @Test
    void alertsAreIdentifiedByRuleAndLabelsAndEachFiringIsAnotherHistoryEntry() {
        tick(Duration.ZERO, down("pc-1"), down("pc-2"), down("pc-1"));
        assertEquals(2, engine.active().size(), "duplicate conditions make one alert");
        Alert pc1 = engine.active().stream().filter(a -> a.labels().get("device").equals("pc-1")).findFirst().orElseThrow();
        assertEquals(Alert.fingerprint("device_down", Map.of("site", "HQ", "device", "pc-1")), pc1.fingerprint());
        assertNotEquals(Alert.fingerprint("device_down", Map.of("device", "pc-2", "site", "HQ")), pc1.fingerprint());
        assertNotEquals(Alert.fingerprint("device_down", Map.of("device", "pc-1")), pc1.fingerprint());
        assertNull(pc1.firingSince());
        tick(Duration.ofMinutes(5), down("pc-1"));
        String first = engine.active().get(0).id();
        tick(Duration.ofMinutes(3));
        tick(Duration.ZERO, down("pc-1"));
        tick(Duration.ofMinutes(5), down("pc-1"));
        assertNotEquals(first, engine.active().get(0).id());
        assertTrue(engine.active().get(0).id().startsWith(pc1.fingerprint()));
    }

    @Test
    void aRestoredFiringAlertKeepsFiringWithoutFiringAgainAndResolvesWhenItsConditionIsGone() {
        Alert before = new Alert(Alert.fingerprint("device_down", Map.of("device", "pc-1", "site", "HQ")), "device_down",
                Map.of("device", "pc-1", "site", "HQ"), Severity.TICKET, "pc-1 is down", Double.NaN, Alert.State.FIRING,
                Instant.parse("2026-03-02T08:00:00Z"), Instant.parse("2026-03-02T08:05:00Z"), Instant.parse("2026-03-02T08:50:00Z"), null);
        engine.restore(before, clock.instant());
        AlertEngine.Evaluation e = tick(Duration.ofSeconds(15), down("pc-1"));
        assertEquals(List.of(), e.fired());
        assertEquals(before.id(), engine.active().get(0).id());
        tick(Duration.ofMinutes(1));
        AlertEngine.Evaluation resolved = tick(Duration.ofMinutes(2));
        assertEquals(before.id(), resolved.resolved().get(0).id());
        assertEquals(before.firingSince(), resolved.resolved().get(0).firingSince());
    }
}
