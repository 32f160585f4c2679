package io.kilowatch.collector.feature;

import io.vertx.core.Vertx;
import java.time.Duration;

/** Where periodic work is scheduled: Vert.x timers in the collector, none at all in tests that drive the work by hand. */
@FunctionalInterface
public interface Scheduler {
    /** Runs the task every period, the first time after the initial delay, on the caller's context. */
    void every(Duration initialDelay, Duration period, Runnable task);

    default void every(Duration period, Runnable task) {
        every(period, period, task);
    }

    /** Vert.x periodic timers. */
    static Scheduler of(Vertx vertx) {
        return (initialDelay, period, task) -> vertx.setPeriodic(Math.max(1, initialDelay.toMillis()), period.toMillis(), id -> task.run());
    }

    /** Never runs anything: for tests that call the periodic work themselves. */
    static Scheduler manual() {
        return (initialDelay, period, task) -> { };
    }
}
