package io.kilowatch.core.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.core.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Grouping, group wait and interval, repeat, flapping and silences, end to end from conditions to messages. */
class NotificationGrouperTest {
    private static final Duration EVALUATION = Duration.ofSeconds(15);
    private final ManualClock clock = new ManualClock(Instant.parse("2026-03-02T09:00:00Z"));
    private final AlertEngine engine = new AlertEngine(Map.of(
            "device_down", new AlertRule("device_down", true, Severity.TICKET, Duration.ZERO, Duration.ZERO, List.of("mail", "hook")),
            "probe_failing", new AlertRule("probe_failing", true, Severity.PAGE, Duration.ZERO, Duration.ZERO, List.of("hook"))));
    private final NotificationGrouper grouper = new NotificationGrouper(
            new GroupingPolicy(List.of("rule"), Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofHours(4)));
    private final List<Silence> silences = new ArrayList<>();
    private final List<Notification> sent = new ArrayList<>();
    private final List<NotificationGrouper.Muted> muted = new ArrayList<>();

    private static Condition down(String device) {
        return new Condition("device_down", Map.of("device", device, "site", "HQ"), Double.NaN, device + " is down");
    }

    /** Runs evaluations every 15 s with the same conditions for {@code span}, flushing every second as the collector does. */
    private void run(Duration span, Condition... conditions) {
        Instant end = clock.instant().plus(span);
        Instant nextEvaluation = clock.instant();
        while (clock.instant().isBefore(end)) {
            if (!clock.instant().isBefore(nextEvaluation)) {
                AlertEngine.Evaluation e = engine.evaluate(clock.instant(), List.of(conditions));
                e.fired().forEach(a -> grouper.add(a, engine.rules().get(a.rule()).channels(), clock.instant()));
                e.resolved().forEach(a -> grouper.add(a, engine.rules().get(a.rule()).channels(), clock.instant()));
                nextEvaluation = nextEvaluation.plus(EVALUATION);
            }
            NotificationGrouper.Flush flush = grouper.flush(clock.instant(), silences);
            sent.addAll(flush.notifications());
            muted.addAll(flush.muted());
            clock.advance(Duration.ofSeconds(1));
        }
    }

    private List<Notification> sentTo(String channel) {
        return sent.stream().filter(n -> n.channel().equals(channel)).toList();
    }

    @Test
    void manyDevicesDownAtOnceArriveAsOneMessagePerChannelAfterGroupWait() {
        Condition[] down = new Condition[20];
        for (int i = 0; i < down.length; i++) {
            down[i] = down("pc-" + i);
        }
        run(Duration.ofSeconds(29), down);
        assertEquals(List.of(), sent, "nothing before group_wait");
        run(Duration.ofSeconds(2), down);
        assertEquals(1, sentTo("mail").size());
        assertEquals(1, sentTo("hook").size());
        Notification n = sentTo("mail").get(0);
        assertEquals(20, n.firing().size());
        assertEquals("firing", n.status());
        assertEquals(Map.of("rule", "device_down"), n.groupLabels());
        assertEquals(Instant.parse("2026-03-02T09:00:30Z"), n.at());
        assertFalse(n.repeat());
    }

    @Test
    void differentGroupsGoSeparatelyAndAChannelOnlyGetsItsRulesAlerts() {
        run(Duration.ofSeconds(31), down("pc-1"), new Condition("probe_failing", Map.of("probe", "web"), Double.NaN, "web fails"));
        assertEquals(1, sentTo("mail").size());
        assertEquals("device_down", sentTo("mail").get(0).firing().get(0).rule());
        assertEquals(2, sentTo("hook").size(), "one group per rule");
    }

    @Test
    void aChangeWaitsForGroupIntervalAndIsBatchedWithOthers() {
        run(Duration.ofSeconds(31), down("pc-1"));
        run(Duration.ofMinutes(1), down("pc-1"));
        run(Duration.ofMinutes(2), down("pc-1"), down("pc-2"));
        run(Duration.ofMinutes(1), down("pc-1"), down("pc-2"), down("pc-3"));
        assertEquals(1, sentTo("mail").size(), "pc-2 and pc-3 wait for the group interval");
        run(Duration.ofMinutes(1), down("pc-1"), down("pc-2"), down("pc-3"));
        assertEquals(2, sentTo("mail").size());
        Notification update = sentTo("mail").get(1);
        assertEquals(3, update.firing().size());
        assertEquals(Instant.parse("2026-03-02T09:05:30Z"), update.at());
    }

    @Test
    void anUnchangedFiringGroupIsRepeatedAfterRepeatIntervalOnly() {
        run(Duration.ofSeconds(31), down("pc-1"));
        run(Duration.ofHours(4).minusMinutes(1), down("pc-1"));
        assertEquals(1, sentTo("mail").size(), "no repeat before repeat_interval");
        run(Duration.ofMinutes(6), down("pc-1"));
        assertEquals(2, sentTo("mail").size());
        Notification repeat = sentTo("mail").get(1);
        assertTrue(repeat.repeat());
        assertEquals(1, repeat.firing().size());
        assertTrue(!repeat.at().isBefore(sentTo("mail").get(0).at().plus(Duration.ofHours(4))));
    }

