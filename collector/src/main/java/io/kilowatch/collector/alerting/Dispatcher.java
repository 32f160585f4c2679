package io.kilowatch.collector.alerting;

import io.kilowatch.core.alerting.Notification;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers notifications to channels, retrying a failure with exponential backoff up to the channel's
 * attempt limit. Every outcome is counted ({@code kilowatch_notifications_total{channel,outcome}}) and a
 * failed attempt logged: a notification is never lost without a trace.
 */
final class Dispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    private final Vertx vertx;
    private final Map<String, NotificationChannel> channels;
    private final Map<String, AlertingConfig.Channel> configs;
    private final MeterRegistry registry;

    /** How one notification ended after all attempts. */
    record Outcome(boolean delivered, int attempts, String error) {
    }

    Dispatcher(Vertx vertx, Map<String, NotificationChannel> channels, Map<String, AlertingConfig.Channel> configs, MeterRegistry registry) {
        this.vertx = vertx;
        this.channels = Map.copyOf(channels);
        this.configs = Map.copyOf(configs);
        this.registry = registry;
        for (String channel : configs.keySet()) {
            counter(channel, "delivered");
            counter(channel, "failed");
        }
    }

    private Counter counter(String channel, String outcome) {
        return Counter.builder("kilowatch.notifications").tag("channel", channel).tag("outcome", outcome)
                .description("Alert notifications by channel and final outcome (after retries)").register(registry);
    }

    /**
     * Never fails: the future carries the outcome.
     *
     * @param stillOurs whether this collector still holds the alerting duty: a retry is not made once another has taken it over
     */
    Future<Outcome> deliver(Notification n, BooleanSupplier stillOurs) {
        Promise<Outcome> done = Promise.promise();
        attempt(n, 1, configs.get(n.channel()).delivery().retryBackoff(), stillOurs, done);
        return done.future();
    }

    private void attempt(Notification n, int attempt, Duration backoff, BooleanSupplier stillOurs, Promise<Outcome> done) {
        AlertingConfig.Delivery delivery = configs.get(n.channel()).delivery();
        channels.get(n.channel()).send(n).onComplete(result -> {
            if (result.succeeded()) {
                counter(n.channel(), "delivered").increment();
                LOG.atInfo().addKeyValue("channel", n.channel()).addKeyValue("group", n.groupKey()).addKeyValue("status", n.status())
                        .addKeyValue("alerts", n.alerts().size()).addKeyValue("attempts", attempt).log("notification delivered");
                done.complete(new Outcome(true, attempt, null));
                return;
            }
            String error = describe(result.cause());
            boolean permanent = result.cause() instanceof NotificationChannel.PermanentFailure;
            if (attempt >= delivery.maxAttempts() || permanent) {
                counter(n.channel(), "failed").increment();
                LOG.atError().addKeyValue("channel", n.channel()).addKeyValue("group", n.groupKey()).addKeyValue("attempts", attempt)
                        .addKeyValue("error", error).log("notification failed; giving up (the group is sent again at its next interval)");
                done.complete(new Outcome(false, attempt, error));
                return;
            }
            LOG.atWarn().addKeyValue("channel", n.channel()).addKeyValue("attempt", attempt).addKeyValue("retry_in_ms", backoff.toMillis())
                    .addKeyValue("error", error).log("notification attempt failed; retrying");
            Duration next = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            vertx.setTimer(backoff.toMillis(), id -> {
                if (stillOurs.getAsBoolean()) {
                    attempt(n, attempt + 1, next, stillOurs, done);
                } else {
                    counter(n.channel(), "failed").increment();
                    done.complete(new Outcome(false, attempt, error + "; not retried: another collector evaluates alerts now"));
                }
            });
        });
    }

    /** The failure and its root cause ("Failed to create SSL connection: PKIX path building failed ..."), for people. */
    private static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String top = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        return root == failure || root.getMessage() == null || top.contains(root.getMessage()) ? top : top + ": " + root.getMessage();
    }

    Future<Void> close() {
        return Future.join(channels.values().stream().map(NotificationChannel::close).toList()).mapEmpty();
    }
}
