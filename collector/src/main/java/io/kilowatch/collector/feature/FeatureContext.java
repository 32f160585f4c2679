package io.kilowatch.collector.feature;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Clock;
import java.time.ZoneId;

/**
 * What every feature needs to start.
 *
 * @param timers every periodic task of a feature runs on these, so tests drive them by hand
 * @param storeWorker the store's single writer: blocking store work runs here, one task at a time
 * @param zone the estate's time zone, for days, months and service hours
 */
public record FeatureContext(Vertx vertx, Clock clock, Scheduler timers, WorkerExecutor storeWorker, MeterRegistry registry, ZoneId zone) {
}
