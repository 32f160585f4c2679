package io.kilowatch.collector.snmp;

import io.kilowatch.collector.estate.DeviceRow;
import io.kilowatch.collector.estate.Estate;
import io.kilowatch.collector.estate.IngestService;
import io.kilowatch.collector.events.DeviceEvent;
import io.kilowatch.collector.events.DeviceEvents;
import io.kilowatch.core.energy.EnergyIntegrator;
import io.kilowatch.core.energy.Units;
import io.kilowatch.core.report.Report;
import io.kilowatch.core.report.ReportCodec;
import io.kilowatch.core.snmp.BootTime;
import io.kilowatch.core.snmp.Oids;
import io.kilowatch.core.snmp.ProfileMetric;
import io.kilowatch.core.snmp.ProfileReading;
import io.kilowatch.core.snmp.Reconciliation;
import io.kilowatch.core.snmp.SnmpProfile;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snmp4j.Target;
import org.snmp4j.smi.UdpAddress;

/**
 * Polls SNMP targets and turns each answer into an ordinary device report, fed through the same
 * {@link IngestService} path as agents' reports, so storage, availability, energy, carbon, metrics, the
 * API and the dashboard treat SNMP devices like any other.
 * <p>
 * Scale: polls are asynchronous and at most {@code snmp.max_concurrent_polls} run at once; a target
 * whose turn comes while its previous poll still runs is skipped, not queued twice. A dead device
 * holds one slot for its timeout x tries and nothing else. All state lives on one Vert.x context.
 */
public final class SnmpPoller {
    /** The kinds of device event polling records (see {@link #event}). */
    static final List<String> EVENT_KINDS = List.of("reboot", "up", "poll_failed", "down");

    private static final Logger LOG = LoggerFactory.getLogger(SnmpPoller.class);
    private static final List<String> SYSTEM = List.of(Oids.SYS_UP_TIME, Oids.SYS_OBJECT_ID, Oids.SYS_NAME, Oids.SYS_DESCR);
    /** Two polls' boot estimates this close are the same boot; the rest is round-trip jitter. */
    private static final Duration BOOT_TOLERANCE = Duration.ofSeconds(5);

    /** A target's state as the API shows it. */
    public record Status(String deviceId, String address, int port, String auth, String sysObjectId, String profile, boolean lastPollSucceeded,
                         String lastError, int consecutiveFailures, Instant lastPoll, Double lastPollSeconds) {
    }

    private final Vertx vertx;
    private final SnmpConfig config;
    private final ProfileLoader.Loaded profiles;
    private final SnmpClient client;
    private final Estate estate;
    private final IngestService ingest;
    private final DeviceEvents events;
    private final SnmpMetrics metrics;
    private final Clock clock;
    private final Runnable changed;
    private final Map<String, DeviceState> states = new LinkedHashMap<>();
    private final Deque<DeviceState> waiting = new ArrayDeque<>();
    private int inFlight;
    private final List<Long> timers = new ArrayList<>();

    private static final class DeviceState {
        final SnmpConfig.Target target;
        InetAddress address;
        Target<UdpAddress> snmpTarget;
        boolean queued;
        boolean running;
        long sequence;
        Instant bootTime;
        long lastTicks = -1;
        Instant counterStart;
        double counterJoules;
        EnergyIntegrator integrator;
        Double lastMeterKwh;
        Map<String, Double> lastFedJoules = Map.of();
        int failures;
        String lastError;
        Instant lastPoll;
        Double lastPollSeconds;
        boolean lastSuccess;
        String profile;
        String sysObjectId;

        DeviceState(SnmpConfig.Target target) {
            this.target = target;
        }
    }

    SnmpPoller(Vertx vertx, SnmpConfig config, ProfileLoader.Loaded profiles, SnmpClient client, Estate estate, IngestService ingest,
               DeviceEvents events, SnmpMetrics metrics, Clock clock, Runnable changed) {
        this.vertx = vertx;
        this.config = config;
        this.profiles = profiles;
        this.client = client;
        this.estate = estate;
        this.ingest = ingest;
        this.events = events;
        this.metrics = metrics;
        this.clock = clock;
        this.changed = changed;
    }

    /** Starts polling every configured target, spread over its first interval so they do not all fire at once. */
    void start() {
        config.targets().values().forEach(this::add);
    }

    /** Adds a target (from config, or accepted from discovery) and schedules it. */
    void add(SnmpConfig.Target target) {
        if (states.containsKey(target.id())) {
            return;
        }
        DeviceState s = new DeviceState(target);
        states.put(target.id(), s);
        estate.setMissedAllowance(target.id(), config.downAfterFailedPolls());
        long interval = target.interval().toMillis();
        long firstDelay = 1 + ThreadLocalRandom.current().nextLong(Math.max(1, Math.min(interval, 5_000)));
        timers.add(vertx.setPeriodic(firstDelay, interval, id -> enqueue(s)));
    }

