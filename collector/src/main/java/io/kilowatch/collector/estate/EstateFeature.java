package io.kilowatch.collector.estate;

import io.kilowatch.collector.cluster.Duty;
import io.kilowatch.collector.feature.Feature;
import io.kilowatch.collector.feature.FeatureContext;
import io.kilowatch.collector.http.ApiModule;
import io.kilowatch.collector.http.RateLimiter;
import io.kilowatch.collector.security.EnrolmentToken;
import io.kilowatch.core.carbon.CarbonPolicy;
import io.kilowatch.core.credential.Credentials;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The estate: the live view of every device, reloaded from the store (other collectors may write to it), ingest
 * of agents' reports with their credentials, pruning past retention, the estate's gauges and its API.
 */
public final class EstateFeature implements Feature {
    private static final Logger LOG = LoggerFactory.getLogger(EstateFeature.class);

    /**
     * @param enrolmentToken null when agents need no credential; else the token from the environment, if set there
     * @param enrolmentTokenFile where the token is kept (made on first start) when not set in the environment
     * @param credentialCache how long a credential's look-up is trusted: a revocation holds on this collector within it
     */
    public record Options(Duration refreshInterval, Duration groupCommitWindow, Duration rawRetention, Duration hourlyRetention, Duration pushInterval,
                          int rateLimitPerMinute, int rateLimitBurst, boolean requireClientCertificate, IngestApi.Limits limits,
                          Optional<String> enrolmentToken, java.nio.file.Path enrolmentTokenFile, boolean requireCredentials,
                          Duration credentialCache) {
    }

    private final Estate estate;
    private final EstateStore store;
    private final ReportAccounting accounting;
    private final CarbonPolicy carbon;
    private final Options options;
    private final Consumer<IngestPlan> onStored;
    private final EstateChanges othersChanges;
    /** Devices other collectors changed that are still to be read; read by one task at a time, so bursts coalesce. */
    private final Set<String> othersChanged = new LinkedHashSet<>();
    private boolean readingOthers;
    private final Duty retention;
    private EstateMetrics metrics;
    private IngestService ingest;
    private EstateApi estateApi;
    private IngestApi ingestApi;
    private String enrolmentToken;
    /**
     * A report's received time is its collector's clock before the commit: reloads overlap by this much, for commits
     * that took long and for collectors' clocks up to a minute apart (docs/architecture.md).
     */
    private static final Duration RELOAD_OVERLAP = Duration.ofMinutes(2);
    /** Now and then everything, whatever an overlap may have missed. */
    private static final Duration FULL_RELOAD = Duration.ofHours(1);
    private long lastReloadMs;
    private long lastFullReloadMs = -1;

    /**
     * @param othersChanges reports other collectors on the same store took, read back at once for the live view
     * @param onStored told of every stored report, after the estate's own bookkeeping (carbon counters)
     * @param retention pruning past retention runs only on the collector holding it
     */
    public EstateFeature(Estate estate, EstateStore store, EstateChanges othersChanges, ReportAccounting accounting, CarbonPolicy carbon,
                         Options options, Consumer<IngestPlan> onStored, Duty retention) {
        this.othersChanges = othersChanges;
        this.retention = retention;
        this.estate = estate;
        this.store = store;
        this.accounting = accounting;
        this.carbon = carbon;
        this.options = options;
        this.onStored = onStored;
    }

    @Override
    public String name() {
        return "estate";
    }

    @Override
    public Future<Void> start(FeatureContext ctx) {
        metrics = new EstateMetrics(ctx.registry(), estate, ctx.clock());
        metrics.watchUnwritten(store);
        ctx.exposition().add(new DeviceMetrics(estate, ctx.clock()));
        // The token may be read from (or first written to) its file: blocking, so on a worker.
        Future<String> token = !options.requireCredentials() ? Future.succeededFuture()
                : ctx.vertx().executeBlocking(() -> EnrolmentToken.resolve(options.enrolmentToken(), options.enrolmentTokenFile()), false);
        return token.compose(t -> {
            enrolmentToken = t;
            return t == null ? Future.succeededFuture(Optional.<String>empty()) : store.recordEnrolmentToken(Credentials.sha256(t), ctx.clock().millis());
        }).compose(previous -> {
            if (previous.isPresent()) {
                LOG.atWarn().log("this collector's enrolment token is not the one the collector started before it on this store "
                        + "holds: agents given that one cannot enrol here. Give every collector the same token (docs/security.md, "
                        + "Several collectors); after a rotation, restart the others with the new one");
            }
            return reload(ctx);
        }).<Void>mapEmpty().onSuccess(v -> {
            RateLimiter limiter = new RateLimiter(options.rateLimitPerMinute(), options.rateLimitBurst(), ctx.clock());
            // a pass over every device that reported lately: on the maths worker, not the event loop that answers them
            ctx.timers().every(Duration.ofMinutes(1), () -> ctx.maths().run(() -> {
                limiter.forgetIdle();
                return null;
            }));
            ingest = new IngestService(new GroupCommitter(ctx.vertx(), store, 2_000, options.groupCommitWindow()), accounting, estate, metrics, ctx.clock(),
                    limiter::acquire, onStored);
            AgentCredentials credentials = enrolmentToken == null ? null
                    : new AgentCredentials(store, enrolmentToken, ctx.clock(), options.credentialCache());
            estateApi = new EstateApi(ctx.vertx(), store, ctx.maths(), estate, carbon, ctx.zone(), ctx.clock(),
                    options.pushInterval().toMillis());
            ingestApi = new IngestApi(ctx.vertx(), ingest, credentials, options.requireClientCertificate(), store,
                    ctx.clock(), options.limits());
            schedule(ctx);
            Context context = ctx.vertx().getOrCreateContext();
            othersChanges.subscribe(ids -> context.runOnContext(x -> readOthers(ctx, ids)), () -> context.runOnContext(x -> refresh(ctx)));
            if (enrolmentToken == null) {
                LOG.atWarn().log("agent credentials are switched off: any client that reaches the collector can report as any device");
            } else if (options.enrolmentToken().isEmpty()) {
                LOG.atInfo().addKeyValue("file", options.enrolmentTokenFile().toAbsolutePath())
                        .log("agents enrol with the token in this file (collector.enrolment_token_file on the agent)");
            }
        });
    }

