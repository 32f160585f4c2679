package io.kilowatch.collector.alerting;

import io.kilowatch.collector.cluster.Duty;
import io.kilowatch.collector.cluster.FencedOff;
import io.kilowatch.core.alerting.Alert;
import io.kilowatch.core.alerting.AlertEngine;
import io.kilowatch.core.alerting.AlertRule;
import io.kilowatch.core.alerting.Condition;
import io.kilowatch.core.alerting.ConditionSource;
import io.kilowatch.core.alerting.Notification;
import io.kilowatch.core.alerting.NotificationGrouper;
import io.kilowatch.core.alerting.Severity;
import io.kilowatch.core.alerting.Silence;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Built-in alerting: asks every {@link ConditionSource} what holds at each evaluation, runs the alert
 * lifecycle and grouping from core, writes history to the store and hands messages to the dispatcher.
 * Alert state lives on the verticle's event loop, but for the engine, which each evaluation round (one at a time) works on
 * a worker; the store is written on its own thread, in order.
 * <p>
 * With several collectors on one store, only the one holding the {@code alerting} {@link Duty} evaluates and notifies;
 * when it takes the duty it reads the firing alerts and their messages back from the store, and every write it makes
 * carries the duty's fence. A message is claimed in the store before it is sent, so it is never sent twice. The other
 * collectors show the firing alerts the store has.
 */
public final class AlertingService {
    private static final Logger LOG = LoggerFactory.getLogger(AlertingService.class);
    /** Ended silences stay listed this long, so people see what was muted lately. */
    private static final Duration SILENCES_SHOWN_AFTER_END = Duration.ofDays(7);

    private final Vertx vertx;
    private final AlertingConfig config;
    private final AlertStore store;
    private final Clock clock;
    private final List<ConditionSource> sources;
    private final Duty duty;
    /** The lifecycle and grouping of the alerts, built again from the store whenever this collector takes the duty. */
    private AlertEngine engine;
    private NotificationGrouper grouper;
    /** The token this collector's state was read back under; evaluation waits until it matches the duty's. */
    private long restoredToken;
    private boolean restoring;
    private final Dispatcher dispatcher;
    private final Set<String> warnedUnknownRules = new HashSet<>();
    private volatile List<Alert> current = List.of();
    private volatile List<Silence> silences = List.of();
    private boolean evaluating;
    private final List<Long> timers = new ArrayList<>();

    public AlertingService(Vertx vertx, AlertingConfig config, AlertStore store, MeterRegistry registry, Clock clock,
                           List<ConditionSource> sources, Duty duty) {
        this.vertx = vertx;
        this.duty = duty;
        this.config = config;
        this.store = store;
        this.clock = clock;
        this.sources = List.copyOf(sources);
        this.engine = new AlertEngine(config.rules());
        this.grouper = new NotificationGrouper(config.grouping());
        Map<String, NotificationChannel> channels = new LinkedHashMap<>();
        config.channels().forEach((name, c) -> channels.put(name, c instanceof AlertingConfig.Webhook w
                ? new WebhookChannel(vertx, w, config.externalUrl())
                : new EmailChannel(vertx, (AlertingConfig.Email) c, config.externalUrl())));
        this.dispatcher = new Dispatcher(vertx, channels, config.channels(), registry);
        for (Severity severity : Severity.values()) {
            Gauge.builder("kilowatch.alerts.firing", this, s -> s.current.stream()
                            .filter(a -> a.state() == Alert.State.FIRING && a.severity() == severity).count())
                    .tag("severity", severity.label()).description("Alerts firing now, by severity (silenced ones included)").register(registry);
        }
    }

