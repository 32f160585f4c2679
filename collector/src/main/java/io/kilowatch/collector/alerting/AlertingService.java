package io.kilowatch.collector.alerting;

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
 * Alert state lives on the verticle's event loop; the store is written on its own thread, in order.
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
    private final AlertEngine engine;
    private final NotificationGrouper grouper;
    private final Dispatcher dispatcher;
    private final Set<String> warnedUnknownRules = new HashSet<>();
    private volatile List<Alert> current = List.of();
    private volatile List<Silence> silences = List.of();
    private boolean evaluating;
    private final List<Long> timers = new ArrayList<>();

    public AlertingService(Vertx vertx, AlertingConfig config, AlertStore store, MeterRegistry registry, Clock clock,
                           List<ConditionSource> sources) {
        this.vertx = vertx;
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

    private record Stored(List<AlertStore.HistoryEntry> firing, List<Silence> silences) {
    }

    /** Takes back firing alerts and silences from the store, then evaluates and flushes on timers. */
    public Future<Void> start() {
        if (!config.enabled()) {
            LOG.atInfo().log("built-in alerting is switched off (alerting.enabled)");
            return Future.succeededFuture();
        }
        Instant now = clock.instant();
        return store.firing().compose(firing -> store.silences(now.minus(SILENCES_SHOWN_AFTER_END).toEpochMilli())
                        .map(silences -> new Stored(firing, silences)))
                .map(loaded -> {
                    List<AlertStore.HistoryEntry> firing = loaded.firing();
                    List<Silence> stored = loaded.silences();
                    silences = List.copyOf(stored);
                    firing.forEach(entry -> restore(entry, now));
                    current = engine.active();
                    if (config.channels().isEmpty()) {
                        LOG.atWarn().log("no alerting channels are configured: alerts show on the dashboard only (alerting.channels)");
                    }
                    LOG.atInfo().addKeyValue("firing", firing.size()).addKeyValue("silences", stored.size())
                            .addKeyValue("channels", String.join(",", config.channels().keySet())).log("alerting started");
                    timers.add(vertx.setPeriodic(1, config.evaluationInterval().toMillis(), id -> evaluate()));
                    timers.add(vertx.setPeriodic(1_000, id -> flush()));
                    return null;
                });
    }

    private void restore(AlertStore.HistoryEntry entry, Instant now) {
        Alert alert = entry.alert();
        engine.restore(alert, now);
        AlertRule rule = config.rules().get(alert.rule());
        if (rule == null) {
            return;
        }
        for (String channel : rule.channels()) {
            Optional<Long> lastDelivered = entry.notifications().stream()
                    .filter(n -> n.channel().equals(channel) && n.outcome().equals(AlertStore.NotificationRecord.DELIVERED))
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
        evaluating = true;
        Instant now = clock.instant();
        vertx.<List<Condition>>executeBlocking(() -> {
            List<Condition> all = new ArrayList<>();
            for (ConditionSource source : sources) {
                all.addAll(source.conditionsAt(now));
            }
            return all;
        }, false).onComplete(result -> {
            evaluating = false;
            if (result.failed()) {
                // Without a source's answer its alerts would look resolved: skip the round instead.
                LOG.atWarn().setCause(result.cause()).log("an alert condition source failed; evaluation skipped");
                return;
            }
            apply(engine.evaluate(now, result.result()), now);
        });
    }

    private void apply(AlertEngine.Evaluation e, Instant now) {
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
        current = engine.active();
        if (!e.fired().isEmpty() || !e.resolved().isEmpty()) {
            e.fired().forEach(a -> logFailure(store.fired(a), "recording an alert"));
            e.resolved().forEach(a -> logFailure(store.resolved(a), "recording an alert"));
        }
    }

    private void flush() {
        Instant now = clock.instant();
        List<Silence> inForce = silences;
        NotificationGrouper.Flush flush = grouper.flush(now, inForce);
        for (NotificationGrouper.Muted m : flush.muted()) {
            logFailure(store.notified(List.of(m.alert().id()), new AlertStore.NotificationRecord(m.channel(), now.toEpochMilli(), "firing",
                    AlertStore.NotificationRecord.SILENCED, "silence " + String.join(", ", m.silenceIds()))), "recording a silenced alert");
        }
        for (Notification n : flush.notifications()) {
            dispatcher.deliver(n).onSuccess(outcome -> {
                if (!outcome.delivered()) {
                    grouper.deliveryFailed(n.groupKey());
                }
                long at = clock.millis();
                String result = outcome.delivered() ? AlertStore.NotificationRecord.DELIVERED : AlertStore.NotificationRecord.FAILED;
                String detail = outcome.delivered() ? "attempts " + outcome.attempts() : outcome.error() + " (attempts " + outcome.attempts() + ")";
                if (!n.firing().isEmpty()) {
                    logFailure(store.notified(n.firing().stream().map(Alert::id).toList(),
                            new AlertStore.NotificationRecord(n.channel(), at, n.repeat() ? "repeat" : "firing", result, detail)), "recording a notification");
                }
                if (!n.resolved().isEmpty()) {
                    logFailure(store.notified(n.resolved().stream().map(Alert::id).toList(),
                            new AlertStore.NotificationRecord(n.channel(), at, "resolved", result, detail)), "recording a notification");
                }
            });
        }
    }

    private static void logFailure(Future<Void> stored, String what) {
        stored.onFailure(e -> LOG.atError().setCause(e).log(what + " in the store failed"));
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
