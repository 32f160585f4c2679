package io.kilowatch.core.alerting;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns alert transitions into few notifications, with Alertmanager's semantics: alerts are grouped per
 * channel by the policy's labels; a new group waits {@code group_wait} for company, then changes go out
 * at most every {@code group_interval}, and an unchanged group that still fires is repeated every
 * {@code repeat_interval}. A condition that flaps faster than the group interval is never heard of
 * twice. Muted alerts (silences) are left out of messages, and reported once so history can say so.
 * Driven by the caller's clock; not thread-safe.
 */
public final class NotificationGrouper {
    private final GroupingPolicy policy;
    private final Map<String, Group> groups = new LinkedHashMap<>();

    /** An alert a silence kept from a channel. */
    public record Muted(Alert alert, String channel, List<String> silenceIds) {
    }

    /** What one flush produced: messages to send and alerts newly kept quiet. */
    public record Flush(List<Notification> notifications, List<Muted> muted) {
    }

    private static final class Group {
        final String channel;
        final Map<String, String> labels;
        final Map<String, Alert> alerts = new LinkedHashMap<>();
        final Set<String> notifiedFiring = new HashSet<>();
        final Set<String> mutedRecorded = new HashSet<>();
        Instant nextFlush;
        Instant lastSent;

        Group(String channel, Map<String, String> labels, Instant nextFlush) {
            this.channel = channel;
            this.labels = labels;
            this.nextFlush = nextFlush;
        }
    }

    public NotificationGrouper(GroupingPolicy policy) {
        this.policy = policy;
    }

    /** Takes in an alert that fired or resolved, for each channel its rule sends to. */
    public void add(Alert alert, List<String> channels, Instant now) {
        for (String channel : channels) {
            Map<String, String> labels = groupLabels(alert);
            String key = groupKey(channel, labels);
            Group group = groups.get(key);
            if (alert.state() == Alert.State.RESOLVED && (group == null || !group.alerts.containsKey(alert.fingerprint()))) {
                continue;
            }
            if (group == null) {
                group = new Group(channel, labels, now.plus(policy.groupWait()));
                groups.put(key, group);
            }
            group.alerts.put(alert.fingerprint(), alert);
        }
    }

    /**
     * Takes back a firing alert that had been notified before a restart, so it is not announced again
     * as new; its group repeats {@code repeat_interval} after {@code lastSent}.
     */
    public void restore(Alert firing, String channel, Instant lastSent, Instant now) {
        Map<String, String> labels = groupLabels(firing);
        Group group = groups.computeIfAbsent(groupKey(channel, labels), k -> new Group(channel, labels, now.plus(policy.groupInterval())));
        group.alerts.put(firing.fingerprint(), firing);
        group.notifiedFiring.add(firing.fingerprint());
        group.lastSent = group.lastSent == null || lastSent.isAfter(group.lastSent) ? lastSent : group.lastSent;
    }

    /**
     * Says a message never arrived (retries exhausted): the group's firing alerts count as untold, so its
     * next flush sends them again instead of waiting for the repeat interval.
     */
    public void deliveryFailed(String groupKey) {
        Group group = groups.get(groupKey);
        if (group != null) {
            group.notifiedFiring.clear();
        }
    }

    /** The messages due at {@code now}, given the silences in force. */
    public Flush flush(Instant now, List<Silence> silences) {
        List<Notification> notifications = new ArrayList<>();
        List<Muted> muted = new ArrayList<>();
        for (var it = groups.entrySet().iterator(); it.hasNext(); ) {
            var entry = it.next();
            Group group = entry.getValue();
            if (now.isBefore(group.nextFlush)) {
                continue;
            }
            List<Alert> firing = new ArrayList<>();
            List<Alert> resolved = new ArrayList<>();
            for (Alert alert : group.alerts.values()) {
                List<String> muting = Silence.muting(silences, alert, now);
                if (!muting.isEmpty()) {
                    if (alert.state() == Alert.State.FIRING && group.mutedRecorded.add(alert.fingerprint())) {
                        muted.add(new Muted(alert, group.channel, muting));
                    }
                } else if (alert.state() == Alert.State.FIRING) {
                    firing.add(alert);
                    group.mutedRecorded.remove(alert.fingerprint());
                } else if (group.notifiedFiring.contains(alert.fingerprint())) {
                    resolved.add(alert);
                }
            }
            Set<String> firingNow = new HashSet<>(firing.stream().map(Alert::fingerprint).toList());
            boolean changed = !group.notifiedFiring.containsAll(firingNow) || !resolved.isEmpty();
            boolean repeatDue = !firing.isEmpty() && group.lastSent != null && !now.isBefore(group.lastSent.plus(policy.repeatInterval()));
            if (changed || repeatDue) {
                notifications.add(new Notification(group.channel, entry.getKey(), group.labels, firing, resolved, !changed, now));
                group.lastSent = now;
                group.notifiedFiring.clear();
                group.notifiedFiring.addAll(firingNow);
            }
            group.alerts.values().removeIf(a -> {
                boolean gone = a.state() == Alert.State.RESOLVED;
                if (gone) {
                    group.notifiedFiring.remove(a.fingerprint());
                    group.mutedRecorded.remove(a.fingerprint());
                }
                return gone;
            });
            group.nextFlush = now.plus(policy.groupInterval());
            if (group.alerts.isEmpty()) {
                it.remove();
            }
        }
        return new Flush(notifications, muted);
    }

    private Map<String, String> groupLabels(Alert alert) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (String name : policy.groupBy()) {
            labels.put(name, alert.label(name));
        }
        return labels;
    }

    private static String groupKey(String channel, Map<String, String> labels) {
        StringBuilder key = new StringBuilder(channel).append(":{");
        labels.forEach((k, v) -> key.append(k).append("=\"").append(v.replace("\"", "\\\"")).append("\","));
        return key.append('}').toString();
    }
}
