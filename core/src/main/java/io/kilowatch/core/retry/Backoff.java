package io.kilowatch.core.retry;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter (a random wait between zero and the exponential bound), so
 * thousands of agents that lost the collector together do not all come back in the same second.
 */
public final class Backoff {
    private final Duration base;
    private final Duration max;
    private final RandomGenerator random;
    private int failures;

    public Backoff(Duration base, Duration max, RandomGenerator random) {
        this.base = base;
        this.max = max;
        this.random = random;
    }

    /** The wait before the next attempt after one more failure. */
    public Duration failed() {
        failures = Math.min(failures + 1, 30);
        long bound = Math.min(max.toMillis(), base.toMillis() << Math.min(failures - 1, 20));
        return Duration.ofMillis(random.nextLong(bound + 1));
    }

    public void succeeded() {
        failures = 0;
    }

    public int failures() {
        return failures;
    }
}