    /** Takes back firing alerts and silences from the store (when this collector holds the duty), then evaluates and flushes on timers. */
    public Future<Void> start() {
        if (!config.enabled()) {
            LOG.atInfo().log("built-in alerting is switched off (alerting.enabled)");
            return Future.succeededFuture();
        }
        duty.onTaken(token -> takeOver());
        duty.onLost(() -> {
            LOG.atInfo().log("this collector no longer holds the alerting lease: it stops evaluating");
            restoredToken = 0;
        });
        return refreshSilences().compose(v -> duty.held() ? takeOver() : showStored()).map(v -> {
            if (config.channels().isEmpty()) {
                LOG.atWarn().log("no alerting channels are configured: alerts show on the dashboard only (alerting.channels)");
            }
            LOG.atInfo().addKeyValue("firing", current.size()).addKeyValue("silences", silences.size()).addKeyValue("evaluating_here", duty.held())
                    .addKeyValue("channels", String.join(",", config.channels().keySet())).log("alerting started");
            timers.add(vertx.setPeriodic(1, config.evaluationInterval().toMillis(), id -> evaluate()));
            timers.add(vertx.setPeriodic(1_000, id -> flush()));
            return null;
        });
    }

    /** This collector has just taken the duty: the firing alerts and their messages in the store are the truth; start from them. */
    private Future<Void> takeOver() {
        if (restoring) {
            return Future.succeededFuture();
        }
        restoring = true;
        long token = duty.fence().token();
        Instant now = clock.instant();
        return store.firing().eventually(() -> {
            restoring = false;
            return Future.succeededFuture();
        }).map(firing -> {
            if (duty.fence().token() != token) {
                return null; // lost and taken again meanwhile: the newer take-over restores
            }
            engine = new AlertEngine(config.rules());
            grouper = new NotificationGrouper(config.grouping());
            firing.forEach(entry -> restore(entry, now));
            current = engine.active();
            restoredToken = token;
            LOG.atInfo().addKeyValue("firing", firing.size()).addKeyValue("token", token).log("this collector evaluates alerts");
            return null;
        });
    }

    /** Not evaluating here: show the alerts the store has firing, as the collector that evaluates recorded them. */
    private Future<Void> showStored() {
        return store.firing().map(firing -> {
            if (!evaluatingHere()) {
                current = firing.stream().map(AlertStore.HistoryEntry::alert).toList();
            }
            return null;
        });
    }

    /** Silences may be made on any collector: every one reads them from the store. */
    private Future<Void> refreshSilences() {
        return store.silences(clock.instant().minus(SILENCES_SHOWN_AFTER_END).toEpochMilli()).map(stored -> {
            silences = List.copyOf(stored);
            return null;
        });
    }

    private boolean evaluatingHere() {
        return duty.held() && restoredToken == duty.fence().token();
    }

    private void restore(AlertStore.HistoryEntry entry, Instant now) {
        Alert alert = entry.alert();
        engine.restore(alert, now);
        AlertRule rule = config.rules().get(alert.rule());
        if (rule == null) {
            return;
        }
        for (String channel : rule.channels()) {
            // a message claimed by a collector that died while sending counts as told: never sent twice
            Optional<Long> lastDelivered = entry.notifications().stream()
                    .filter(n -> n.channel().equals(channel) && (n.outcome().equals(AlertStore.NotificationRecord.DELIVERED)
                            || n.outcome().equals(AlertStore.NotificationRecord.SENDING)))
                    .map(AlertStore.NotificationRecord::sentMs).max(Long::compare);
            if (lastDelivered.isPresent()) {
                grouper.restore(alert, channel, Instant.ofEpochMilli(lastDelivered.get()), now);
            } else {
                grouper.add(alert, List.of(channel), now); // fired but never told (failed, muted, or stopped first): tell now
            }
        }
    }

