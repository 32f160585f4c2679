package io.kilowatch.collector;

import io.kilowatch.collector.agents.AgentSettingsFeature;
import io.kilowatch.collector.alerting.AlertingFeature;
import io.kilowatch.collector.alerting.DeviceDownSource;
import io.kilowatch.collector.calibration.CalibrationFeature;
import io.kilowatch.collector.calibration.PowerModelCalibration;
import io.kilowatch.collector.carbon.CarbonFeature;
import io.kilowatch.collector.carbon.IntensityCache;
import io.kilowatch.collector.cluster.Cluster;
import io.kilowatch.collector.cluster.ClusterFeature;
import io.kilowatch.collector.cluster.Duty;
import io.kilowatch.collector.estate.Estate;
import io.kilowatch.collector.estate.EstateFeature;
import io.kilowatch.collector.estate.IngestApi;
import io.kilowatch.collector.estate.ReportAccounting;
import io.kilowatch.collector.feature.Feature;
import io.kilowatch.collector.feature.FeatureContext;
import io.kilowatch.collector.feature.Maths;
import io.kilowatch.collector.feature.Scheduler;
import io.kilowatch.collector.history.HistoryFeature;
import io.kilowatch.collector.history.HistoryImport;
import io.kilowatch.collector.http.HttpApi;
import io.kilowatch.collector.http.MetricsExposition;
import io.kilowatch.collector.output.influx.InfluxFeature;
import io.kilowatch.collector.security.Sessions;
import io.kilowatch.collector.service.ServicesFeature;
import io.kilowatch.collector.snmp.SnmpFeature;
import io.kilowatch.collector.store.Database;
import io.kilowatch.collector.store.JdbcAlertStore;
import io.kilowatch.collector.store.JdbcCalibrationStore;
import io.kilowatch.collector.store.JdbcCarbonStore;
import io.kilowatch.collector.store.JdbcDeviceEventStore;
import io.kilowatch.collector.store.JdbcHistoryStore;
import io.kilowatch.collector.store.JdbcLeases;
import io.kilowatch.collector.store.JdbcServiceHistoryStore;
import io.kilowatch.collector.store.JdbcSessionStore;
import io.kilowatch.collector.store.JdbcSnmpStore;
import io.kilowatch.collector.store.JdbcStore;
import io.kilowatch.collector.store.JdbcSustainabilityStore;
import io.kilowatch.collector.sustainability.ServiceCarbon;
import io.kilowatch.collector.sustainability.SustainabilityFeature;
import io.kilowatch.collector.sustainability.SustainabilityService;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: opens the store on its single writer thread, builds the list of features once, starts them in
 * order, mounts their routes and listens; stops them in reverse. Deployed once per process. docs/architecture.md
 * draws the map.
 */
