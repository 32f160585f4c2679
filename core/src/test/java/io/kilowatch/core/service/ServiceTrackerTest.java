package io.kilowatch.core.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.core.service.ServiceTracker.IncidentChange;
import io.kilowatch.core.service.ServiceTracker.Step;
import io.kilowatch.core.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** One service evaluated every 30 s on a manual clock, around the clock, no-data time charged down. */
class ServiceTrackerTest {
    static final Instant T0 = Instant.parse("2026-11-10T09:00:00Z");
    static final Duration STEP = Duration.ofSeconds(30);
    static final ServiceDefinition EMAIL = new ServiceDefinition("email", "IT", "", 0.999, ServiceCalendar.allDay(ZoneId.of("UTC"), Set.of()),
            CombineRule.ALL_OF, List.of(new ComponentRef("mx", ComponentRef.Kind.DEVICE, "mx-1", CombineRule.ALL_OF),
            new ComponentRef("web", ComponentRef.Kind.PROBE, "web", CombineRule.ALL_OF)), List.of(), NoDataPolicy.DOWN, SlaPeriod.MONTH);

    final ManualClock clock = new ManualClock(T0);
    Instant previous;

    static long at(long seconds) {
        return T0.toEpochMilli() + seconds * 1000;
    }

    static StateInterval iv(long fromSeconds, long toSeconds, ServiceState state) {
        return new StateInterval(at(fromSeconds), at(toSeconds), state);
    }

    static ServiceTracker tracker(List<StateInterval> stored, Optional<Incident> open) {
        return new ServiceTracker("email", StateHistory.gapToleranceMs(STEP), stored, open);
    }

    /** Evaluates at the clock's time, as the evaluator does: the previous evaluation is the last one made. */
    private Step evaluate(ServiceTracker t, ServiceState state, String... failing) {
        Step step = t.record(EMAIL, state, List.of(failing), clock.instant(), Optional.ofNullable(previous));
        previous = clock.instant();
        return step;
    }

    private Step step(ServiceTracker t, ServiceState state, String... failing) {
        clock.advance(STEP);
        return evaluate(t, state, failing);
    }

    @Test
    void anOutageOpensWidensAndClosesOneIncident() {
        ServiceTracker t = tracker(List.of(), Optional.empty());
        Step first = evaluate(t, ServiceState.UP);
        assertTrue(first.stateChanged(), "the first evaluation is a change from nothing");
        assertEquals(Optional.empty(), first.before());
        assertEquals(Optional.empty(), first.incident());
        assertFalse(step(t, ServiceState.UP).stateChanged());

        Step down = step(t, ServiceState.DOWN, "mx");
        assertTrue(down.stateChanged());
        assertEquals(Optional.of(ServiceState.UP), down.before());
        assertEquals(List.of(iv(0, 60, ServiceState.UP), iv(60, 60, ServiceState.DOWN)), down.changed());
        Incident opened = new Incident("email", at(60), OptionalLong.empty(), List.of("mx"));
        assertEquals(Optional.of(new IncidentChange(IncidentChange.Kind.OPENED, opened)), down.incident());
        assertEquals(Optional.of(opened), down.openIncident());
        assertEquals(Instant.ofEpochMilli(at(60)), down.since());

        assertEquals(Optional.empty(), step(t, ServiceState.DOWN, "mx").incident(), "the same components: nothing to store");
        Step widened = step(t, ServiceState.DOWN, "web", "mx");
        Incident both = new Incident("email", at(60), OptionalLong.empty(), List.of("mx", "web"));
        assertEquals(Optional.of(new IncidentChange(IncidentChange.Kind.WIDENED, both)), widened.incident(), "in the order first seen");
        assertEquals(Optional.empty(), step(t, ServiceState.DOWN, "web").incident(), "a component back up stays in the incident");

        Step up = step(t, ServiceState.UP);
        Incident closed = new Incident("email", at(60), OptionalLong.of(at(180)), List.of("mx", "web"));
        assertEquals(Optional.of(new IncidentChange(IncidentChange.Kind.CLOSED, closed)), up.incident(),
                "closed when the down interval ended: this evaluation");
        assertEquals(Optional.empty(), up.openIncident());
        assertEquals(List.of(iv(0, 60, ServiceState.UP), iv(60, 180, ServiceState.DOWN), iv(180, 180, ServiceState.UP)), up.history());
        assertEquals(Instant.ofEpochMilli(at(180)), up.since());
        assertEquals(Optional.empty(), step(t, ServiceState.UP).incident());
    }