    private void evaluate() {
        if (evaluating) {
            return; // a slow source: skip a round rather than pile up
        }
        refreshSilences().onFailure(e -> LOG.atWarn().addKeyValue("problem", e.getMessage()).log("reading silences from the store failed"));
        if (duty.held() && restoredToken != duty.fence().token()) {
            // taken, but reading the state back failed (the store away): try again rather than evaluate from nothing
            takeOver().onFailure(e -> LOG.atWarn().addKeyValue("problem", e.getMessage()).log("reading firing alerts back from the store failed"));
            return;
        }
        if (!evaluatingHere()) {
            showStored().onFailure(e -> LOG.atWarn().addKeyValue("problem", e.getMessage()).log("reading firing alerts from the store failed"));
            return;
        }
        evaluating = true;
        AlertEngine engine = this.engine;
        Instant now = clock.instant();
        // The engine works on the worker too, not on the event loop that answers agents: with 20,000 devices down, its
        // pass and the sort of what is active held that loop for a quarter of a second. Only this round touches it.
        vertx.<Evaluated>executeBlocking(() -> {
            List<Condition> all = new ArrayList<>();
            for (ConditionSource source : sources) {
                all.addAll(source.conditionsAt(now));
            }
            return new Evaluated(engine.evaluate(now, all), engine.active());
        }, false).onComplete(result -> {
            evaluating = false;
            if (result.failed()) {
                // Without a source's answer its alerts would look resolved: skip the round instead.
                LOG.atWarn().setCause(result.cause()).log("an alert condition source failed; evaluation skipped");
                return;
            }
            if (engine != this.engine || !evaluatingHere()) {
                return; // the duty moved while the sources answered: the next take-over starts a new engine
            }
            apply(result.result().evaluation(), result.result().active(), now);
        });
    }

    private record Evaluated(AlertEngine.Evaluation evaluation, List<Alert> active) {
    }

    private void apply(AlertEngine.Evaluation e, List<Alert> active, Instant now) {
        for (String rule : e.unknownRules()) {
            if (warnedUnknownRules.add(rule)) {
                LOG.atWarn().addKeyValue("rule", rule).log("a condition source reports a rule alerting does not know; ignored");
            }
        }
        for (Alert a : e.fired()) {
            LOG.atInfo().addKeyValue("rule", a.rule()).addKeyValue("labels", a.labels()).addKeyValue("severity", a.severity().label())
                    .log("alert firing");
            grouper.add(a, config.rules().get(a.rule()).channels(), now);
        }
        for (Alert a : e.resolved()) {
            LOG.atInfo().addKeyValue("rule", a.rule()).addKeyValue("labels", a.labels()).log("alert resolved");
            AlertRule rule = config.rules().get(a.rule());
            if (rule != null) {
                grouper.add(a, rule.channels(), now);
            }
        }
        current = active;
        if (!e.fired().isEmpty()) {
            logFailure(store.fired(e.fired(), duty.fence()), "recording firing alerts");
        }
        if (!e.resolved().isEmpty()) {
            logFailure(store.resolved(e.resolved(), duty.fence()), "recording resolved alerts");
        }
    }

    private void flush() {
        if (!evaluatingHere()) {
            return;
        }
        Instant now = clock.instant();
        List<Silence> inForce = silences;
        NotificationGrouper grouper = this.grouper;
        NotificationGrouper.Flush flush = grouper.flush(now, inForce);
        for (NotificationGrouper.Muted m : flush.muted()) {
            logFailure(store.notified(List.of(m.alert().id()), new AlertStore.NotificationRecord(m.channel(), now.toEpochMilli(), "firing",
                    AlertStore.NotificationRecord.SILENCED, "silence " + String.join(", ", m.silenceIds())), duty.fence()), "recording a silenced alert");
        }
        for (Notification n : flush.notifications()) {
            List<Claimed> claims = new ArrayList<>();
            if (!n.firing().isEmpty()) {
                claims.add(new Claimed(n.firing().stream().map(Alert::id).toList(), new AlertStore.NotificationRecord(n.channel(), now.toEpochMilli(),
                        n.repeat() ? "repeat" : "firing", AlertStore.NotificationRecord.SENDING, null)));
            }
            if (!n.resolved().isEmpty()) {
                claims.add(new Claimed(n.resolved().stream().map(Alert::id).toList(), new AlertStore.NotificationRecord(n.channel(), now.toEpochMilli(),
                        "resolved", AlertStore.NotificationRecord.SENDING, null)));
            }
            // claimed in the store under the fence before it goes out: a collector that took over refuses it here
            Future.all(claims.stream().map(c -> store.notified(c.alertIds(), c.record(), duty.fence())).toList()).onFailure(e -> {
                grouper.deliveryFailed(n.groupKey());
                logFailure(Future.failedFuture(e), "claiming a notification");
            }).onSuccess(v -> dispatcher.deliver(n, duty::held).onSuccess(outcome -> {
                if (!outcome.delivered()) {
                    grouper.deliveryFailed(n.groupKey());
                }
                String result = outcome.delivered() ? AlertStore.NotificationRecord.DELIVERED : AlertStore.NotificationRecord.FAILED;
                String detail = outcome.delivered() ? "attempts " + outcome.attempts() : outcome.error() + " (attempts " + outcome.attempts() + ")";
                claims.forEach(c -> logFailure(store.settled(c.alertIds(), c.record(), result, detail, clock.millis()), "recording a notification"));
            }));
        }
    }