    boolean has(String deviceId) {
        return states.containsKey(deviceId);
    }

    /** The target polled at an address, if any. */
    Optional<String> deviceAt(InetAddress address) {
        return states.values().stream().filter(s -> address.equals(s.address)).map(s -> s.target.id()).findFirst();
    }

    List<Status> status() {
        return states.values().stream().map(s -> new Status(s.target.id(), s.target.address(), s.target.port(), s.target.auth().name(),
                s.sysObjectId, s.profile, s.lastSuccess, s.lastError, s.failures, s.lastPoll, s.lastPollSeconds)).toList();
    }

    void stop() {
        timers.forEach(vertx::cancelTimer);
    }

    private void enqueue(DeviceState s) {
        if (s.queued || s.running) {
            return;
        }
        s.queued = true;
        waiting.add(s);
        drain();
    }

    private void drain() {
        while (inFlight < config.maxConcurrentPolls() && !waiting.isEmpty()) {
            DeviceState s = waiting.poll();
            s.queued = false;
            s.running = true;
            inFlight++;
            poll(s).onComplete(r -> {
                s.running = false;
                inFlight--;
                drain();
            });
        }
    }

    private Future<Void> poll(DeviceState s) {
        long started = System.nanoTime();
        Map<String, Object> values = new HashMap<>();
        String[] profileName = new String[1];
        return resolve(s).compose(t -> client.get(t, SYSTEM, config.maxOidsPerRequest()).compose(system -> {
            values.putAll(system);
            if (!(system.get(Oids.SYS_UP_TIME) instanceof Number)) {
                return Future.failedFuture(new SnmpClient.SnmpException("the device answered without sysUpTime (1.3.6.1.2.1.1.3.0)"));
            }
            SnmpProfile profile = profile(s, system);
            profileName[0] = profile.name();
            List<ProfileMetric> metrics = profiles.profiles().metrics(profile.name());
            Future<Void> chain = client.get(t, ProfileReading.scalarOids(metrics), config.maxOidsPerRequest()).map(v -> {
                values.putAll(v);
                return null;
            });
            return chain.compose(x -> client.walk(t, ProfileReading.walkedOids(metrics), config.maxRepetitions())).map(v -> {
                values.putAll(v);
                return metrics;
            });
        })).compose(metrics -> succeeded(s, ProfileReading.evaluate(metrics, values), values, profileName[0], started))
                .recover(e -> failed(s, e, started));
    }

    private SnmpProfile profile(DeviceState s, Map<String, Object> system) {
        Object sysObjectId = system.get(Oids.SYS_OBJECT_ID);
        s.sysObjectId = sysObjectId == null ? null : sysObjectId.toString();
        Optional<String> named = s.target.profile();
        if (named.isPresent()) {
            return profiles.profiles().named(named.get()).orElseThrow(() -> new SnmpClient.SnmpException("profile '" + named.get()
                    + "' is not loaded" + (profiles.errors().isEmpty() ? "" : ": " + String.join("; ", profiles.errors()))));
        }
        return profiles.profiles().select(s.sysObjectId);
    }

    private Future<Target<UdpAddress>> resolve(DeviceState s) {
        if (s.snmpTarget != null) {
            return Future.succeededFuture(s.snmpTarget);
        }
        // name lookups block: off the event loop, and only until one succeeds
        return vertx.<InetAddress>executeBlocking(() -> {
            try {
                return InetAddress.getByName(s.target.address());
            } catch (UnknownHostException e) {
                throw new SnmpClient.SnmpException("address " + s.target.address() + " does not resolve");
            }
        }, false).map(a -> {
            s.address = a;
            s.snmpTarget = client.target(a, s.target.port(), s.target.auth());
            return s.snmpTarget;
        });
    }

