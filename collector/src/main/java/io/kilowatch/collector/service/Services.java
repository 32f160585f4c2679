package io.kilowatch.collector.service;

import io.kilowatch.collector.config.WatchedFile;
import io.kilowatch.collector.estate.Estate;
import io.kilowatch.collector.feature.Maths;
import io.kilowatch.collector.feature.Scheduler;
import io.kilowatch.core.alerting.ConditionSource;
import io.kilowatch.core.config.ConfigException;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Services and probes, wired: the services file (reloaded on change, on SIGHUP and on an admin API call;
 * a bad new file is refused with its error and the running services stay), the probe scheduler, the
 * evaluator, metrics, alert conditions and the API. Lives on the collector's event loop.
 */
public final class Services {
    private static final Logger LOG = LoggerFactory.getLogger(Services.class);

    private final ServiceSettings settings;
    private final ZoneId defaultZone;
    private final Maths maths;
    private final WorkerExecutor probeWorker;
    private final WorkerExecutor mathsWorker;
    private final ServiceHistoryStore store;
    private final Clock clock;
    final ProbeScheduler probes;
    final ServiceEvaluator evaluator;
    private final ServiceMetrics metrics;
    private final ServiceConditions conditions;
    private volatile ServicesConfig config = ServicesConfig.empty();
    private volatile Optional<String> lastError = Optional.empty();
    private volatile Instant lastLoaded;
    private final Optional<WatchedFile> watched;

    public Services(Vertx vertx, ServiceSettings settings, ZoneId defaultZone, ServiceHistoryStore store, Maths maths,
                    Estate estate, MeterRegistry registry, Clock clock, java.util.function.BooleanSupplier recordsHistory) {
        this.watched = settings.file().map(f -> new WatchedFile(vertx, f, "services file", "services: {}"));
        this.settings = settings;
        this.defaultZone = defaultZone;
        this.store = store;
        this.maths = maths;
        this.clock = clock;
        // DNS probes block in the system resolver: on their own threads, as many as probes may run at once.
        this.probeWorker = vertx.createSharedWorkerExecutor("kilowatch-probes", settings.probeConcurrency());
        this.probes = new ProbeScheduler(new Prober(vertx, probeWorker, clock), registry, clock, settings.probeConcurrency());
        this.mathsWorker = vertx.createSharedWorkerExecutor("kilowatch-service-maths", 1);
        this.evaluator = new ServiceEvaluator(estate, probes, store, mathsWorker, clock, settings.evaluationInterval(), recordsHistory);
        this.metrics = new ServiceMetrics(registry, evaluator, this);
        this.conditions = new ServiceConditions(evaluator, probes);
    }

    /**
     * Loads the services file (a bad one fails the start, as any bad config does) and the stored history.
     *
     * @param timers where probes, evaluations and file checks are scheduled
     */
    public Future<Void> start(Scheduler timers) {
        return read().compose(text -> evaluator.load().map(v -> {
            if (text != null) {
                watched.orElseThrow().taken(text);
                apply(parse(text.content()), "start");
            }
            return null;
        })).<Void>mapEmpty().onSuccess(v -> {
            timers.every(Duration.ofSeconds(1), probes::startDue);
            timers.every(settings.evaluationInterval(), evaluator::tick);
            settings.file().ifPresent(f -> timers.every(settings.watchInterval(), this::reloadIfChanged));
        });
    }

    public ConditionSource conditions() {
        return conditions;
    }

    public ServicesConfig config() {
        return config;
    }

    public Optional<String> lastError() {
        return lastError;
    }

    public Instant lastLoaded() {
        return lastLoaded;
    }

    public Optional<Path> file() {
        return settings.file();
    }

    /**
     * Reads and applies the services file now. Fails with the file's error (and changes nothing) when the
     * new file is invalid.
     */
    public Future<ServicesConfig> reload(String trigger) {
        return read().map(text -> {
            if (text == null) {
                throw new ConfigException("no services file is configured (services.file)");
            }
            watched.orElseThrow().taken(text);
            ServicesConfig next = parse(text.content());
            apply(next, trigger);
            return next;
        }).onFailure(e -> {
            lastError = Optional.of(e.getMessage());
            LOG.atError().addKeyValue("trigger", trigger).addKeyValue("error", e.getMessage())
                    .log("services file refused; the services already loaded keep running");
        });
    }

    private void reloadIfChanged() {
        watched.orElseThrow().settledChange().onSuccess(changed -> {
            if (changed) {
                reload("file change").onFailure(e -> { });
            }
        }).onFailure(e -> LOG.atWarn().addKeyValue("error", e.getMessage()).log("cannot read the services file"));
    }

    private Future<WatchedFile.Text> read() {
        return watched.map(WatchedFile::read).orElse(Future.succeededFuture(null));
    }

    private ServicesConfig parse(String text) {
        return ServicesConfig.parse(text, settings.file().map(Path::toString).orElse("services"), defaultZone);
    }

    private void apply(ServicesConfig next, String trigger) {
        config = next;
        lastError = Optional.empty();
        lastLoaded = clock.instant();
        probes.configure(next.probes());
        evaluator.configure(next.catalog());
        metrics.sync(next.catalog());
        LOG.atInfo().addKeyValue("trigger", trigger).addKeyValue("services", next.catalog().all().size())
                .addKeyValue("probes", next.probes().size()).log("services loaded");
    }

    ServiceHistoryStore store() {
        return store;
    }

    /** Where reports' maths runs after their store reads. */
    Maths maths() {
        return maths;
    }

    Clock clock() {
        return clock;
    }

    public Future<Void> close() {
        return Future.join(probeWorker.close(), mathsWorker.close()).mapEmpty();
    }
}
