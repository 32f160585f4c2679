package io.kilowatch.core.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SilenceTest {
    private static final Instant T = Instant.parse("2026-03-02T09:00:00Z");
    private static final Alert ALERT = new Alert("f", "device_down", Map.of("device", "pc-1", "site", "HQ"), Severity.TICKET, "",
            Double.NaN, Alert.State.FIRING, T, T, T, null);

    private static Silence silence(Instant start, Instant end, LabelMatcher... matchers) {
        return new Silence("s", List.of(matchers), start, end, "alice", "why", T);
    }

    @Test
    void matchersCompareLabelsTheRuleAndSeverityAsAlertmanagerDoes() {
        assertTrue(new LabelMatcher("alertname", LabelMatcher.Op.EQUAL, "device_down").matches(ALERT));
        assertTrue(new LabelMatcher("rule", LabelMatcher.Op.EQUAL, "device_down").matches(ALERT));
        assertTrue(new LabelMatcher("severity", LabelMatcher.Op.EQUAL, "ticket").matches(ALERT));
        assertTrue(new LabelMatcher("site", LabelMatcher.Op.NOT_EQUAL, "Leeds").matches(ALERT));
        assertTrue(new LabelMatcher("device", LabelMatcher.Op.REGEX, "pc-.*").matches(ALERT));
        assertFalse(new LabelMatcher("device", LabelMatcher.Op.REGEX, "pc").matches(ALERT), "anchored");
        assertTrue(new LabelMatcher("device", LabelMatcher.Op.NOT_REGEX, "srv-.*").matches(ALERT));
        assertTrue(new LabelMatcher("org", LabelMatcher.Op.EQUAL, "").matches(ALERT), "a missing label is empty");
    }

    @Test
    void aSilenceMutesOnlyWhileActiveAndOnlyWhenEveryMatcherMatches() {
        LabelMatcher site = new LabelMatcher("site", LabelMatcher.Op.EQUAL, "HQ");
        Silence s = silence(T, T.plus(Duration.ofHours(1)), site);
        assertFalse(s.mutes(ALERT, T.minusMillis(1)));
        assertTrue(s.mutes(ALERT, T));
        assertFalse(s.mutes(ALERT, T.plus(Duration.ofHours(1))));
        assertFalse(silence(T, T.plusSeconds(60), site, new LabelMatcher("device", LabelMatcher.Op.EQUAL, "pc-2")).mutes(ALERT, T));
        Silence expired = s.expiredAt(T.plusSeconds(60));
        assertTrue(expired.hasExpired(T.plusSeconds(60)));
        assertFalse(expired.mutes(ALERT, T.plusSeconds(60)));
        Silence future = silence(T.plusSeconds(600), T.plusSeconds(1200), site).expiredAt(T);
        assertEquals(T, future.startsAt());
        assertEquals(T, future.endsAt());
        assertEquals(List.of("s"), Silence.muting(List.of(s, future), ALERT, T));
    }

    @Test
    void badSilencesAndMatchersAreRefusedSayingWhy() {
        LabelMatcher site = new LabelMatcher("site", LabelMatcher.Op.EQUAL, "HQ");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> silence(T, T.plusSeconds(1))).getMessage().contains("matcher"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> silence(T, T.minusSeconds(1), site)).getMessage().contains("end"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new Silence("s", List.of(site), T, T.plusSeconds(1), "alice", " ", T)).getMessage().contains("comment"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new LabelMatcher("bad-name", LabelMatcher.Op.EQUAL, "x")).getMessage().contains("label name"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new LabelMatcher("device", LabelMatcher.Op.REGEX, "pc-(")).getMessage().contains("regular expression"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LabelMatcher.Op.fromSymbol("==")).getMessage().contains("operator"));
    }
}