    /** A message claimed for some alerts, to be settled once its delivery ends. */
    private record Claimed(List<String> alertIds, AlertStore.NotificationRecord record) {
    }

    private void logFailure(Future<?> stored, String what) {
        stored.onFailure(e -> {
            if (e instanceof FencedOff) {
                LOG.atWarn().addKeyValue("problem", e.getMessage()).log(what + " refused: another collector evaluates alerts now");
                duty.fencedOff();
            } else {
                LOG.atError().setCause(e).log(what + " in the store failed");
            }
        });
    }

    /** Pending and firing alerts as of the newest evaluation. */
    public List<Alert> current() {
        return current;
    }

    /** The silences muting an alert now. */
    public List<String> silencing(Alert alert) {
        return Silence.muting(silences, alert, clock.instant());
    }

    public List<Silence> silences() {
        return silences;
    }

    public Future<AlertStore.HistoryPage> history(AlertStore.HistoryQuery query) {
        return store.history(query);
    }

    /** Stores a silence, then puts it in force; the answer comes only once it is stored. */
    public Future<Silence> createSilence(List<io.kilowatch.core.alerting.LabelMatcher> matchers, Instant startsAt, Instant endsAt,
                                         String createdBy, String comment) {
        Instant now = clock.instant();
        if (!endsAt.isAfter(now)) {
            return Future.failedFuture(new IllegalArgumentException("a silence must end in the future"));
        }
        Silence silence;
        try {
            silence = new Silence(UUID.randomUUID().toString(), matchers, startsAt, endsAt, createdBy, comment, now);
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(e);
        }
        return store.saveSilence(silence).map(v -> silence).onSuccess(s -> {
            replace(s);
            LOG.atInfo().addKeyValue("id", s.id()).addKeyValue("matchers", s.matchers().toString()).addKeyValue("by", createdBy)
                    .addKeyValue("ends", s.endsAt()).log("silence created");
        });
    }

    /** Ends a silence now; empty when there is no such silence. */
    public Future<Optional<Silence>> expireSilence(String id, String by) {
        Instant now = clock.instant();
        Optional<Silence> found = silences.stream().filter(s -> s.id().equals(id)).findFirst();
        if (found.isEmpty()) {
            return Future.succeededFuture(Optional.empty());
        }
        Silence expired = found.get().hasExpired(now) ? found.get() : found.get().expiredAt(now);
        return store.saveSilence(expired).map(v -> Optional.of(expired)).onSuccess(s -> {
            replace(expired);
            LOG.atInfo().addKeyValue("id", id).addKeyValue("by", by).log("silence expired");
        });
    }

    private synchronized void replace(Silence silence) {
        Instant keepAfter = clock.instant().minus(SILENCES_SHOWN_AFTER_END);
        List<Silence> next = new ArrayList<>(silences.stream().filter(s -> !s.id().equals(silence.id()) && s.endsAt().isAfter(keepAfter)).toList());
        next.add(0, silence);
        silences = List.copyOf(next);
    }

    public Future<Void> stop() {
        timers.forEach(vertx::cancelTimer);
        return dispatcher.close();
    }
}
