package io.kilowatch.core.alerting;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One message to one channel about one group of alerts.
 *
 * @param groupKey identifies the group: channel and group labels
 * @param firing alerts firing now (not muted)
 * @param resolved alerts that resolved since the group's last message, which had been told firing
 * @param repeat true when nothing changed and this only repeats the last message after the repeat interval
 */
public record Notification(String channel, String groupKey, Map<String, String> groupLabels, List<Alert> firing, List<Alert> resolved,
                           boolean repeat, Instant at) {
    public Notification {
        groupLabels = Map.copyOf(groupLabels);
        firing = List.copyOf(firing);
        resolved = List.copyOf(resolved);
    }

    /** {@code firing} while any alert of the group fires, else {@code resolved}, as Alertmanager's payload has it. */
    public String status() {
        return firing.isEmpty() ? "resolved" : "firing";
    }

    public List<Alert> alerts() {
        return java.util.stream.Stream.concat(firing.stream(), resolved.stream()).toList();
    }
}
