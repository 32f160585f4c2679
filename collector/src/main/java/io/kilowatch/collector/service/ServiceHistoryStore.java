package io.kilowatch.collector.service;

import io.kilowatch.core.service.Incident;
import io.kilowatch.core.service.StateInterval;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;

/** Where service and component history and incidents are kept. Each method works on the store's single writer and answers on the caller's context. */
public interface ServiceHistoryStore {
    /** A service's or component's interval to insert, or to update by (kind, subject, start). */
    record IntervalRow(String kind, String subject, StateInterval interval) {
        public static final String SERVICE = "service";
        public static final String COMPONENT = "component";
    }

    /** Writes intervals and incidents in one transaction: all of them or, on failure, none. */
    Future<Void> record(List<IntervalRow> intervals, List<Incident> incidents);

    /** Intervals of a subject that overlap [fromMs, toMs), in order. */
    Future<List<StateInterval>> history(String kind, String subject, long fromMs, long toMs);

    /** Every service's intervals ending at or after {@code sinceMs}, by service. */
    Future<Map<String, List<StateInterval>>> serviceHistories(long sinceMs);

    /** A service's incidents overlapping [fromMs, toMs), newest first, at most {@code limit}. */
    Future<List<Incident>> incidents(String service, long fromMs, long toMs, int limit);

    /** Incidents not closed yet, of every service. */
    Future<List<Incident>> openIncidents();
}