    private Future<Void> succeeded(DeviceState s, ProfileReading reading, Map<String, Object> values, String profile, long started) {
        Instant now = clock.instant();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        long ticks = ((Number) values.get(Oids.SYS_UP_TIME)).longValue();
        SnmpConfig.Target t = s.target;
        DeviceRow previous = estate.row(t.id());
        if (s.counterStart == null) {
            // continue the device's sequence and collector-side energy counter across restarts
            s.sequence = previous == null ? 0 : previous.lastSequence();
            s.counterStart = previous == null ? now : Instant.ofEpochMilli(previous.counterStartMs());
            s.counterJoules = previous == null ? 0 : previous.counterJoules();
            s.bootTime = previous == null ? null : Instant.ofEpochMilli(previous.bootTimeMs());
            s.integrator = new EnergyIntegrator(0, t.interval().multipliedBy(config.downAfterFailedPolls() + 1L));
        }
        BootTime.Estimate boot = BootTime.estimate(s.bootTime, s.lastTicks, now, ticks, BOOT_TOLERANCE);
        s.bootTime = boot.bootTime();
        s.lastTicks = ticks;

        double cpu = reading.cpuRatio() == null ? 0 : reading.cpuRatio();
        String source;
        double measured;
        if (reading.powerWatts() != null) {
            source = "snmp";
            measured = reading.powerWatts();
        } else if (reading.addedWatts() != null) {
            source = "snmp";
            measured = t.model().watts(cpu) + reading.addedWatts();
        } else {
            source = "model";
            measured = t.model().watts(cpu);
        }
        double measuredJoules = s.integrator.addPower(now, measured);
        if (reading.energyKwhTotal() != null) {
            double kwh = reading.energyKwhTotal();
            // the meter's own count wins over integration; a meter that went back was reset: nothing to add
            measuredJoules = s.lastMeterKwh == null || kwh < s.lastMeterKwh ? 0 : (kwh - s.lastMeterKwh) * Units.JOULES_PER_KWH;
            s.lastMeterKwh = kwh;
        }
        double watts = measured;
        double joules = measuredJoules;
        if (!t.feeds().isEmpty() && "snmp".equals(source)) {
            List<Double> fedWatts = new ArrayList<>();
            Map<String, Double> fedJoules = new HashMap<>();
            double fedDelta = 0;
            for (String fed : t.feeds()) {
                DeviceRow row = estate.row(fed);
                if (row == null) {
                    continue;
                }
                if (estate.isUp(row, now)) {
                    fedWatts.add(row.powerWatts());
                }
                fedJoules.put(fed, row.energyJoulesTotal());
                Double before = s.lastFedJoules.get(fed);
                if (before != null && row.energyJoulesTotal() >= before) {
                    fedDelta += row.energyJoulesTotal() - before;
                }
            }
            s.lastFedJoules = fedJoules;
            watts = Reconciliation.remainderWatts(measured, fedWatts);
            joules = Reconciliation.remainderJoules(measuredJoules, fedDelta);
        }
        s.counterJoules += joules;
        s.sequence++;
        Map<String, String> labels = new LinkedHashMap<>(t.labels());
        String sysName = values.get(Oids.SYS_NAME) instanceof String n && !n.isBlank() ? n : t.address();
        String sysDescr = values.get(Oids.SYS_DESCR) instanceof String d ? d : null;
        Report report = new Report(Report.SCHEMA_VERSION, t.id(), s.sequence, now, (double) t.interval().toSeconds(), labels,
                new Report.Host(truncate(sysName), sysDescr == null ? null : truncate(sysDescr), s.bootTime, ticks / 100.0, null),
                new Report.Utilisation(cpu, null, null),
                new Report.Power(watts, source, s.counterJoules, s.counterStart), null, null);
        boolean recovered = s.failures >= config.downAfterFailedPolls();
        int failuresBefore = s.failures;
        s.failures = 0;
        s.lastError = null;
        s.profile = profile;
        finish(s, now, took, true);
        metrics.readings(t.id(), reading);
        if (boot.reboot()) {
            event(t.id(), now, "reboot", "warning", "sysUpTime went back: the device restarted at " + s.bootTime);
        }
        if (recovered) {
            event(t.id(), now, "up", "info", "answering again after " + failuresBefore + " failed polls");
        }
        return ingest.ingest(ReportCodec.toJson(report), null).<Void>map(result -> {
            if (!result.accepted()) {
                // a device answering with something no report can carry (a label, a wild figure): say so once per cause
                String refused = "the device answered, but its report was refused: " + String.join("; ", result.problems());
                if (!refused.equals(s.lastError)) {
                    event(t.id(), now, "poll_failed", "warning", refused);
                }
                s.lastError = refused;
                finish(s, now, took, false);
                return null;
            }
            changed.run();
            return null;
        });
    }

    private Future<Void> failed(DeviceState s, Throwable e, long started) {
        Instant now = clock.instant();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        String id = s.target.id();
        s.failures++;
        boolean changed = !message.equals(s.lastError);
        s.lastError = message;
        finish(s, now, took, false);
        if (s.failures == 1 || changed) {
            event(id, now, "poll_failed", "warning", "polling " + s.target.address() + ":" + s.target.port() + " failed: " + message);
        }
        if (s.failures == config.downAfterFailedPolls()) {
            event(id, now, "down", "critical", s.failures + " polls in a row failed: " + message);
        }
        LOG.atDebug().addKeyValue("device", id).addKeyValue("error", message).log("SNMP poll failed");
        return Future.succeededFuture();
    }

    private void finish(DeviceState s, Instant now, Duration took, boolean success) {
        s.lastPoll = now;
        s.lastPollSeconds = took.toNanos() / 1e9;
        s.lastSuccess = success;
        metrics.pollFinished(s.target.id(), s.lastPollSeconds, success);
    }

    private void event(String device, Instant time, String kind, String severity, String message) {
        events.record(DeviceEvent.of(device, time, kind, severity, "poll", message));
    }

    private static String truncate(String text) {
        return text.length() > 255 ? text.substring(0, 255) : text;
    }
}
