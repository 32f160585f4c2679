package io.kilowatch.collector.snmp;

import io.kilowatch.collector.calibration.CalibrationStore;
import io.kilowatch.collector.estate.DeviceRow;
import io.kilowatch.collector.estate.Estate;
import io.kilowatch.collector.estate.IngestService;
import io.kilowatch.collector.events.DeviceEvent;
import io.kilowatch.collector.events.DeviceEvents;
import io.kilowatch.core.energy.MeteredLoad;
import io.kilowatch.core.energy.UpstreamMeter;
import io.kilowatch.core.report.Report;
import io.kilowatch.core.snmp.ComposedReading;
import io.kilowatch.core.snmp.Octets;
import io.kilowatch.core.snmp.Oids;
import io.kilowatch.core.snmp.PolledPower;
import io.kilowatch.core.snmp.ProfileMetric;
import io.kilowatch.core.snmp.ProfileReading;
import io.kilowatch.core.snmp.ProfileSet;
import io.kilowatch.core.snmp.SnmpProfile;
import io.vertx.core.Context;
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
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
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
 * holds one slot for its timeout x tries and nothing else.
 * <p>
 * Threads: polling (timers, SNMP requests and answers, decoding, profile evaluation) runs on its own
 * event-loop context, {@link #ownContext}, so it never adds latency to the HTTP server's event loop;
 * only the finished reading crosses to the collector's context, where the estate, ingest and events live.
 */
public final class SnmpPoller {
    /** The kinds of device event polling records (see {@link #event}). */
    static final List<String> EVENT_KINDS = List.of("reboot", "up", "poll_failed", "down");

    private static final Logger LOG = LoggerFactory.getLogger(SnmpPoller.class);
    private static final List<String> SYSTEM = List.of(Oids.SYS_UP_TIME, Oids.SYS_OBJECT_ID, Oids.SYS_NAME, Oids.SYS_DESCR);
    /** SNMP-FRAMEWORK-MIB snmpEngineBoots: an SNMPv3 engine counts its restarts. */
    private static final String ENGINE_BOOTS = "1.3.6.1.6.3.10.2.1.2.0";
    /** A boot estimate this close to the known boot is the same boot, after a collector restart. */
    /** Capabilities are probed again this often, besides at first contact and when sysObjectID changes (new firmware, new card). */
    private static final Duration PROBE_AGAIN = Duration.ofDays(1);

    /**
     * A target's state as the API shows it. {@code profiles}, {@code powerFrom} and {@code readings} are
     * those of the latest successful poll, kept through failed ones.
     *
     * @param powerFrom the profile the device's power came from, or null for the class model
     * @param polledHere whether this collector polls it now (with several collectors, one of them does; the others' poll state is older)
     */
    public record Status(String deviceId, String address, int port, String auth, String sysObjectId, List<String> profiles, String powerFrom,
                         Map<String, ProfileReading> readings, boolean lastPollSucceeded, String lastError, int consecutiveFailures,
                         Instant lastPoll, Double lastPollSeconds, boolean polledHere) {
    }

    private final Vertx vertx;
    private final Context polling;
    private final Context collector;
    private final SnmpConfig config;
    private final ProfileLoader.Loaded profiles;
    private final SnmpClient client;
    private final Estate estate;
    private final IngestService ingest;
    private final DeviceEvents events;
    private final SnmpMetrics metrics;
    private final Clock clock;
    private final Runnable changed;
    private final Predicate<String> polledHere;
    private final CalibrationStore meters;
    /** Written on the collector's context (add), read there and on the polling context. */
    private final Map<String, DeviceState> states = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
    private final Deque<DeviceState> waiting = new ArrayDeque<>();
    private int inFlight;
    private final List<Long> timers = new java.util.concurrent.CopyOnWriteArrayList<>();

    private static final class DeviceState {
        final SnmpConfig.Target target;
        // written on the polling context, read on the collector's (API, traps)
        volatile InetAddress address;
        Target<UdpAddress> snmpTarget;
        boolean queued;
        boolean running;
        PolledPower power;
        UpstreamMeter upstream;
        int failures;
        String lastError;
        Instant lastPoll;
        Double lastPollSeconds;
        boolean lastSuccess;
        volatile String sysObjectId;
        Set<String> answered;
        String probedFor;
        Instant probedAt;
        volatile List<String> profiles = List.of();
        ComposedReading reading;

        DeviceState(SnmpConfig.Target target) {
            this.target = target;
        }
    }

    /**
     * @param polling the context polls run on ({@link #ownContext}); {@code client} must answer on it
     * @param collector the context of the estate, ingest and events
     * @param polledHere whether this collector holds a target's lease now: with several collectors each polls its share
     */
    SnmpPoller(Vertx vertx, Context polling, Context collector, SnmpConfig config, ProfileLoader.Loaded profiles, SnmpClient client,
               Estate estate, IngestService ingest, DeviceEvents events, SnmpMetrics metrics, Clock clock, Runnable changed,
               Predicate<String> polledHere, CalibrationStore meters) {
        this.polledHere = polledHere;
        this.meters = meters;
        this.vertx = vertx;
        this.polling = polling;
        this.collector = collector;
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

    /**
     * An event-loop context of its own for polling: on another event loop than the caller's (the HTTP
     * server's) whenever Vert.x has more than one. Vert.x's internal API, as its public one cannot choose the
     * loop: a verticle deployed for polling gets the next loop round-robin, which may be the caller's.
     */
    static Context ownContext(Vertx vertx) {
        io.vertx.core.internal.VertxInternal internal = (io.vertx.core.internal.VertxInternal) vertx;
        io.netty.channel.EventLoop callers = ((io.vertx.core.internal.ContextInternal) vertx.getOrCreateContext()).nettyEventLoop();
        io.netty.channel.EventLoop loop = internal.nettyEventLoopGroup().next();
        for (int i = 0; i < 64 && loop == callers; i++) {
            loop = internal.nettyEventLoopGroup().next();
        }
        return internal.contextBuilder().withEventLoop(loop).build();
    }

    /** Starts polling every configured target, spread over its first interval so they do not all fire at once. Call on the collector's context. */
    void start() {
        config.targets().values().forEach(this::add);
    }

    /** Adds a target (from config, or accepted from discovery) and schedules it. Call on the collector's context. */
    void add(SnmpConfig.Target target) {
        DeviceState s = new DeviceState(target);
        if (states.putIfAbsent(target.id(), s) != null) {
            return;
        }
        estate.setMissedAllowance(target.id(), config.downAfterFailedPolls());
        long interval = target.interval().toMillis();
        long firstDelay = 1 + ThreadLocalRandom.current().nextLong(Math.max(1, Math.min(interval, 5_000)));
        // a timer fires on the context that set it
        polling.runOnContext(v -> timers.add(vertx.setPeriodic(firstDelay, interval, id -> enqueue(s))));
    }

    /** Every target, configured or accepted. Any context. */
    List<SnmpConfig.Target> targets() {
        return snapshot().stream().map(s -> s.target).toList();
    }

    boolean has(String deviceId) {
        return states.containsKey(deviceId);
    }

    /** The target polled at an address, if any. */
    Optional<String> deviceAt(InetAddress address) {
        return snapshot().stream().filter(s -> address.equals(s.address)).map(s -> s.target.id()).findFirst();
    }

    private List<DeviceState> snapshot() {
        synchronized (states) {
            return new ArrayList<>(states.values());
        }
    }

    /** Call on the collector's context. */
    List<Status> status() {
        return snapshot().stream().map(s -> new Status(s.target.id(), s.target.address(), s.target.port(), s.target.auth().name(),
                s.sysObjectId, s.profiles, s.reading == null ? null : s.reading.powerFrom(), s.reading == null ? Map.of() : s.reading.parts(),
                s.lastSuccess, s.lastError, s.failures, s.lastPoll, s.lastPollSeconds, polledHere.test(s.target.id()))).toList();
    }

    void stop() {
        timers.forEach(vertx::cancelTimer);
    }

    /** Polls these targets now rather than at their next turn: this collector has just claimed them. Any context. */
    void pollNow(Set<String> ids) {
        polling.runOnContext(v -> ids.forEach(id -> {
            DeviceState s = states.get(id);
            if (s != null) {
                enqueue(s);
            }
        }));
    }

    private void enqueue(DeviceState s) {
        if (s.queued || s.running || !polledHere.test(s.target.id())) {
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
            poll(s).onComplete(r -> polling.runOnContext(v -> {
                s.running = false;
                inFlight--;
                drain();
            }));
        }
    }

    private Future<Void> poll(DeviceState s) {
        long started = System.nanoTime();
        Map<String, Object> values = new HashMap<>();
        boolean v3 = s.target.auth().version() == SnmpConfig.Version.V3;
        List<String> system = v3 ? java.util.stream.Stream.concat(SYSTEM.stream(), java.util.stream.Stream.of(ENGINE_BOOTS)).toList() : SYSTEM;
        return resolve(s).compose(t -> client.get(t, system, config.maxOidsPerRequest()).compose(answer -> {
            values.putAll(answer);
            if (!(answer.get(Oids.SYS_UP_TIME) instanceof Number)) {
                return Future.failedFuture(new SnmpClient.SnmpException("the device answered without sysUpTime (1.3.6.1.2.1.1.3.0)"));
            }
            return profiles(s, t, answer).compose(applied -> {
                List<ProfileMetric> all = applied.stream().flatMap(p -> profiles.profiles().metrics(p.name()).stream()).toList();
                return client.get(t, ProfileReading.scalarOids(all), config.maxOidsPerRequest())
                        .compose(v -> {
                            values.putAll(v);
                            return client.walk(t, ProfileReading.walkedOids(all), config.maxRepetitions());
                        }).map(v -> {
                            values.putAll(v);
                            Map<String, ProfileReading> parts = new LinkedHashMap<>();
                            applied.forEach(p -> parts.put(p.name(), ProfileReading.evaluate(profiles.profiles().metrics(p.name()), values)));
                            s.profiles = applied.stream().map(SnmpProfile::name).toList();
                            return ComposedReading.compose(parts);
                        });
            });
        })).compose(reading -> onCollector(() -> succeeded(s, reading, values, started)))
                .recover(e -> onCollector(() -> failed(s, e, started)));
    }

    /** Runs {@code work} on the collector's context, where the estate, ingest and events live. */
    private <T> Future<T> onCollector(java.util.function.Supplier<Future<T>> work) {
        io.vertx.core.Promise<T> done = io.vertx.core.Promise.promise();
        collector.runOnContext(v -> work.get().onComplete(done));
        return done.future();
    }

    /**
     * The profiles a device is read with: the target's own list, else those its capabilities, sysObjectID and
     * the fallback give (see {@link ProfileSet#applicable}), probed at first contact, when sysObjectID
     * changes, and daily.
     */
    private Future<List<SnmpProfile>> profiles(DeviceState s, Target<UdpAddress> t, Map<String, Object> system) {
        Object sysObjectId = system.get(Oids.SYS_OBJECT_ID);
        s.sysObjectId = sysObjectId == null ? null : sysObjectId.toString();
        ProfileSet set = profiles.profiles();
        if (!s.target.profiles().isEmpty()) {
            List<SnmpProfile> named = new ArrayList<>();
            for (String name : s.target.profiles()) {
                named.add(set.named(name).orElseThrow(() -> new SnmpClient.SnmpException("profile '" + name
                        + "' is not loaded" + (profiles.errors().isEmpty() ? "" : ": " + String.join("; ", profiles.errors())))));
            }
            // the override chooses the profiles, not whose power counts: that stays the rank's, as when probed
            named.sort(ProfileSet.POWER_ORDER);
            return Future.succeededFuture(named);
        }
        Instant now = clock.instant();
        if (s.answered != null && java.util.Objects.equals(s.probedFor, s.sysObjectId) && s.probedAt.plus(PROBE_AGAIN).isAfter(now)) {
            return Future.succeededFuture(set.applicable(s.sysObjectId, s.answered));
        }
        return client.answered(t, set.probes(), config.maxOidsPerRequest()).map(answered -> {
            s.answered = answered;
            s.probedFor = s.sysObjectId;
            s.probedAt = now;
            return set.applicable(s.sysObjectId, answered);
        });
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

    private Future<Void> succeeded(DeviceState s, ComposedReading reading, Map<String, Object> values, long started) {
        Instant now = clock.instant();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        long ticks = ((Number) values.get(Oids.SYS_UP_TIME)).longValue();
        SnmpConfig.Target t = s.target;
        if (s.power == null) {
            // continue the device's sequence and collector-side energy counter across restarts
            DeviceRow previous = estate.row(t.id());
            s.power = previous == null ? new PolledPower(t.model(), maxGap(t), now, null, null, 0, null)
                    : new PolledPower(t.model(), maxGap(t), now, previous.reporting().lastSequence(),
                            Instant.ofEpochMilli(previous.power().counterStartMs()),
                    previous.power().counterJoules(), Instant.ofEpochMilli(previous.host().bootTimeMs()));
        }
        if (s.upstream == null) {
            s.upstream = new UpstreamMeter(maxGap(t));
        }
        Long engineBoots = values.get(ENGINE_BOOTS) instanceof Number n ? n.longValue() : null;
        Map<String, Double> outletWatts = outletWatts(t, reading);
        Map<String, Double> metered = meteredWatts(t, reading, outletWatts, now);
        List<UpstreamMeter.Increment> increments = s.upstream.poll(now, metered);
        List<PolledPower.Fed> feeds = new ArrayList<>();
        for (String fed : t.feeds()) {
            DeviceRow row = estate.row(fed);
            if (row != null) {
                // power: the fed device's own figure, so live power adds up; energy: its counted energy, which follows the meter
                feeds.add(new PolledPower.Fed(fed, estate.isUp(row, now), row.power().watts(), row.counted().energyJoulesTotal()));
            }
        }
        PolledPower.Poll poll = s.power.poll(now, ticks, engineBoots, reading, feeds);
        Map<String, String> labels = new LinkedHashMap<>(t.labels());
        String sysName = values.get(Oids.SYS_NAME) instanceof Octets n && !n.toString().isBlank() ? n.toString() : t.address();
        String sysDescr = values.get(Oids.SYS_DESCR) instanceof Octets d ? d.toString() : null;
        Report report = new Report(Report.SCHEMA_VERSION, t.id(), poll.sequence(), now, (double) t.interval().toSeconds(), labels,
                new Report.Host(truncate(sysName), sysDescr == null ? null : truncate(sysDescr), poll.bootTime(), ticks / 100.0, null),
                new Report.Utilisation(poll.cpuRatio(), null, null),
                new Report.Power(poll.powerWatts(), poll.source(), poll.counterJoules(), poll.counterStart()), null, null);
        boolean recovered = s.failures >= config.downAfterFailedPolls();
        int failuresBefore = s.failures;
        s.failures = 0;
        s.lastError = null;
        s.reading = reading;
        finish(s, now, took, true);
        metrics.readings(t.id(), reading);
        if (poll.reboot()) {
            event(t.id(), now, "reboot", "warning", (poll.engineRestarted() ? "the SNMP engine's boot count changed" : "sysUpTime went back")
                    + ": the device restarted at " + poll.bootTime());
        }
        if (recovered) {
            event(t.id(), now, "up", "info", "answering again after " + failuresBefore + " failed polls");
        }
        return ingest.ingest(report, null).<Void>map(result -> {
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
        }).compose(v -> meters.addMeteredEnergy(t.id(), now.toEpochMilli(), increments).recover(e -> {
            // the devices' next reports then count their models' energy for this stretch
            LOG.atWarn().addKeyValue("device", t.id()).addKeyValue("error", e.getMessage()).log("energy measured of fed devices not kept");
            return Future.succeededFuture();
        })).compose(v -> meters.record(meterReadings(t, reading, outletWatts, now)).recover(e -> {
            // calibration is not worth failing a poll for: the next poll gives another reading
            LOG.atWarn().addKeyValue("device", t.id()).addKeyValue("error", e.getMessage()).log("meter readings for calibration not kept");
            return Future.succeededFuture();
        }));
    }

    /**
     * What this poll measured of the modelled devices the target feeds (its whole measurement, with {@code feeds}) and
     * of each device on a named outlet, beside their utilisation now (docs/power-sources.md#measured-against-modelled).
     */
    private List<CalibrationStore.MeterReading> meterReadings(SnmpConfig.Target t, ComposedReading reading, Map<String, Double> outletWatts,
                                                              Instant now) {
        List<CalibrationStore.MeterReading> out = new ArrayList<>();
        if (!t.feeds().isEmpty() && reading.powerWatts() != null) {
            MeteredLoad.attribute(reading.powerWatts(), t.feeds().size(), fed(t.feeds(), now))
                    .ifPresent(r -> out.add(new CalibrationStore.MeterReading(t.id(), now.toEpochMilli(), r)));
        }
        outletWatts.forEach((device, watts) -> MeteredLoad.attribute(watts, 1, fed(List.of(device), now))
                .ifPresent(r -> out.add(new CalibrationStore.MeterReading(t.id() + "/" + device, now.toEpochMilli(), r))));
        return out;
    }

    /**
     * The watts each device on a named outlet drew at this poll (summed over its outlets, for a device with two
     * supplies), for the devices all of whose outlets were read; by device id, in order.
     */
    private Map<String, Double> outletWatts(SnmpConfig.Target t, ComposedReading reading) {
        if (t.outlets().isEmpty()) {
            return Map.of();
        }
        Map<Long, Double> byOutlet = new HashMap<>();
        reading.parts().forEach((profile, part) -> {
            Map<String, ProfileMetric> outletMetrics = new HashMap<>();
            profiles.profiles().metrics(profile).stream().filter(m -> m.role() == ProfileMetric.Role.OUTLET_POWER_WATTS)
                    .forEach(m -> outletMetrics.put(m.name(), m));
            for (ProfileReading.Sample sample : part.samples()) {
                ProfileMetric m = outletMetrics.get(sample.metric());
                Long outlet = m == null ? null : m.outletNumber(sample.index());
                if (outlet != null) {
                    byOutlet.putIfAbsent(outlet, sample.value());
                }
            }
        });
        Map<String, List<Long>> outletsByDevice = new java.util.TreeMap<>();
        t.outlets().forEach((outlet, device) -> outletsByDevice.computeIfAbsent(device, d -> new ArrayList<>()).add(outlet));
        Map<String, Double> watts = new LinkedHashMap<>();
        outletsByDevice.forEach((device, outlets) -> {
            if (byOutlet.keySet().containsAll(outlets)) {
                watts.put(device, outlets.stream().mapToDouble(byOutlet::get).sum());
            }
        });
        return watts;
    }

    /**
     * What this poll measured of each modelled device the target names, for its energy (docs/carbon-reporting.md#data-quality-measured-modelled-imported):
     * its outlets' watts, and its share of the target's total for the devices it {@code feeds}, where devices on its
     * outlets count as measured (at their outlets' watts). A device measuring itself gets nothing: its own reading stands.
     */
    private Map<String, Double> meteredWatts(SnmpConfig.Target t, ComposedReading reading, Map<String, Double> outletWatts, Instant now) {
        Map<String, Double> metered = new LinkedHashMap<>();
        outletWatts.forEach((device, watts) -> MeteredLoad.shares(watts, 1, fed(List.of(device), now)).ifPresent(metered::putAll));
        if (!t.feeds().isEmpty() && reading.powerWatts() != null) {
            List<MeteredLoad.Device> fed = fed(t.feeds(), now).stream().map(d -> outletWatts.containsKey(d.id())
                    ? new MeteredLoad.Device(d.id(), d.deviceClass(), d.up(), true, outletWatts.get(d.id()), d.utilisation()) : d).toList();
            MeteredLoad.shares(reading.powerWatts(), t.feeds().size(), fed).ifPresent(metered::putAll);
        }
        return metered;
    }

    /** The named devices the estate knows, as they stand now. */
    private List<MeteredLoad.Device> fed(List<String> ids, Instant now) {
        List<MeteredLoad.Device> known = new ArrayList<>();
        for (String id : ids) {
            DeviceRow row = estate.row(id);
            if (row != null) {
                known.add(new MeteredLoad.Device(id, row.identity().deviceClass(), estate.isUp(row, now), !"model".equals(row.power().source()),
                        row.power().watts(),
                        row.utilisation().cpuRatio()));
            }
        }
        return known;
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

    /** Longer than this without an answer and the device is down: energy integration does not bridge the gap. */
    private Duration maxGap(SnmpConfig.Target t) {
        return t.interval().multipliedBy(config.downAfterFailedPolls() + 1L);
    }

    private static String truncate(String text) {
        return text.length() > 255 ? text.substring(0, 255) : text;
    }
}