    /** Takes reports from agents and SNMP polls alike. */
    public IngestService ingest() {
        return ingest;
    }

    /** Answers agents' batches with the central settings for their device. */
    public void answerWithSettings(IngestApi.SettingsAnswer settings) {
        ingestApi.answerWithSettings(settings);
    }

    /** Tells live dashboard clients something changed. */
    public void markChanged() {
        estateApi.markChanged();
    }

    @Override
    public List<ApiModule> routes() {
        return List.of(estateApi, ingestApi);
    }

    private void schedule(FeatureContext ctx) {
        ctx.timers().every(options.refreshInterval(), () -> refresh(ctx));
        ctx.timers().every(Duration.ofMinutes(1), Duration.ofHours(1), () -> {
            if (retention.held()) {
                prune(ctx);
            }
        });
    }

    private void prune(FeatureContext ctx) {
        long now = ctx.clock().millis();
        store.prune(now - options.rawRetention().toMillis(), now - options.hourlyRetention().toMillis(), now - Estate.longestWindow().toMillis())
                .onSuccess(n -> LOG.atInfo().addKeyValue("rows", n).log("pruned data past retention"))
                .onFailure(e -> LOG.atWarn().setCause(e).log("pruning failed"));
    }

    private void refresh(FeatureContext ctx) {
        reload(ctx).onSuccess(changed -> estateApi.markChanged())
                .onFailure(e -> LOG.atWarn().setCause(e).log("refreshing the estate from the store failed"));
    }

    /** Reads the devices other collectors said they changed, on the event loop; one read at a time, taking all that queued meanwhile. */
    private void readOthers(FeatureContext ctx, Set<String> ids) {
        othersChanged.addAll(ids);
        if (readingOthers || othersChanged.isEmpty()) {
            return;
        }
        readingOthers = true;
        List<String> batch = List.copyOf(othersChanged);
        othersChanged.clear();
        store.changesOf(batch, ctx.clock().millis() - Estate.longestWindow().toMillis()).compose(changes -> ctx.maths().run(() -> {
            estate.load(changes);
            return changes.devices();
        })).onSuccess(rows -> estateApi.devicesChanged(batch)).onFailure(e -> LOG.atWarn().addKeyValue("error", e.getMessage()).log("reading devices another collector changed failed; "
                + "the next refresh reads them")).onComplete(r -> {
            readingOthers = false;
            readOthers(ctx, Set.of());
        });
    }

    /**
     * Reads what changed in the store since the last reload (reports other collectors took), or everything once an hour
     * and at start; returns the devices read. Of the devices that reported since the last reload, only those whose newest
     * stored sequence is past this view's are read whole: every device reported, mostly to this collector, and reading them
     * all again held the store's writer for up to a second every refresh at 20,000 devices.
     */
    private Future<List<DeviceRow>> reload(FeatureContext ctx) {
        long now = ctx.clock().millis();
        boolean full = lastFullReloadMs < 0 || now - lastFullReloadMs >= FULL_RELOAD.toMillis();
        long spansSinceMs = now - Estate.longestWindow().toMillis();
        // The passes over every device run on the maths worker, not the event loop that answers agents: at 30,000 devices
        // each held it for up to 150 ms every refresh, and every request waiting behind them with it.
        Future<EstateStore.Changes> read = full ? store.changesSince(0, spansSinceMs)
                : store.sequencesSince(lastReloadMs - RELOAD_OVERLAP.toMillis())
                        .compose(sequences -> ctx.maths().run(() -> sequences.entrySet().stream()
                                .filter(stored -> estate.row(stored.getKey()) == null
                                        || estate.row(stored.getKey()).reporting().lastSequence() < stored.getValue())
                                .map(Map.Entry::getKey).toList()))
                        .compose(newer -> store.changesOf(newer, spansSinceMs));
        return read.compose(changes -> ctx.maths().run(() -> {
            estate.load(changes);
            estate.forgetSpansBefore(ctx.clock().instant().minus(Estate.longestWindow()));
            return changes.devices();
        })).map(devices -> {
            lastReloadMs = now;
            if (full) {
                lastFullReloadMs = now;
            }
            return devices;
        });
    }
}
