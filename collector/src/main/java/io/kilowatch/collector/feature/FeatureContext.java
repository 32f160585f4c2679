package io.kilowatch.collector.feature;

import io.kilowatch.collector.http.MetricsExposition;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.ZoneId;

/**
 * What every feature needs to start.
 *
 * @param timers every periodic task of a feature runs on these, so tests drive them by hand
 * @param maths where pure maths after a store read runs, off the event loop (the store's own work runs inside the store)
 * @param zone the estate's time zone, for days, months and service hours
 * @param exposition where a feature adds families too large for meters to /metrics; {@code registry} is its registry
 */
public record FeatureContext(Vertx vertx, Clock clock, Scheduler timers, Maths maths, MeterRegistry registry, MetricsExposition exposition,
                             ZoneId zone) {
}
