package io.kilowatch.collector;

import io.kilowatch.collector.agents.AgentSettingsApi;
import io.kilowatch.collector.agents.AgentSettingsService;
import io.kilowatch.collector.alerting.AlertingService;
import io.kilowatch.collector.alerting.AlertsApi;
import io.kilowatch.collector.alerting.DeviceDownSource;
import io.kilowatch.collector.calibration.CalibrationApi;
import io.kilowatch.collector.calibration.PowerModelCalibration;
import io.kilowatch.collector.carbon.CarbonMetrics;
import io.kilowatch.collector.carbon.CarbonWindowPlanner;
import io.kilowatch.collector.carbon.CarbonWindowsApi;
import io.kilowatch.collector.carbon.IntensityCache;
import io.kilowatch.collector.carbon.IntensityFetcher;
import io.kilowatch.collector.carbon.IntensityImports;
import io.kilowatch.collector.carbon.RollupRecompute;
import io.kilowatch.collector.estate.Estate;
import io.kilowatch.collector.events.DeviceEvents;
import io.kilowatch.collector.snmp.SnmpService;
import io.kilowatch.collector.estate.IngestService;
import io.kilowatch.collector.estate.ReportAccounting;
import io.kilowatch.collector.history.HistoryApi;
import io.kilowatch.collector.history.HistoryImport;
import io.kilowatch.collector.http.CarbonApi;
import io.kilowatch.collector.http.HttpApi;
import io.kilowatch.collector.http.RateLimiter;
import io.kilowatch.collector.metrics.EstateMetrics;
import io.kilowatch.collector.output.influx.InfluxFeed;
import io.kilowatch.collector.output.influx.InfluxOutput;
import io.kilowatch.collector.security.AgentCredentials;
import io.kilowatch.collector.security.EnrolmentToken;
import io.kilowatch.collector.service.Services;
import io.kilowatch.collector.service.ServiceSciMetrics;
import io.kilowatch.collector.service.ServicesApi;
import io.kilowatch.collector.store.JdbcServiceHistoryStore;
import io.kilowatch.collector.store.GroupCommitter;
import io.kilowatch.collector.store.JdbcCalibrationStore;
import io.kilowatch.collector.store.JdbcCarbonStore;
import io.kilowatch.collector.store.JdbcAlertStore;
import io.kilowatch.collector.store.JdbcHistoryStore;
import io.kilowatch.collector.store.JdbcStore;
import io.kilowatch.collector.store.JdbcSustainabilityStore;
import io.kilowatch.collector.sustainability.SustainabilityApi;
import io.kilowatch.collector.sustainability.SustainabilityMetrics;
import io.kilowatch.collector.sustainability.ServiceCarbon;
import io.kilowatch.collector.sustainability.SustainabilityService;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the collector: the store on its own single worker thread (one writer, as SQLite wants), the
 * live estate view, metrics, ingest and the HTTP API. Deployed once per process.
 */
