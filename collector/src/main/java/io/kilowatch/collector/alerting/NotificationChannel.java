package io.kilowatch.collector.alerting;

import io.kilowatch.core.alerting.Notification;
import io.vertx.core.Future;

/** Sends one notification once; {@link Dispatcher} retries. */
interface NotificationChannel {
    Future<Void> send(Notification notification);

    /** Releases connections. */
    Future<Void> close();

    /** A failure that sending again cannot fix (a 4xx answer, a refused address). */
    final class PermanentFailure extends RuntimeException {
        PermanentFailure(String message) {
            super(message);
        }
    }
}
