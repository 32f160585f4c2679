package io.kilowatch.collector.service;

import io.kilowatch.core.carbon.SoftwareCarbonIntensity;
import io.kilowatch.core.service.ComponentRef;
import io.kilowatch.core.service.ServiceDefinition;
import io.kilowatch.core.service.ServiceState;
import io.kilowatch.core.service.Span;
import io.kilowatch.core.service.StateInterval;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A service's Software Carbon Intensity over a period (docs/services.md#software-carbon-intensity): its
 * devices' carbon from {@link ServiceFootprints} per calendar month and per probe transaction. Probe
 * transactions are the runs of its probe components: the time each had a result in the period divided
 * by its interval (the collector runs every probe once an interval).
 */
public final class ServiceSci {
    public static final String METHOD = "ISO/IEC 21031:2024 SCI = (E x I + M) per R: E x I the location-based operational carbon "
            + "(scope 2, PUE overhead included) of the energy of the service's devices in the period's local days, M their embodied carbon "
            + "amortised over the period; a device in several services is shared equally; R a calendar month, or a probe transaction "
            + "(a run of one of its probes), a logged-in user session begun on its devices (rises in the agents' session counts), "
            + "or a session-hour (a user logged in for an hour); a device's sessions count for a service in the share its carbon does";

    private ServiceSci() {
    }

    /**
     * @param componentHistories recorded states of the service's components overlapping the period, by component name
     */
    public static Future<SoftwareCarbonIntensity.Result> of(ServiceDefinition service, ServicesConfig config,
                                                            Map<String, List<StateInterval>> componentHistories, ServiceFootprints footprints,
                                                            Span period) {
        Map<String, Double> units = new LinkedHashMap<>();
        units.put(SoftwareCarbonIntensity.MONTH, SoftwareCarbonIntensity.months(period.start(), period.end(), service.calendar().zone()));
        units.put(SoftwareCarbonIntensity.PROBE_TRANSACTION, probeRuns(service, config, componentHistories, period));
        return footprints.components(service, config.catalog(), period).compose(components -> footprints.sessions(components, period)
                .map(sessions -> {
                    sessions.ifPresent(s -> {
                        units.put(SoftwareCarbonIntensity.USER_SESSION, s.started());
                        units.put(SoftwareCarbonIntensity.SESSION_HOUR, s.hours());
                    });
                    return SoftwareCarbonIntensity.of(components, units);
                }));
    }

    /** Reads the probe components' histories, then {@link #of}. */
    public static Future<SoftwareCarbonIntensity.Result> load(ServiceDefinition service, ServicesConfig config, ServiceHistoryStore store,
                                                              ServiceFootprints footprints, Span period) {
        Map<String, Future<List<StateInterval>>> histories = new LinkedHashMap<>();
        service.components().stream().filter(c -> c.kind() == ComponentRef.Kind.PROBE).forEach(c -> histories.put(c.name(),
                store.history(ServiceHistoryStore.IntervalRow.COMPONENT, service.name() + "/" + c.name(), period.startMs(), period.endMs())));
        return all(histories).compose(read -> of(service, config, read, footprints, period));
    }

    /** The answers of several store reads, under the same keys, once all have come. */
    static <T> Future<Map<String, T>> all(Map<String, Future<T>> reads) {
        return Future.all(new ArrayList<>(reads.values())).map(done -> {
            Map<String, T> answers = new LinkedHashMap<>();
            reads.forEach((key, read) -> answers.put(key, read.result()));
            return answers;
        });
    }

    static double probeRuns(ServiceDefinition service, ServicesConfig config, Map<String, List<StateInterval>> histories, Span period) {
        double runs = 0;
        for (ComponentRef c : service.components()) {
            ProbeDefinition probe = c.kind() == ComponentRef.Kind.PROBE ? config.probes().get(c.ref()) : null;
            if (probe == null) {
                continue;
            }
            long withResult = 0;
            for (StateInterval i : histories.getOrDefault(c.name(), List.of())) {
                if (i.state() != ServiceState.NO_DATA) {
                    withResult += Math.max(0, Math.min(i.endMs(), period.endMs()) - Math.max(i.startMs(), period.startMs()));
                }
            }
            runs += Math.floor((double) withResult / probe.interval().toMillis());
        }
        return runs;
    }
}
