package io.kilowatch.core.energy;

import java.time.Duration;
import java.time.Instant;

/**
 * Turns a series of power readings, or of measured energy increments, into a monotonic energy counter
 * in joules. Power readings are integrated with the trapezoid rule between samples, so the counter is
 * exact for power that changes linearly between samples and never depends on how often it is reported.
 * Not thread-safe: one sampler owns it.
 */
public final class EnergyIntegrator {
    /** Longer gaps (a suspended laptop, a stopped agent) are not bridged: nobody knows the power then. */
    private final Duration maxGap;
    private double joulesTotal;
    private Instant lastTime;
    private double lastWatts = Double.NaN;

    public EnergyIntegrator(double initialJoules, Duration maxGap) {
        if (!(initialJoules >= 0) || Double.isInfinite(initialJoules)) {
            throw new IllegalArgumentException("initial energy must be a finite, non-negative number of joules");
        }
        this.joulesTotal = initialJoules;
        this.maxGap = maxGap;
    }

    /** Adds a power reading taken at {@code time}; returns the joules added by this step. */
    public double addPower(Instant time, double watts) {
        requireValidWatts(watts);
        double added = 0;
        if (lastTime != null && time.isAfter(lastTime) && !Double.isNaN(lastWatts)) {
            double seconds = seconds(lastTime, time);
            if (seconds <= maxGap.toNanos() / 1e9) {
                added = (lastWatts + watts) / 2.0 * seconds;
            }
        }
        advance(time, watts, added);
        return added;
    }

    /**
     * Adds energy measured by a meter over the step that ends at {@code time} (RAPL, a PDU counter),
     * with the mean power of that step for the next trapezoid.
     */
    public void addMeasuredEnergy(Instant time, double joules, double watts) {
        if (!(joules >= 0) || Double.isInfinite(joules)) {
            throw new IllegalArgumentException("measured energy must be a finite, non-negative number of joules: " + joules);
        }
        requireValidWatts(watts);
        advance(time, watts, joules);
    }

    public double joulesTotal() {
        return joulesTotal;
    }

    private void advance(Instant time, double watts, double joules) {
        if (lastTime != null && !time.isAfter(lastTime)) {
            return; // a clock step back: keep the counter monotonic and wait for time to pass again
        }
        joulesTotal += joules;
        lastTime = time;
        lastWatts = watts;
    }

    private static void requireValidWatts(double watts) {
        if (!(watts >= 0) || Double.isInfinite(watts)) {
            throw new IllegalArgumentException("power must be a finite, non-negative number of watts: " + watts);
        }
    }

    static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e9;
    }
}
