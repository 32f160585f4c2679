package io.kilowatch.collector.estate;

import java.util.Set;
import java.util.function.Consumer;

/**
 * Which devices other collectors sharing the store have just stored reports for, so that every collector's live view
 * and live stream follow reports that arrived at any of them within a second or so rather than at the next
 * {@code storage.refresh_interval}. The store publishes a report's device when its transaction commits; a collector
 * is not told of its own.
 */
public interface EstateChanges extends AutoCloseable {
    /**
     * Starts telling: {@code devices} with the ids other collectors changed, {@code missed} when changes may have been
     * lost (the subscription was cut off and is back), after which the caller reads what changed from the store.
     * Both run on the subscription's own thread.
     */
    void subscribe(Consumer<Set<String>> devices, Runnable missed);

    @Override
    void close();

    /** No other collector can write the store (SQLite): this collector's own reports reach its live view in process. */
    EstateChanges NONE = new EstateChanges() {
        @Override
        public void subscribe(Consumer<Set<String>> devices, Runnable missed) {
        }

        @Override
        public void close() {
        }
    };
}
