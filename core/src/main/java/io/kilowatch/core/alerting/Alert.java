package io.kilowatch.core.alerting;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One alert as it stands: a rule's condition for one set of labels, through pending, firing and resolved.
 *
 * @param fingerprint identity of rule plus labels, stable across restarts
 * @param activeSince when its condition was first seen (pending from then)
 * @param firingSince when it fired, or null while pending
 * @param lastSeen the newest evaluation in which its condition held
 * @param resolvedAt when it resolved, or null while active
 */
public record Alert(String fingerprint, String rule, Map<String, String> labels, Severity severity, String summary, double value,
                    State state, Instant activeSince, Instant firingSince, Instant lastSeen, Instant resolvedAt) {
    public enum State {
        PENDING, FIRING, RESOLVED;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Alert {
        Objects.requireNonNull(fingerprint, "fingerprint");
        labels = Map.copyOf(labels);
    }

    /** The identifier of this firing in history: the same condition firing again later is another alert. */
    public String id() {
        return fingerprint + "-" + Long.toString(activeSince.toEpochMilli(), 36);
    }

    /** Labels as receivers see them: the condition's own plus {@code alertname} (the rule) and {@code severity}. */
    public Map<String, String> notificationLabels() {
        Map<String, String> all = new TreeMap<>(labels);
        all.put("alertname", rule);
        all.put("severity", severity.label());
        return all;
    }

    /** A label's value, where {@code rule} and {@code alertname} name the rule; empty when absent. */
    public String label(String name) {
        if (name.equals("rule") || name.equals("alertname")) {
            return rule;
        }
        return name.equals("severity") ? severity.label() : labels.getOrDefault(name, "");
    }

    Alert with(State newState, String newSummary, double newValue, Instant newFiringSince, Instant newLastSeen, Instant newResolvedAt) {
        return new Alert(fingerprint, rule, labels, severity, newSummary, newValue, newState, activeSince, newFiringSince, newLastSeen,
                newResolvedAt);
    }

    /** FNV-1a, 64 bit, over rule and sorted labels (as Alertmanager fingerprints label sets). */
    public static String fingerprint(String rule, Map<String, String> labels) {
        long hash = 0xcbf29ce484222325L;
        StringBuilder text = new StringBuilder(rule);
        new TreeMap<>(labels).forEach((k, v) -> text.append('\u00ff').append(k).append('\u00fe').append(v));
        for (byte b : text.toString().getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return String.format("%016x", hash);
    }
}
