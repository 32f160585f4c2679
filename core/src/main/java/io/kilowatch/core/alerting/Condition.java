package io.kilowatch.core.alerting;

import java.util.Map;
import java.util.Objects;

/**
 * Something wrong now, as one evaluation sees it: a device down, a service burning its error budget,
 * a certificate about to expire. Sources only say what holds now; alert rules from config give it a
 * severity, a for-duration and notifications, and resolve it once no source reports it any more.
 *
 * @param rule the rule it belongs to, e.g. {@code device_down} or {@code service_burn_rate_page}
 * @param labels what identifies it within the rule (device, service, probe, org, site); an alert's
 *     identity is its rule plus these labels
 * @param value the figure behind it (a burn rate, days left), or NaN when there is none
 * @param summary one line for people, e.g. "email: error budget burning at 15.2x over 1h and 5m"
 */
public record Condition(String rule, Map<String, String> labels, double value, String summary) {
    public Condition {
        Objects.requireNonNull(rule, "rule");
        labels = Map.copyOf(labels);
        Objects.requireNonNull(summary, "summary");
    }
}
