package io.kilowatch.collector.service;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each probe every interval by the collector's clock, at most {@code concurrency} at once (the rest wait
 * their turn), and keeps each one's latest result and self-metrics. Not thread-safe: used on one event loop.
 */
public final class ProbeScheduler {
    private static final Logger LOG = LoggerFactory.getLogger(ProbeScheduler.class);

    private final Prober prober;
    private final MeterRegistry registry;
    private final Clock clock;
    private final int concurrency;
    private volatile Map<String, ProbeDefinition> probes = Map.of();
    private final Map<String, Instant> nextDue = new HashMap<>();
    private final Map<String, Instant> configuredAt = new HashMap<>();
    private final Map<String, ProbeResult> latest = new ConcurrentHashMap<>();
    private final Map<String, List<Meter>> meters = new HashMap<>();
    private final Queue<ProbeDefinition> waiting = new ArrayDeque<>();
    private final List<Promise<Void>> idleWaiters = new ArrayList<>();
    private int inFlight;

    ProbeScheduler(Prober prober, MeterRegistry registry, Clock clock, int concurrency) {
        this.prober = prober;
        this.registry = registry;
        this.clock = clock;
        this.concurrency = concurrency;
    }

    /** Takes a new set of probes: new ones run at once, changed ones start afresh, removed ones are forgotten. */
    void configure(Map<String, ProbeDefinition> next) {
        Map<String, ProbeDefinition> previous = probes;
        probes = Map.copyOf(next);
        for (String name : previous.keySet()) {
            if (!next.containsKey(name) || !next.get(name).equals(previous.get(name))) {
                nextDue.remove(name);
                configuredAt.remove(name);
                latest.remove(name);
                meters.getOrDefault(name, List.of()).forEach(registry::remove);
                meters.remove(name);
            }
        }
        waiting.removeIf(p -> !p.equals(probes.get(p.name())));
        next.values().forEach(p -> meters.computeIfAbsent(p.name(), n -> register(p)));
        next.keySet().forEach(name -> configuredAt.putIfAbsent(name, clock.instant()));
    }

    private List<Meter> register(ProbeDefinition p) {
        Tags tags = Tags.of("probe", p.name(), "kind", p.kind().label());
        List<Meter> list = new ArrayList<>();
        list.add(Gauge.builder("kilowatch.probe.success", latest, m -> m.containsKey(p.name()) ? (m.get(p.name()).success() ? 1 : 0) : Double.NaN)
                .tags(tags).description("1 when the probe's latest run succeeded, else 0").register(registry));
        list.add(Gauge.builder("kilowatch.probe.duration", latest, m -> m.containsKey(p.name()) ? m.get(p.name()).durationSeconds() : Double.NaN)
                .baseUnit("seconds").tags(tags).description("How long the probe's latest run took").register(registry));
        if (p.kind() == ProbeDefinition.Kind.HTTP && p.uri().getScheme().equals("https")) {
            list.add(Gauge.builder("kilowatch.probe.tls.certificate.expiry.timestamp", latest,
                            m -> Optional.ofNullable(m.get(p.name())).flatMap(ProbeResult::certificateNotAfter).map(t -> t.getEpochSecond() * 1.0).orElse(Double.NaN))
                    .baseUnit("seconds").tags(Tags.of("probe", p.name())).description("Expiry of the server certificate, as Unix time").register(registry));
        }
        return list;
    }

    /**
     * Starts the probes that are due by the clock. The future completes once no probe runs or waits any more
     * (tests wait on it; the periodic timer ignores it).
     */
    Future<Void> runDue() {
        Promise<Void> idle = Promise.promise();
        idleWaiters.add(idle);
        startDue();
        return idle.future();
    }

    /** Starts the probes that are due by the clock (the periodic timer: nothing waits on it). */
    void startDue() {
        Instant now = clock.instant();
        for (ProbeDefinition p : probes.values()) {
            Instant due = nextDue.get(p.name());
            if (due == null || !now.isBefore(due)) {
                nextDue.put(p.name(), now.plus(p.interval()));
                if (!waiting.contains(p)) {
                    waiting.add(p);
                }
            }
        }
        drain();
    }

    private void drain() {
        while (inFlight < concurrency && !waiting.isEmpty()) {
            ProbeDefinition p = waiting.poll();
            inFlight++;
            prober.run(p).onComplete(r -> {
                inFlight--;
                if (p.equals(probes.get(p.name()))) {
                    record(p, r.result());
                }
                drain();
            });
        }
        if (inFlight == 0 && waiting.isEmpty()) {
            List<Promise<Void>> done = new ArrayList<>(idleWaiters);
            idleWaiters.clear();
            done.forEach(Promise::complete);
        }
    }

    private void record(ProbeDefinition p, ProbeResult result) {
        ProbeResult before = latest.put(p.name(), result);
        if (before == null || before.success() != result.success()) {
            LOG.atInfo().addKeyValue("probe", p.name()).addKeyValue("success", result.success())
                    .addKeyValue("error", result.error()).log("probe state");
        }
    }

    /**
     * Whether a probe has not had its first chance to run yet (new, or just changed): judging the service
     * by it now would record "no data" for every start of the collector.
     */
    boolean pending(String probe, Instant now) {
        ProbeDefinition p = probes.get(probe);
        Instant since = configuredAt.get(probe);
        return p != null && !latest.containsKey(probe) && since != null && !now.isAfter(since.plus(p.staleAfter()));
    }

    /** The latest result, if there is one fresh enough to judge by. */
    Optional<ProbeResult> fresh(String probe, Instant now) {
        ProbeDefinition p = probes.get(probe);
        ProbeResult r = latest.get(probe);
        if (p == null || r == null || r.checkedAt().plus(p.staleAfter()).isBefore(now)) {
            return Optional.empty();
        }
        return Optional.of(r);
    }

    Map<String, ProbeDefinition> probes() {
        return probes;
    }

    Map<String, ProbeResult> results() {
        return new LinkedHashMap<>(latest);
    }
}
