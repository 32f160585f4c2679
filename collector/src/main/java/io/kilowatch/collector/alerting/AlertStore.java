package io.kilowatch.collector.alerting;

import io.kilowatch.core.alerting.Alert;
import io.kilowatch.core.alerting.Silence;
import java.util.List;
import java.util.Optional;

/**
 * Alert history and silences, kept so they survive restarts (Alertmanager keeps no history; people ask
 * for it). Methods block; the collector calls them on its store thread.
 */
public interface AlertStore {

    /** One message about an alert: to which channel, when, why, and whether it arrived. */
    record NotificationRecord(String channel, long sentMs, String kind, String outcome, String detail) {
        public static final String DELIVERED = "delivered";
        public static final String FAILED = "failed";
        public static final String SILENCED = "silenced";
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

    /** Records an alert that has just fired. */
    void fired(Alert alert);

    /** Records that a fired alert resolved. */
    void resolved(Alert alert);

    /** Records a message (or its failure, or its muting) about some alerts. */
    void notified(List<String> alertIds, NotificationRecord notification);

    /** Alerts still firing, each with its messages: what a restarted collector takes back. */
    List<HistoryEntry> firing();

    HistoryPage history(HistoryQuery query);

    void saveSilence(Silence silence);

    /** Silences that have not ended before {@code sinceMs}, newest first. */
    List<Silence> silences(long sinceMs);

    Optional<Silence> silence(String id);
}
