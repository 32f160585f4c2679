package io.kilowatch.core.energy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kilowatch.core.report.Report;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SleepDetectorTest {
    private static final Instant T0 = Instant.parse("2026-11-25T17:30:00Z");
    private static final long S = 1_000_000_000L;

    @Test
    void wallTimeBeyondAwakeTimeIsSleep() {
        SleepDetector d = new SleepDetector(Duration.ofSeconds(10));
        assertEquals(Optional.empty(), d.observe(T0, 100 * S), "the first reading has nothing to compare with");
        assertEquals(Optional.empty(), d.observe(T0.plusSeconds(5), 105 * S), "awake: both clocks moved together");
        assertEquals(Optional.empty(), d.observe(T0.plusSeconds(40), 140 * S), "a stall of the agent (awake clock moved too) is not sleep");
        // suspended at night: the wall clock moved 14 h 5 s, the awake clock 5 s
        Instant morning = T0.plusSeconds(40).plus(Duration.ofHours(14)).plusSeconds(5);
        assertEquals(Optional.of(new Report.Sleep(T0.plusSeconds(40), T0.plusSeconds(40).plus(Duration.ofHours(14)))),
                d.observe(morning, 145 * S));
        assertEquals(Optional.empty(), d.observe(morning.plusSeconds(5), 150 * S), "awake again");
    }

    @Test
    void jitterAndClockSlewsUnderTheThresholdAreNotSleep() {
        SleepDetector d = new SleepDetector(Duration.ofSeconds(10));
        d.observe(T0, 0);
        assertEquals(Optional.empty(), d.observe(T0.plusSeconds(15), 5 * S), "10 s over: not more than the threshold");
        assertEquals(Optional.empty(), d.observe(T0.plusSeconds(10), 10 * S), "a wall clock stepped back is no sleep");
    }
}
