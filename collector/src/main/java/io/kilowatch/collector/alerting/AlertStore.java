package io.kilowatch.collector.alerting;

import io.kilowatch.collector.cluster.Fence;
import io.kilowatch.core.alerting.Alert;
import io.kilowatch.core.alerting.Silence;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/**
 * Alert history and silences, kept so they survive restarts (Alertmanager keeps no history; people ask
 * for it). Each method does its work on the store's single writer and answers on the caller's context. What only the
 * collector holding the alerting lease may write carries its {@link Fence}: a stale one fails the write with
 * {@link io.kilowatch.collector.cluster.FencedOff} and changes nothing.
 */
public interface AlertStore {

    /** One message about an alert: to which channel, when, why, and whether it arrived. */
    record NotificationRecord(String channel, long sentMs, String kind, String outcome, String detail) {
        public static final String DELIVERED = "delivered";
        public static final String FAILED = "failed";
        public static final String SILENCED = "silenced";
        /**
         * Claimed for sending and not settled yet. Written before the message goes out, so a collector taking over from one
         * that died while sending does not send it again: it may not have arrived, but it is never sent twice.
         */
        public static final String SENDING = "sending";
    }

    /** An alert that fired, with every message sent about it, oldest first. */
    record HistoryEntry(Alert alert, List<NotificationRecord> notifications) {
    }

    /**
     * A filter and page over history, newest firing first.
     *
     * @param open true for alerts still firing, false for resolved ones, empty for both
     */
    record HistoryQuery(Optional<String> rule, Optional<String> severity, Optional<Boolean> open, Optional<Long> fromMs,
                        Optional<Long> toMs, int limit, int offset) {
    }

    record HistoryPage(List<HistoryEntry> entries, long total) {
    }

    /** Records alerts that have just fired, all in one write: a site going dark fires thousands at once. */
    Future<Void> fired(List<Alert> alerts, Fence fence);

    /** Records that fired alerts resolved, all in one write. */
    Future<Void> resolved(List<Alert> alerts, Fence fence);

    /** Records a message about some alerts: claimed for sending ({@link NotificationRecord#SENDING}), or muted. */
    Future<Void> notified(List<String> alertIds, NotificationRecord notification, Fence fence);

    /** Settles a message claimed with {@link #notified}: delivered or failed, with the detail, at {@code settledMs}. */
    Future<Void> settled(List<String> alertIds, NotificationRecord claimed, String outcome, String detail, long settledMs);

    /** Alerts still firing, each with its messages: what a restarted collector takes back. */
    Future<List<HistoryEntry>> firing();

    Future<HistoryPage> history(HistoryQuery query);

    Future<Void> saveSilence(Silence silence);

    /** Silences that have not ended before {@code sinceMs}, newest first. */
    Future<List<Silence>> silences(long sinceMs);

    Future<Optional<Silence>> silence(String id);
}