    @Test
    void noDataAndMaintenanceCloseAnIncidentButOpenNone() {
        ServiceTracker t = tracker(List.of(), Optional.empty());
        evaluate(t, ServiceState.NO_DATA, "mx");
        assertEquals(Optional.empty(), step(t, ServiceState.MAINTENANCE).incident());
        step(t, ServiceState.DOWN, "mx");
        Step maintenance = step(t, ServiceState.MAINTENANCE);
        assertEquals(IncidentChange.Kind.CLOSED, maintenance.incident().orElseThrow().kind());
        assertEquals(OptionalLong.of(at(90)), maintenance.incident().orElseThrow().incident().endMs());
    }

    @Test
    void anIncidentOpenAtTheLastStopClosesAtItsLastRecordedDowntime() {
        // Stored by the previous run: down from 09:00 to 09:02, then the collector stopped. It starts again at 09:10, up.
        Incident open = new Incident("email", at(0), OptionalLong.empty(), List.of("mx"));
        ServiceTracker t = tracker(List.of(iv(0, 120, ServiceState.DOWN)), Optional.of(open));
        clock.advance(Duration.ofMinutes(10));
        Step up = evaluate(t, ServiceState.UP);
        assertEquals(List.of(iv(600, 600, ServiceState.UP)), up.changed(), "the stop stays a gap");
        assertEquals(Optional.of(new IncidentChange(IncidentChange.Kind.CLOSED, open.closedAt(at(120)))), up.incident());

        // An incident whose history has been forgotten closes where it began.
        ServiceTracker lost = tracker(List.of(), Optional.of(open));
        assertEquals(OptionalLong.of(at(0)), evaluate(lost, ServiceState.UP).incident().orElseThrow().incident().endMs());
    }

    @Test
    void timeSinceThePreviousEvaluationIsCountedByTheDefinition() {
        ServiceTracker t = tracker(List.of(), Optional.empty());
        assertEquals(CountedTime.ZERO, evaluate(t, ServiceState.UP).counted(), "nothing before the first evaluation");
        assertEquals(new CountedTime(30_000, 0), step(t, ServiceState.UP).counted());
        step(t, ServiceState.DOWN, "mx");
        // 60..90 s down: the up interval ended at 60 s.
        assertEquals(new CountedTime(90_000, 30_000), step(t, ServiceState.DOWN, "mx").counted());
        // The collector stops for ten minutes: no data, charged down by the policy.
        clock.advance(Duration.ofMinutes(10));
        assertEquals(new CountedTime(690_000, 630_000), evaluate(t, ServiceState.UP).counted());
        // Up until the maintenance begins; then it counts neither way.
        assertEquals(new CountedTime(720_000, 630_000), step(t, ServiceState.MAINTENANCE).counted());
        assertEquals(new CountedTime(720_000, 630_000), step(t, ServiceState.MAINTENANCE).counted());
    }

    @Test
    void aClockSteppingBackCountsNothingAndRecordsNothing() {
        ServiceTracker t = tracker(List.of(), Optional.empty());
        evaluate(t, ServiceState.UP);
        Step before = step(t, ServiceState.UP);
        clock.advance(Duration.ofSeconds(-20));
        Step back = evaluate(t, ServiceState.DOWN, "mx");
        assertEquals(List.of(), back.changed());
        assertEquals(before.counted(), back.counted());
        assertEquals(before.history(), back.history());
        assertTrue(back.stateChanged(), "found down, though history cannot say so yet");
        assertEquals(Instant.ofEpochMilli(at(10)), back.since(), "the last interval is up: down since now");
    }

    @Test
    void aboutAYearOfHistoryIsKept() {
        long day = Duration.ofDays(1).toMillis();
        StateInterval old = new StateInterval(at(0) - 400 * day, at(0) - 368 * day, ServiceState.DOWN);
        StateInterval recent = new StateInterval(at(0) - 366 * day, at(0) - 120_000, ServiceState.UP);
        ServiceTracker t = tracker(List.of(old, recent), Optional.empty());
        assertEquals(List.of(recent, iv(0, 0, ServiceState.UP)), evaluate(t, ServiceState.UP).history(),
                "older than " + ServiceTracker.MEMORY + " forgotten; two minutes are a gap");
        assertEquals(Instant.ofEpochMilli(recent.startMs()), step(t, ServiceState.UP).since());
    }
}
