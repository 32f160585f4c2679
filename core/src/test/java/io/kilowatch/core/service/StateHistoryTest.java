package io.kilowatch.core.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.core.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A history grown by evaluations every 30 s on a manual clock: a state holds for up to three of them (90 s). */
class StateHistoryTest {
    static final Instant T0 = Instant.parse("2026-11-10T09:00:00Z");
    static final Duration STEP = Duration.ofSeconds(30);
    static final long TOLERANCE_MS = StateHistory.gapToleranceMs(STEP);

    final ManualClock clock = new ManualClock(T0);
    final StateHistory history = new StateHistory(TOLERANCE_MS, List.of());

    static long at(long seconds) {
        return T0.toEpochMilli() + seconds * 1000;
    }

    static StateInterval iv(long fromSeconds, long toSeconds, ServiceState state) {
        return new StateInterval(at(fromSeconds), at(toSeconds), state);
    }

    private List<StateInterval> record(ServiceState state) {
        return history.record(state, clock.millis());
    }

    private List<StateInterval> step(Duration by, ServiceState state) {
        clock.advance(by);
        return record(state);
    }

    @Test
    void threeEvaluationsAreTheTolerance() {
        assertEquals(90_000, TOLERANCE_MS);
    }

    @Test
    void theSameStateGrowsTheLastIntervalAndAnotherStartsANewOne() {
        assertEquals(List.of(iv(0, 0, ServiceState.UP)), record(ServiceState.UP), "the first evaluation starts the history");
        assertEquals(List.of(iv(0, 30, ServiceState.UP)), step(STEP, ServiceState.UP));
        assertEquals(List.of(iv(0, 60, ServiceState.UP), iv(60, 60, ServiceState.DOWN)), step(STEP, ServiceState.DOWN),
                "up until this evaluation, down from it");
        assertEquals(List.of(iv(60, 90, ServiceState.DOWN)), step(STEP, ServiceState.DOWN));
        assertEquals(List.of(iv(0, 60, ServiceState.UP), iv(60, 90, ServiceState.DOWN)), history.intervals());
        assertEquals(Optional.of(iv(60, 90, ServiceState.DOWN)), history.last());
    }

    @Test
    void aGapOverTheToleranceStaysNoDataAndOneWithinItDoesNot() {
        record(ServiceState.UP);
        // 90 s later: a slow evaluation, not a stopped collector.
        assertEquals(List.of(iv(0, 90, ServiceState.UP)), step(Duration.ofSeconds(90), ServiceState.UP));
        // 91 s later: the collector was stopped; the last interval keeps its end and a new one starts.
        assertEquals(List.of(iv(181, 181, ServiceState.UP)), step(Duration.ofSeconds(91), ServiceState.UP));
        assertEquals(List.of(iv(0, 90, ServiceState.UP), iv(181, 181, ServiceState.UP)), history.intervals());
        assertEquals(List.of(iv(300, 300, ServiceState.DOWN)), step(Duration.ofSeconds(119), ServiceState.DOWN),
                "after a gap the new state starts with nothing to end");
    }

    @Test
    void aClockSteppingBackRecordsNothingForTimeAlreadyCovered() {
        record(ServiceState.UP);
        for (int i = 0; i < 4; i++) {
            step(STEP, ServiceState.UP);
        }
        List<StateInterval> before = history.intervals();
        assertEquals(List.of(), step(Duration.ofSeconds(-60), ServiceState.DOWN));
        assertEquals(List.of(), step(STEP, ServiceState.DOWN));
        assertEquals(before, history.intervals());
        assertEquals(List.of(iv(0, 120, ServiceState.UP)), step(STEP, ServiceState.UP), "at the end again: grown, no overlap");
    }

    @Test
    void sinceGoesBackOverIntervalsOfTheSameState() {
        record(ServiceState.DOWN);
        step(STEP, ServiceState.UP);
        step(Duration.ofMinutes(5), ServiceState.UP); // after a gap: a second up interval
        step(STEP, ServiceState.UP);
        assertEquals(at(30), history.since(ServiceState.UP, clock.millis()), "up since 30 s, the gap between not counting as a change");
        assertEquals(clock.millis(), history.since(ServiceState.DOWN, clock.millis()), "not down now: since now");
        assertEquals(clock.millis(), new StateHistory(TOLERANCE_MS, List.of()).since(ServiceState.UP, clock.millis()));
    }

    @Test
    void lastEndOfAStateFromAMoment() {
        StateHistory h = new StateHistory(TOLERANCE_MS, List.of(iv(0, 60, ServiceState.DOWN), iv(60, 120, ServiceState.UP),
                iv(120, 150, ServiceState.DOWN), iv(150, 180, ServiceState.MAINTENANCE)));
        assertEquals(Optional.of(at(150)), h.lastEnd(ServiceState.DOWN, at(0)));
        assertEquals(Optional.of(at(150)), h.lastEnd(ServiceState.DOWN, at(120)));
        assertEquals(Optional.empty(), h.lastEnd(ServiceState.DOWN, at(121)));
    }

    @Test
    void forgettingDropsOnlyIntervalsEndedBefore() {
        StateHistory h = new StateHistory(TOLERANCE_MS, List.of(iv(0, 60, ServiceState.UP), iv(60, 120, ServiceState.DOWN)));
        h.forgetBefore(at(60));
        assertEquals(2, h.intervals().size(), "one ending exactly then stays");
        h.forgetBefore(at(61));
        assertEquals(List.of(iv(60, 120, ServiceState.DOWN)), h.intervals());
    }

    @Test
    void intervalsAreACopy() {
        record(ServiceState.UP);
        List<StateInterval> copy = history.intervals();
        step(STEP, ServiceState.UP);
        assertEquals(List.of(iv(0, 0, ServiceState.UP)), copy);
    }

    @Test
    void aStateHoldsFromItsEvaluationForTheTolerance() {
        StateInterval i = iv(0, 60, ServiceState.UP);
        assertFalse(i.holdsAt(at(59), TOLERANCE_MS), "before its end");
        assertTrue(i.holdsAt(at(60), TOLERANCE_MS));
        assertTrue(i.holdsAt(at(150), TOLERANCE_MS));
        assertFalse(i.holdsAt(at(150) + 1, TOLERANCE_MS));
        assertEquals(iv(0, 150, ServiceState.UP), i.until(at(150)));
    }
}