public final class CollectorVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(CollectorVerticle.class);

    private final CollectorConfig config;
    private final Clock clock;
    private JdbcStore store;
    private JdbcCarbonStore carbonStore;
    private IntensityImports imports;
    private IntensityFetcher fetcher;
    private SustainabilityService sustainability;
    private ServiceCarbon serviceCarbon;
    private PowerModelCalibration calibration;
    private WorkerExecutor storeWorker;
    private HttpServer server;
    private AlertingService alerting;
    private InfluxOutput influx;
    private String enrolmentToken;
    private DeviceEvents events;
    private SnmpService snmp;
    private Services services;
    private AgentSettingsService agentSettings;

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
        Estate estate = new Estate(config.downAfterMissedReports());
        estate.sleepPolicy(new Estate.SleepPolicy(c -> config.sustainability().footprints().forClass(c).sleepWatts().isPresent(),
                config.sustainability()::hoursFor));
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
        EstateMetrics metrics = new EstateMetrics(prometheus, estate, clock);
        IntensityCache intensity = new IntensityCache();
        CarbonMetrics carbonMetrics = new CarbonMetrics(prometheus, config.carbon(), intensity, clock);
        ReportAccounting accounting = new ReportAccounting(config.carbon(), config.timeZone(), intensity, config.sustainability().footprints());
        SustainabilityMetrics sustainabilityMetrics = new SustainabilityMetrics(prometheus);

        return storeWorker.executeBlocking(() -> {
            store = JdbcStore.sqlite(config.dataDir(), config.storageSync());
            events = DeviceEvents.sqlite(config.dataDir(), storeWorker, prometheus);
            services = new Services(vertx, config.services(), config.timeZone(), new JdbcServiceHistoryStore(store), storeWorker, estate,
                    prometheus, clock);
            carbonStore = new JdbcCarbonStore(store);
            imports = new IntensityImports(carbonStore, storeWorker, intensity, RollupRecompute.afterImport(config.carbon(), accounting::dayStart), clock);
            imports.reloadIfChanged();
            JdbcSustainabilityStore sustainabilityStore = new JdbcSustainabilityStore(store);
            sustainability = new SustainabilityService(config.sustainability(), store, sustainabilityStore, config.carbon(),
                    intensity, config.timeZone());
            serviceCarbon = new ServiceCarbon(store, carbonStore, sustainabilityStore, config.sustainability(), config.timeZone());
            calibration = new PowerModelCalibration(new JdbcCalibrationStore(store), store::devices, accounting);
            calibration.apply();
            // The first pass runs before the server listens, so it never competes with agents draining their backlog.
            sustainability.recordOffTime(clock.instant());
            sustainabilityMetrics.update(sustainability.snapshot(clock.instant()));
            if (config.requireAgentCredentials()) {
                enrolmentToken = EnrolmentToken.resolve(config.enrolmentToken(), config.enrolmentTokenFile());
            }
            reload(estate);
            if (config.influx().enabled()) {
                influx = new InfluxOutput(config.influx(), prometheus);
            }
            return null;
        }).compose(v -> services.start(true)).compose(v -> {
            agentSettings = new AgentSettingsService(vertx, config.agentSettings(), estate, clock);
            return agentSettings.start(true);
        }).compose(v -> {
            metrics.sync();
            if (influx != null) {
                InfluxFeed.start(influx, estate, prometheus, vertx, clock, config.influx().snapshotInterval());
                influx.start();
            }
            RateLimiter limiter = new RateLimiter(config.rateLimitPerMinute(), config.rateLimitBurst(), clock);
            vertx.setPeriodic(60_000, id -> limiter.forgetIdle());
            IngestService ingest = new IngestService(new GroupCommitter(store, storeWorker, 2_000),
                    accounting, estate, metrics, clock, limiter::acquire, carbonMetrics::count);
            vertx.setPeriodic(config.refreshInterval().toMillis(), id -> storeWorker.executeBlocking(() -> {
                imports.reloadIfChanged();
                return null;
            }).onFailure(e -> LOG.atWarn().setCause(e).log("reloading grid intensity from the store failed")));
            if (config.intensityFetch().enabled()) {
                fetcher = new IntensityFetcher(vertx, config.intensityFetch(), imports, prometheus, clock);
                fetcher.start();
            }
            AgentCredentials credentials = enrolmentToken == null ? null
                    : new AgentCredentials(store, storeWorker, enrolmentToken, clock, Duration.ofSeconds(30));
            HttpApi api = new HttpApi(vertx, store, storeWorker, estate, ingest, prometheus, config.carbon(), config.timeZone(), clock,
                    config.pushInterval().toMillis(), credentials, config.requireClientCertificate(), config.users(),
                    config.anonymousRead(), config.tlsCertFile().isPresent());
            try {
                snmp = SnmpService.start(vertx, config.snmp(), estate, ingest, events, prometheus, clock, api::markChanged,
                        config.dataDir(), storeWorker);
            } catch (java.io.IOException | java.sql.SQLException e) {
                return Future.failedFuture(new IllegalStateException("cannot start SNMP: " + e.getMessage(), e));
            }
            api.mount(snmp);
            api.mount(new CarbonApi(carbonStore, storeWorker, config.carbon(), intensity, imports, config.timeZone(), clock));
            api.mount(new SustainabilityApi(sustainability, storeWorker, clock));
            api.mount(new HistoryApi(new HistoryImport(new JdbcHistoryStore(store), store, config.carbon(), intensity, config.timeZone()),
                    storeWorker, clock));
            api.mount(new CarbonWindowsApi(new CarbonWindowPlanner(config.carbonWindows(), config.carbon(), intensity,
                    () -> services.config().catalog().all(), estate::row, estate::rows, config.timeZone()), clock));
            scheduleSustainability(sustainabilityMetrics, new ServiceSciMetrics(prometheus));
            schedule(estate, metrics, api);
            // Condition sources for built-in alerting: one line each.
            alerting = new AlertingService(vertx, config.alerting(), new JdbcAlertStore(store), storeWorker, prometheus, clock, List.of(
                    new DeviceDownSource(estate), services.conditions()));
            api.mount(new AlertsApi(alerting, config.alerting(), clock));
            api.mount(new ServicesApi(services, serviceCarbon));
            api.mount(new CalibrationApi(calibration, storeWorker, clock));
            api.mount(new AgentSettingsApi(agentSettings, estate));
            api.answerWithSettings(agentSettings::answerFor);
            return alerting.start().compose(started -> vertx.createHttpServer(serverOptions())
                    .requestHandler(api.router(config.maxBodyBytes(), config.maxBatchBodyBytes(), config.requestTimeout().toMillis()))
                    .listen());
        }).onSuccess(s -> {
            server = s;
            LOG.atInfo().addKeyValue("url", (config.tlsCertFile().isPresent() ? "https://" : "http://") + displayHost() + ":" + s.actualPort() + "/")
                    .addKeyValue("data_dir", config.dataDir().toAbsolutePath()).log("collector listening");
            if (config.anonymousRead()) {
                LOG.atWarn().log("anyone who reaches the collector may read the dashboard, API and metrics (security.read.anonymous)");
            } else if (config.users().isEmpty()) {
                LOG.atWarn().log("no users or API tokens are configured: nobody can read the dashboard; see docs/security.md");
            }
            if (enrolmentToken == null) {
                LOG.atWarn().log("agent credentials are switched off: any client that reaches the collector can report as any device");
            } else if (config.enrolmentToken().isEmpty()) {
                LOG.atInfo().addKeyValue("file", config.enrolmentTokenFile().toAbsolutePath())
                        .log("agents enrol with the token in this file (collector.enrolment_token_file on the agent)");
            }
        });
    }

    /** Services and probes, for their alert conditions. */
    public Services services() {
        return services;
    }

    /** Reloads the services file on the collector's own event loop (SIGHUP); a bad file is logged and changes nothing. */
    public void reloadServices(String trigger) {
        if (context == null) {
            return;
        }
        context.runOnContext(v -> {
            if (services != null) {
                services.reload(trigger).onFailure(e -> { });
            }
        });
    }

    /** Reloads the agent settings file on the collector's own event loop (SIGHUP); a bad file is logged and changes nothing. */
    public void reloadAgentSettings(String trigger) {
        if (context == null) {
            return;
        }
        context.runOnContext(v -> {
            if (agentSettings != null && agentSettings.file().isPresent()) {
                agentSettings.reload(trigger).onFailure(e -> { });
            }
        });
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

    /** Periodic work: reload the view from the store (other collectors may write to it) and prune old data. */
    private void schedule(Estate estate, EstateMetrics metrics, HttpApi api) {
        vertx.setPeriodic(config.refreshInterval().toMillis(), id -> storeWorker.executeBlocking(() -> {
            reload(estate);
            return null;
        }).onSuccess(v -> {
            metrics.sync();
            api.markChanged();
        }).onFailure(e -> LOG.atWarn().setCause(e).log("refreshing the estate from the store failed")));
        vertx.setPeriodic(Duration.ofMinutes(1).toMillis(), Duration.ofHours(1).toMillis(), id -> events.prune(clock.instant()
                .minus(config.rawRetention())).onFailure(e -> LOG.atWarn().setCause(e).log("pruning device events failed")));
        vertx.setPeriodic(Duration.ofMinutes(1).toMillis(), Duration.ofHours(1).toMillis(), id -> storeWorker.executeBlocking(() -> {
            long now = clock.millis();
            return store.prune(now - config.rawRetention().toMillis(), now - config.hourlyRetention().toMillis(),
                    now - Estate.longestWindow().toMillis());
        }).onSuccess(n -> LOG.atInfo().addKeyValue("rows", n).log("pruned data past retention"))
                .onFailure(e -> LOG.atWarn().setCause(e).log("pruning failed")));
    }

    /**
     * Known-off time and the target gauges change slowly: every 15 minutes (the first pass ran at start). The
     * embodied gauges are cheap and refreshed every few seconds, so new devices and classes show at once.
     */
    private void scheduleSustainability(SustainabilityMetrics metrics, ServiceSciMetrics sci) {
        long every = Duration.ofMinutes(15).toMillis();
        // Each service's SCI this month: now, then with the carbon pass.
        vertx.setPeriodic(1, every, id -> storeWorker.executeBlocking(() -> ServiceSciMetrics.thisMonth(services, serviceCarbon, clock.instant()))
                .onSuccess(sci::update).onFailure(e -> LOG.atWarn().setCause(e).log("updating services' carbon intensity failed")));
        vertx.setPeriodic(every, every, id -> storeWorker.executeBlocking(() -> {
            sustainability.recordOffTime(clock.instant());
            return sustainability.snapshot(clock.instant());
        }).onSuccess(metrics::update).onFailure(e -> LOG.atWarn().setCause(e).log("updating off time and carbon gauges failed")));
        vertx.setPeriodic(Math.min(config.refreshInterval().toMillis(), 5_000), id -> storeWorker.executeBlocking(() -> sustainability.embodiedRates(clock.instant()))
                .onSuccess(metrics::updateEmbodied).onFailure(e -> LOG.atWarn().setCause(e).log("updating embodied carbon gauges failed")));
    }

    private void reload(Estate estate) {
        long since = clock.millis() - Estate.longestWindow().toMillis();
        estate.load(store.devices(), store.spansSince(since));
        estate.forgetSpansBefore(clock.instant().minus(Estate.longestWindow()));
    }

    private String displayHost() {
        String host = config.httpHost();
        return host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host;
    }

    @Override
    public Future<?> stop() {
        if (snmp != null) {
            snmp.stop();
        }
        if (fetcher != null) {
            fetcher.close();
        }
        Future<Void> closed = (server == null ? Future.<Void>succeededFuture() : server.close())
                .compose(v -> alerting == null ? Future.<Void>succeededFuture() : alerting.stop());
        return closed.compose(v -> storeWorker.executeBlocking(() -> {
            if (events != null) {
                events.close();
            }
            if (store != null) {
                store.close();
            }
            if (influx != null) {
                influx.close();
            }
            return null;
        })).compose(v -> services == null ? Future.succeededFuture() : services.close()).compose(v -> storeWorker.close());
    }
}