    @Test
    void resolvedAlertsAreSentOnceThenTheGroupEnds() {
        run(Duration.ofSeconds(31), down("pc-1"), down("pc-2"));
        run(Duration.ofMinutes(5), down("pc-1"));
        assertEquals(2, sentTo("mail").size());
        Notification partly = sentTo("mail").get(1);
        assertEquals("firing", partly.status());
        assertEquals(1, partly.resolved().size());
        assertEquals("pc-2", partly.resolved().get(0).labels().get("device"));
        run(Duration.ofMinutes(5));
        assertEquals(3, sentTo("mail").size());
        assertEquals("resolved", sentTo("mail").get(2).status());
        run(Duration.ofHours(5));
        assertEquals(3, sentTo("mail").size(), "no repeats of a resolved group");
    }

    @Test
    void aFlappingDeviceDoesNotFloodAnyone() {
        run(Duration.ofSeconds(31), down("pc-1"));
        for (int i = 0; i < 60; i++) { // an hour of flapping: 30 s down, 30 s up
            run(Duration.ofSeconds(30));
            run(Duration.ofSeconds(30), down("pc-1"));
        }
        // With for 0s and keep_firing_for 0s the engine sees 60 resolutions; the group interval lets
        // through at most one message per 5 minutes, and none at all while the flap looks steady at each tick.
        assertTrue(sentTo("mail").size() <= 1 + 60 / 5, "sent " + sentTo("mail").size());
    }

    @Test
    void keepFiringForStopsAFlappingDeviceFromEverResolving() {
        AlertEngine damped = new AlertEngine(Map.of("device_down",
                new AlertRule("device_down", true, Severity.TICKET, Duration.ZERO, Duration.ofMinutes(2), List.of("mail"))));
        int fired = 0;
        int resolved = 0;
        for (int i = 0; i < 120; i++) {
            boolean isDown = (i / 2) % 2 == 0; // 30 s down, 30 s up
            AlertEngine.Evaluation e = damped.evaluate(clock.instant(), isDown ? List.of(down("pc-1")) : List.of());
            fired += e.fired().size();
            resolved += e.resolved().size();
            clock.advance(EVALUATION);
        }
        assertEquals(1, fired);
        assertEquals(0, resolved);
    }

    @Test
    void silencesMuteMessagesButAlertsStillFireAndMutingIsReportedOnce() {
        silences.add(new Silence("s1", List.of(new LabelMatcher("rule", LabelMatcher.Op.EQUAL, "device_down"),
                new LabelMatcher("device", LabelMatcher.Op.REGEX, "pc-[12]")),
                clock.instant(), clock.instant().plus(Duration.ofHours(1)), "alice", "planned reboot", clock.instant()));
        run(Duration.ofMinutes(10), down("pc-1"), down("pc-2"));
        assertEquals(List.of(), sent);
        assertEquals(2, engine.active().size(), "muted alerts still fire");
        assertEquals(4, muted.size(), "two alerts, two channels, reported once each");
        assertEquals(List.of("s1"), muted.get(0).silenceIds());

        run(Duration.ofMinutes(5), down("pc-1"), down("pc-2"), down("pc-3"));
        assertEquals(1, sentTo("mail").size());
        assertEquals(List.of("pc-3"), sentTo("mail").get(0).firing().stream().map(a -> a.labels().get("device")).toList());

        silences.set(0, silences.get(0).expiredAt(clock.instant()));
        run(Duration.ofMinutes(5), down("pc-1"), down("pc-2"), down("pc-3"));
        assertEquals(2, sentTo("mail").size(), "once the silence ends the muted alerts are told");
        assertEquals(3, sentTo("mail").get(1).firing().size());
    }

    @Test
    void aMessageThatNeverArrivedIsSentAgainAtTheNextGroupIntervalNotAfterTheRepeat() {
        run(Duration.ofSeconds(31), down("pc-1"));
        assertEquals(1, sentTo("mail").size());
        grouper.deliveryFailed(sentTo("mail").get(0).groupKey());
        run(Duration.ofMinutes(5), down("pc-1"));
        assertEquals(2, sentTo("mail").size());
        assertFalse(sentTo("mail").get(1).repeat());
        assertEquals(1, sentTo("hook").size(), "the other channel's group is untouched");
    }

    @Test
    void aRestoredGroupIsNotAnnouncedAgainButRepeatsOnSchedule() {
        Alert firing = new Alert(Alert.fingerprint("device_down", Map.of("device", "pc-1", "site", "HQ")), "device_down",
                Map.of("device", "pc-1", "site", "HQ"), Severity.TICKET, "pc-1 is down", Double.NaN, Alert.State.FIRING,
                clock.instant().minus(Duration.ofHours(1)), clock.instant().minus(Duration.ofHours(1)), clock.instant(), null);
        engine.restore(firing, clock.instant());
        grouper.restore(firing, "mail", clock.instant().minus(Duration.ofMinutes(50)), clock.instant());
        run(Duration.ofHours(3), down("pc-1"));
        assertEquals(List.of(), sentTo("mail"), "no message until the repeat interval after the last one");
        run(Duration.ofMinutes(20), down("pc-1"));
        assertEquals(1, sentTo("mail").size());
        assertTrue(sentTo("mail").get(0).repeat());
        assertEquals(List.of(), sentTo("hook"), "hook never heard of it, but the alert did not fire again either");
    }
}
