package io.kilowatch.collector.service;

import io.kilowatch.core.alerting.Condition;
import io.kilowatch.core.alerting.ConditionSource;
import io.kilowatch.core.service.BurnRateAlerts;
import io.kilowatch.core.service.ServiceState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * What is wrong with services and probes, for the alerting engine, as of the latest evaluation:
 * <ul>
 *   <li>{@code service_burn_rate_page}: the SRE workbook's fast pairs (1 h and 5 m over 14.4, or 6 h and 30 m over 6);</li>
 *   <li>{@code service_burn_rate_ticket}: its slow pairs (1 d and 2 h over 3, or 3 d and 6 h over 1);</li>
 *   <li>{@code service_below_target}: availability so far in the budget period (a quarter by default) under target;</li>
 *   <li>{@code service_no_data}: the service has no data now;</li>
 *   <li>{@code probe_failing}: a probe's latest run failed;</li>
 *   <li>{@code tls_certificate_expiring}: an HTTPS probe's certificate has fewer than its tls_warn_days left.</li>
 * </ul>
 */
public final class ServiceConditions implements ConditionSource {
    private final ServiceEvaluator evaluator;
    private final ProbeScheduler probes;

    ServiceConditions(ServiceEvaluator evaluator, ProbeScheduler probes) {
        this.evaluator = evaluator;
        this.probes = probes;
    }

    @Override
    public List<Condition> conditionsAt(Instant now) {
        List<Condition> out = new ArrayList<>();
        for (ServiceStatus s : evaluator.statuses()) {
            String name = s.definition().name();
            Map<String, String> labels = Map.of("service", name);
            burn(s, "service_burn_rate_page", BurnRateAlerts.PAGE, out);
            burn(s, "service_burn_rate_ticket", BurnRateAlerts.TICKET, out);
            String period = s.definition().budgetPeriod().label();
            OptionalDouble soFar = s.availability().get(period);
            if (soFar.isPresent() && soFar.getAsDouble() < s.definition().targetRatio()) {
                out.add(new Condition("service_below_target", labels, soFar.getAsDouble(), String.format(Locale.ROOT,
                        "%s: %.3f %% this %s, below its %.3f %% target", name, soFar.getAsDouble() * 100, period, s.definition().targetRatio() * 100)));
            }
            if (s.state() == ServiceState.NO_DATA) {
                out.add(new Condition("service_no_data", labels, Double.NaN,
                        name + ": no data since " + s.since() + " (" + String.join(", ", s.failing()) + ")"));
            }
        }
        probes.results().forEach((name, r) -> {
            ProbeDefinition p = probes.probes().get(name);
            if (p == null) {
                return;
            }
            Map<String, String> labels = Map.of("probe", name, "kind", p.kind().label());
            if (!r.success()) {
                out.add(new Condition("probe_failing", labels, r.durationSeconds(), name + ": " + r.error()));
            }
            r.certificateNotAfter().ifPresent(notAfter -> {
                double daysLeft = Duration.between(now, notAfter).toSeconds() / 86_400.0;
                if (daysLeft < p.tlsWarnDays()) {
                    out.add(new Condition("tls_certificate_expiring", Map.of("probe", name), daysLeft, String.format(Locale.ROOT,
                            "%s: TLS certificate expires %s (%.1f days)", name, notAfter, daysLeft)));
                }
            });
        });
        return out;
    }

    private static void burn(ServiceStatus s, String rule, List<BurnRateAlerts.WindowPair> pairs, List<Condition> out) {
        BurnRateAlerts.firing(pairs, w -> s.burnRates().get(BurnRateAlerts.label(w))).ifPresent(f -> out.add(new Condition(rule,
                Map.of("service", s.definition().name()), f.longBurnRate(), String.format(Locale.ROOT,
                "%s: error budget burning at %.1fx over %s and %.1fx over %s (threshold %.1fx)", s.definition().name(),
                f.longBurnRate(), BurnRateAlerts.label(f.pair().longWindow()), f.shortBurnRate(),
                BurnRateAlerts.label(f.pair().shortWindow()), f.pair().factor()))));
    }
}
