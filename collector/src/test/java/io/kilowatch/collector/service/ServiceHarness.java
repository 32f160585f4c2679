package io.kilowatch.collector.service;

import io.kilowatch.collector.feature.Maths;
import io.kilowatch.collector.feature.Scheduler;

import io.kilowatch.collector.estate.DeviceRow;
import io.kilowatch.collector.estate.Estate;
import io.kilowatch.collector.estate.EstateStore;
import io.kilowatch.collector.store.JdbcServiceHistoryStore;
import io.kilowatch.collector.store.JdbcStore;
import io.kilowatch.core.testing.ManualClock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Services wired as the collector wires them (real store, estate, probes, metrics), driven by a manual
 * clock: each {@link #step} moves time, lets the devices that are "up" report, runs due probes and evaluates.
 */
final class ServiceHarness implements AutoCloseable {
    final ManualClock clock;
    final Estate estate = new Estate(3);
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final JdbcStore jdbc;
    final Services services;
    private final Vertx vertx;
    private final Context context;
    private final WorkerExecutor storeWorker;
    private long sequence = 1;
    /** Device classes by id, for selectors; "server" when not set. */
    final Map<String, String> classes = new java.util.HashMap<>();

    ServiceHarness(Vertx vertx, ManualClock clock, Path dataDir, Path servicesFile, Duration evaluationInterval) {
        this(vertx, clock, dataDir, servicesFile, evaluationInterval, 4);
    }

    ServiceHarness(Vertx vertx, ManualClock clock, Path dataDir, Path servicesFile, Duration evaluationInterval, int probeConcurrency) {
        this(vertx, clock, dataDir, servicesFile, evaluationInterval, probeConcurrency, store -> store);
    }

    /** @param decorate wraps the real store, e.g. to make writes fail */
    ServiceHarness(Vertx vertx, ManualClock clock, Path dataDir, Path servicesFile, Duration evaluationInterval, int probeConcurrency,
                   java.util.function.UnaryOperator<ServiceHistoryStore> decorate) {
        this.vertx = vertx;
        this.clock = clock;
        this.context = vertx.getOrCreateContext();
        this.storeWorker = vertx.createSharedWorkerExecutor("test-store-" + System.nanoTime(), 1);
        this.jdbc = JdbcStore.sqlite(dataDir);
        jdbc.database().writeOn(storeWorker);
        ServiceSettings settings = new ServiceSettings(Optional.ofNullable(servicesFile), evaluationInterval, Duration.ofSeconds(1), probeConcurrency);
        this.services = new Services(vertx, settings, ZoneId.of("Europe/London"), decorate.apply(new JdbcServiceHistoryStore(jdbc.database())), Maths.INLINE,
                estate, registry, clock, () -> true);
    }

    <T> T onLoop(Supplier<Future<T>> work) {
        Promise<T> p = Promise.promise();
        context.runOnContext(v -> work.get().onComplete(p));
        return p.future().await();
    }

    void start() {
        onLoop(() -> services.start(Scheduler.manual()));
    }

    /** Devices in {@code reporting} report now; then due probes run and services are evaluated. */
    void evaluate(List<String> reporting) {
        for (String id : reporting) {
            estate.load(new EstateStore.Changes(List.of(device(id, classes.getOrDefault(id, "server"), clock.millis(), sequence++)), Map.of(), Map.of()));
        }
        onLoop(() -> services.probes.runDue());
        onLoop(() -> services.evaluator.tick());
    }

    void step(Duration by, List<String> reporting) {
        clock.advance(by);
        evaluate(reporting);
    }

    static DeviceRow device(String id, String deviceClass, long lastSeenMs, long sequence) {
        return new DeviceRow(id, new DeviceRow.Identity("Northshire", "County Hall", "ICT", deviceClass),
                new DeviceRow.Host(id, "Linux", lastSeenMs - 86_400_000, null),
                new DeviceRow.Reporting(lastSeenMs, lastSeenMs, lastSeenMs, sequence, 60_000, null),
                new DeviceRow.Utilisation(0.1, null, null), new DeviceRow.Power(100, "model", 0, 0), new DeviceRow.Counted(0, 0),
                new DeviceRow.AgentSelf("test", null, null, null, null), new DeviceRow.Inventory(null, null));
    }

    @Override
    public void close() {
        onLoop(services::close);
        storeWorker.close().await();
        jdbc.close();
    }
}
