package io.kilowatch.core.alerting;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The alert lifecycle, driven by evaluations at instants the caller chooses (so tests run it on a
 * manual clock). A condition seen for the first time makes a pending alert; one that has held for the
 * rule's for-duration fires; a pending alert whose condition goes away is dropped without a trace (it
 * never was an alert); a firing one resolves once its condition has been gone for the rule's
 * keep-firing-for. Not thread-safe: the collector drives it from one thread.
 */
public final class AlertEngine {
    private final Map<String, AlertRule> rules;
    private final Map<String, Alert> active = new LinkedHashMap<>();

    /** What one evaluation changed: alerts that fired, alerts that resolved, and rules nobody configured. */
    public record Evaluation(List<Alert> fired, List<Alert> resolved, Set<String> unknownRules) {
    }

    public AlertEngine(Map<String, AlertRule> rules) {
        this.rules = Map.copyOf(rules);
    }

    public Map<String, AlertRule> rules() {
        return rules;
    }

    /** Takes in everything that holds at {@code now}; conditions of disabled rules are ignored. */
    public Evaluation evaluate(Instant now, List<Condition> conditions) {
        List<Alert> fired = new ArrayList<>();
        List<Alert> resolved = new ArrayList<>();
        Set<String> unknown = new TreeSet<>();
        Set<String> seen = new HashSet<>();
        for (Condition c : conditions) {
            AlertRule rule = rules.get(c.rule());
            if (rule == null) {
                unknown.add(c.rule());
                continue;
            }
            String fingerprint = Alert.fingerprint(c.rule(), c.labels());
            if (!rule.enabled() || !seen.add(fingerprint)) {
                continue;
            }
            Alert alert = active.get(fingerprint);
            if (alert == null) {
                alert = new Alert(fingerprint, c.rule(), c.labels(), rule.severity(), c.summary(), c.value(), Alert.State.PENDING,
                        now, null, now, null);
            } else {
                alert = alert.with(alert.state(), c.summary(), c.value(), alert.firingSince(), now, null);
            }
            if (alert.state() == Alert.State.PENDING && !now.isBefore(alert.activeSince().plus(rule.forDuration()))) {
                alert = alert.with(Alert.State.FIRING, alert.summary(), alert.value(), now, now, null);
                fired.add(alert);
            }
            active.put(fingerprint, alert);
        }
        for (var it = active.entrySet().iterator(); it.hasNext(); ) {
            Alert alert = it.next().getValue();
            if (seen.contains(alert.fingerprint())) {
                continue;
            }
            AlertRule rule = rules.get(alert.rule());
            if (alert.state() == Alert.State.PENDING || rule == null || !rule.enabled()) {
                it.remove();
                if (alert.state() == Alert.State.FIRING) {
                    resolved.add(alert.with(Alert.State.RESOLVED, alert.summary(), alert.value(), alert.firingSince(), alert.lastSeen(), now));
                }
            } else if (!now.isBefore(alert.lastSeen().plus(rule.keepFiringFor()))) {
                it.remove();
                resolved.add(alert.with(Alert.State.RESOLVED, alert.summary(), alert.value(), alert.firingSince(), alert.lastSeen(), now));
            }
        }
        return new Evaluation(fired, resolved, unknown);
    }

    /**
     * Takes back an alert that was firing when the process stopped, so it goes on firing (and is not
     * notified again) instead of starting over as pending. Its condition counts as seen at {@code now}.
     */
    public void restore(Alert firing, Instant now) {
        active.put(firing.fingerprint(), firing.with(Alert.State.FIRING, firing.summary(), firing.value(), firing.firingSince(), now, null));
    }

    /** Pending and firing alerts, firing first, then by rule and labels. */
    public List<Alert> active() {
        record Keyed(Alert alert, String labels) {
        }
        // each alert's labels written out once, not at every comparison: 20,000 alerts make ~300,000 comparisons
        return active.values().stream().map(a -> new Keyed(a, new java.util.TreeMap<>(a.labels()).toString()))
                .sorted(Comparator.comparing((Keyed k) -> k.alert().state() != Alert.State.FIRING).thenComparing(k -> k.alert().rule())
                        .thenComparing(Keyed::labels))
                .map(Keyed::alert).toList();
    }
}
