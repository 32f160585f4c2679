package io.kilowatch.core.alerting;

import java.time.Duration;
import java.util.List;

/**
 * How alerts are batched into notifications, as Alertmanager's route does it.
 *
 * @param groupBy label names whose values make a group ({@code rule} for the rule); alerts alike in
 *     these go out together
 * @param groupWait how long a new group waits for more alerts before its first notification
 * @param groupInterval how long after a group's notification a change to it (a new or resolved
 *     alert) is sent; changes in between are batched
 * @param repeatInterval how long after a notification one is sent again while nothing changed but
 *     alerts still fire
 */
public record GroupingPolicy(List<String> groupBy, Duration groupWait, Duration groupInterval, Duration repeatInterval) {
    public GroupingPolicy {
        groupBy = List.copyOf(groupBy);
        if (groupWait.isNegative() || groupInterval.isNegative() || groupInterval.isZero() || repeatInterval.compareTo(groupInterval) < 0) {
            throw new IllegalArgumentException("grouping needs group_wait >= 0, group_interval > 0 and repeat_interval >= group_interval");
        }
    }
}
