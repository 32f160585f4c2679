package io.kilowatch.core.energy;

import io.kilowatch.core.report.Report;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Tells from two clocks read together at each sample that the machine slept between samples: the wall
 * clock runs on through suspend and hibernation, an awake-only clock does not (Linux CLOCK_MONOTONIC,
 * macOS mach_absolute_time behind {@code System.nanoTime()}; Windows QueryUnbiasedInterruptTime). Wall time
 * that passed beyond the awake time, by more than {@code threshold}, was spent asleep. The sleep is placed
 * right after the earlier sample, so its start and end are right to within one sample interval.
 * A wall clock stepped forward by more than the threshold (NTP, a user) reads as a sleep too.
 */
public final class SleepDetector {
    private final Duration threshold;
    private Instant lastWall;
    private long lastAwakeNanos;

    /** @param threshold wall time beyond awake time that counts as sleep: well above scheduling jitter and small clock slews */
    public SleepDetector(Duration threshold) {
        this.threshold = threshold;
    }

    /** Takes one reading of both clocks; returns the sleep since the previous reading, if there was one. */
    public Optional<Report.Sleep> observe(Instant wall, long awakeNanos) {
        Instant previous = lastWall;
        long previousAwake = lastAwakeNanos;
        lastWall = wall;
        lastAwakeNanos = awakeNanos;
        if (previous == null) {
            return Optional.empty();
        }
        Duration asleep = Duration.between(previous, wall).minusNanos(awakeNanos - previousAwake);
        if (asleep.compareTo(threshold) <= 0) {
            return Optional.empty();
        }
        return Optional.of(new Report.Sleep(previous, previous.plus(asleep)));
    }
}