public final class CollectorVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(CollectorVerticle.class);

    /** A dashboard session ends after this long without use. */
    private static final Duration SESSION_IDLE = Duration.ofHours(12);
    /**
     * How long a collector trusts what the store said about a session or an agent credential: a logout or a revocation
     * made through another collector (or revoke-agent) is refused everywhere within this (docs/security.md).
     */
    static final Duration SHARED_STATE_CACHE = Duration.ofSeconds(5);

    private final CollectorConfig config;
    private final Clock clock;
    private WorkerExecutor storeWorker;
    private WorkerExecutor ingestWorker;
    private WorkerExecutor mathsWorker;
    private Maths maths;
    private Database database;
    private final List<Feature> started = new ArrayList<>();
    private List<Feature> features = List.of();
    private HttpServer server;
    /** The estate's series on /metrics from one collector only, so that N collectors do not count it N times (docs/metrics.md). */
    private Duty metricsDuty;
    /** Set when stopping: periodic work stops queueing store work, so the stop's own (giving leases back, closing) is not behind it. */
    private volatile boolean stopping;

    public CollectorVerticle(CollectorConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    public int actualPort() {
        return server.actualPort();
    }

    @Override
    public Future<?> start() {
        storeWorker = vertx.createSharedWorkerExecutor("kilowatch-store", 1);
        // The embedded store acknowledges reports on a thread of its own while the writer writes earlier ones in batches.
        ingestWorker = vertx.createSharedWorkerExecutor("kilowatch-ingest", 1);
        // Reports' maths after their store reads: as many threads as a small server has cores, apart from the store's writer.
        mathsWorker = vertx.createSharedWorkerExecutor("kilowatch-maths", 2);
        maths = Maths.on(mathsWorker);
        PrometheusMeterRegistry prometheus = registry();
        Scheduler timers = Scheduler.of(vertx);
        Scheduler untilStopping = (initialDelay, period, task) -> timers.every(initialDelay, period, () -> {
            if (!stopping) {
                task.run();
            }
        });
        MetricsExposition exposition = new MetricsExposition(prometheus);
        FeatureContext context = new FeatureContext(vertx, clock, untilStopping, maths, prometheus, exposition, config.timeZone());
        return Database.open(config.store(), storeWorker, ingestWorker, vertx).compose(db -> {
            database = db;
            features = features(db);
            Future<Void> chain = Future.succeededFuture();
            for (Feature feature : features) {
                chain = chain.compose(v -> {
                    started.add(feature);
                    return feature.start(context).onFailure(e -> LOG.atError().setCause(e).addKeyValue("feature", feature.name())
                            .log("feature failed to start"));
                });
            }
            return chain;
        }).compose(v -> {
            Sessions sessions = new Sessions(new JdbcSessionStore(database), clock, SESSION_IDLE, SHARED_STATE_CACHE);
            HttpApi api = new HttpApi(vertx, exposition, clock, config.users(), sessions, config.anonymousRead(), config.tlsCertFile().isPresent(),
                    () -> database.run(() -> {
                        database.check();
                        return null;
                    }), metricsDuty::held);
            features.forEach(f -> f.routes().forEach(api::mount));
            return vertx.createHttpServer(serverOptions()).requestHandler(api.router()).listen();
        }).onSuccess(s -> {
            server = s;
            LOG.atInfo().addKeyValue("url", (config.tlsCertFile().isPresent() ? "https://" : "http://") + displayHost() + ":" + s.actualPort() + "/")
                    .addKeyValue("data_dir", config.dataDir().toAbsolutePath()).addKeyValue("store", config.store().describe())
                    .addKeyValue("features", features.stream().map(Feature::name).toList()).log("collector listening");
            if (config.anonymousRead()) {
                LOG.atWarn().log("anyone who reaches the collector may read the dashboard, API and metrics (security.read.anonymous)");
            } else if (config.users().isEmpty()) {
                LOG.atWarn().log("no users or API tokens are configured: nobody can read the dashboard; see docs/security.md");
            }
        });
    }

    /** Every feature, in the order they start; each one's collaborators are features before it. */
    private List<Feature> features(Database db) {
        Estate estate = new Estate(config.downAfterMissedReports());
        estate.sleepPolicy(new Estate.SleepPolicy(c -> config.sustainability().footprints().forClass(c).sleepWatts().isPresent(),
                config.sustainability()::hoursFor));
        IntensityCache intensity = new IntensityCache();
        ReportAccounting accounting = new ReportAccounting(config.carbon(), config.timeZone(), intensity, config.sustainability().footprints());
        JdbcStore store = new JdbcStore(db);
        JdbcCarbonStore carbonStore = new JdbcCarbonStore(db);
        JdbcSustainabilityStore sustainabilityStore = new JdbcSustainabilityStore(db);
        Cluster cluster = new Cluster(config.cluster(), new JdbcLeases(db));
        metricsDuty = cluster.duty("metrics");

        SustainabilityFeature sustainability = new SustainabilityFeature(
                new SustainabilityService(config.sustainability(), store, sustainabilityStore, config.carbon(), intensity, config.timeZone(),
                        maths),
                new ServiceCarbon(store, carbonStore, sustainabilityStore, config.sustainability(), config.timeZone()),
                Duration.ofMillis(Math.min(config.refreshInterval().toMillis(), 5_000)), cluster.duty("carbon"), estate::rows);
        ServicesFeature services = new ServicesFeature(config.services(), new JdbcServiceHistoryStore(db), estate, sustainability.serviceFootprints(),
                cluster.duty("services"));
        CarbonFeature carbon = new CarbonFeature(config.carbon(), config.intensityFetch(), config.carbonWindows(), carbonStore, intensity,
                accounting::dayStart, config.refreshInterval(), services::catalog, estate::row, estate::rows, cluster.duty("intensity_fetch"));
        EstateFeature estateFeature = new EstateFeature(estate, store, db.estateChanges(), accounting, config.carbon(), new EstateFeature.Options(
                config.refreshInterval(), config.groupCommitWindow(), config.rawRetention(), config.hourlyRetention(), config.pushInterval(),
                config.rateLimitPerMinute(),
                config.rateLimitBurst(), config.requireClientCertificate(),
                new IngestApi.Limits(config.maxBodyBytes(), config.maxBatchBodyBytes(), config.requestTimeout().toMillis()),
                config.enrolmentToken(), config.enrolmentTokenFile(), config.requireAgentCredentials(), SHARED_STATE_CACHE), carbon::count,
                cluster.duty("retention"));
        List<Feature> list = new ArrayList<>();
        list.add(carbon);
        list.add(sustainability);
        JdbcCalibrationStore calibration = new JdbcCalibrationStore(db);
        list.add(new CalibrationFeature(new PowerModelCalibration(calibration, estate::rows, accounting)));
        list.add(estateFeature);
        list.add(services);
        list.add(new AgentSettingsFeature(config.agentSettings(), estate, estateFeature));
        if (config.influx().enabled()) {
            list.add(new InfluxFeature(config.influx(), estate));
        }
        list.add(new SnmpFeature(config.snmp(), estate, estateFeature, new JdbcDeviceEventStore(db), new JdbcSnmpStore(db),
                config.rawRetention(), cluster, calibration, config.refreshInterval()));
        list.add(new HistoryFeature(new HistoryImport(new JdbcHistoryStore(db), store, config.carbon(), intensity, config.timeZone(), maths)));
        list.add(new AlertingFeature(config.alerting(), new JdbcAlertStore(db),
                () -> List.of(new DeviceDownSource(estate), services.conditions()), cluster.duty("alerting")));
        // first to start, so a lone collector holds every duty before it is due; last to stop, giving the leases back
        list.add(0, new ClusterFeature(cluster));
        return List.copyOf(list);
    }

    private static PrometheusMeterRegistry registry() {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(prometheus);
        new JvmGcMetrics().bindTo(prometheus);
        new JvmThreadMetrics().bindTo(prometheus);
        // Micrometer's ProcessorMetrics names fail promtool's lint (process_cpu_time_ns_total,
        // system_cpu_count); the conventional process_cpu_seconds_total replaces them.
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            FunctionCounter.builder("process.cpu", os, o -> o.getProcessCpuTime() / 1e9).baseUnit("seconds")
                    .description("CPU time used by the collector process").register(prometheus);
        }
        new UptimeMetrics().bindTo(prometheus);
        return prometheus;
    }

    /** Re-reads every feature's own files on the collector's event loop (SIGHUP); a bad file is logged and changes nothing. */
    public void reload(String trigger) {
        if (context == null) {
            return;
        }
        context.runOnContext(v -> started.forEach(f -> f.reload(trigger).onFailure(e -> LOG.atError().addKeyValue("feature", f.name())
                .addKeyValue("trigger", trigger).addKeyValue("error", e.getMessage()).log("reload refused; what was loaded keeps running"))));
    }

    private HttpServerOptions serverOptions() {
        HttpServerOptions options = new HttpServerOptions()
                .setHost(config.httpHost())
                .setPort(config.httpPort())
                .setIdleTimeout((int) config.idleTimeout().toSeconds())
                .setCompressionSupported(true);
        config.tlsCertFile().ifPresent(cert -> options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
                .setCertPath(cert.toString()).setKeyPath(config.tlsKeyFile().orElseThrow().toString())));
        // REQUEST, not REQUIRED: browsers reach the dashboard without client certificates; ingest checks its own.
        config.tlsClientCaFile().ifPresent(ca -> options.setTrustOptions(new PemTrustOptions().addCertPath(ca.toString()))
                .setClientAuth(ClientAuth.REQUEST));
        return options;
    }

    private String displayHost() {
        String host = config.httpHost();
        return host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host;
    }

    /**
     * Stops periodic work and the server, then every started feature in reverse order (each failure logged, the rest still
     * stopped), then the store.
     */
    @Override
    public Future<?> stop() {
        stopping = true;
        Future<Void> chain = server == null ? Future.succeededFuture() : server.close();
        List<Feature> reverse = new ArrayList<>(started);
        java.util.Collections.reverse(reverse);
        for (Feature feature : reverse) {
            chain = chain.eventually(() -> feature.stop().onFailure(e -> LOG.atWarn().setCause(e).addKeyValue("feature", feature.name())
                    .log("feature failed to stop")));
        }
        return chain.eventually(() -> database == null ? Future.succeededFuture() : database.closeOnWriter())
                .eventually(() -> storeWorker.close()).eventually(() -> ingestWorker.close()).eventually(() -> mathsWorker.close());
    }
}
