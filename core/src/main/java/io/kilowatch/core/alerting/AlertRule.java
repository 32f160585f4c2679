package io.kilowatch.core.alerting;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How conditions of one rule become alerts and who hears of them.
 *
 * @param forDuration how long a condition must hold before its alert fires (pending until then), so a
 *     blip does not notify anyone
 * @param keepFiringFor how long a firing alert stays firing after its condition last held, so a
 *     flapping condition does not resolve and fire again on every evaluation
 * @param channels the notification channels its alerts go to; empty for the dashboard only
 */
public record AlertRule(String name, boolean enabled, Severity severity, Duration forDuration, Duration keepFiringFor,
                        List<String> channels) {
    /** Every rule a source in Kilowatch reports, with the defaults it has when config says nothing. */
    public static final Map<String, AlertRule> DEFAULTS = defaults();

    public AlertRule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(severity, "severity");
        if (forDuration.isNegative() || keepFiringFor.isNegative()) {
            throw new IllegalArgumentException("durations of rule " + name + " must not be negative");
        }
        channels = List.copyOf(channels);
    }

    /** The same rule sending to other channels. */
    public AlertRule withChannels(List<String> newChannels) {
        return new AlertRule(name, enabled, severity, forDuration, keepFiringFor, newChannels);
    }

    // For-durations follow the SRE workbook's multiwindow burn-rate alerts (page: 2 min, ticket: longer)
    // and Prometheus' usual target-down rules (5 min); keep_firing_for damps flapping.
    private static Map<String, AlertRule> defaults() {
        Map<String, AlertRule> rules = new LinkedHashMap<>();
        rule(rules, "device_down", Severity.TICKET, Duration.ofMinutes(5), Duration.ofMinutes(2));
        rule(rules, "service_burn_rate_page", Severity.PAGE, Duration.ofMinutes(2), Duration.ofMinutes(5));
        rule(rules, "service_burn_rate_ticket", Severity.TICKET, Duration.ofMinutes(15), Duration.ofMinutes(15));
        rule(rules, "service_below_target", Severity.TICKET, Duration.ofMinutes(10), Duration.ofMinutes(30));
        rule(rules, "service_no_data", Severity.TICKET, Duration.ofMinutes(10), Duration.ofMinutes(2));
        rule(rules, "probe_failing", Severity.TICKET, Duration.ofMinutes(3), Duration.ofMinutes(2));
        rule(rules, "tls_certificate_expiring", Severity.TICKET, Duration.ofMinutes(10), Duration.ofHours(1));
        return Map.copyOf(rules);
    }

    private static void rule(Map<String, AlertRule> rules, String name, Severity severity, Duration forDuration, Duration keep) {
        rules.put(name, new AlertRule(name, true, severity, forDuration, keep, List.of()));
    }
}
