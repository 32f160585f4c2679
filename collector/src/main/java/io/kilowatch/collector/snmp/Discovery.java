package io.kilowatch.collector.snmp;

import io.kilowatch.collector.cluster.Duty;
import io.kilowatch.collector.events.DeviceEvent;
import io.kilowatch.collector.events.DeviceEvents;
import io.kilowatch.core.energy.DeviceClass;
import io.kilowatch.core.report.ReportValidator;
import io.kilowatch.core.snmp.Cidr;
import io.kilowatch.core.snmp.Oids;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sweeps {@code snmp.discovery.cidr} with the discovery auth profile, at most {@code max_concurrent}
 * probes at once and {@code max_per_second} started a second, and lists the devices that answer as
 * pending until an operator accepts them ({@code POST /api/v1/snmp/discovered/<address>/accept}); an
 * accepted device is polled like a configured target. Both lists survive restarts (table snmp_discovered).
 *
 * <p>With several collectors on one store, only the holder of the {@code snmp_discovery} duty sweeps, so the network
 * is probed once and each device announced once; every collector reads the list again from the store each refresh
 * interval, so any of them answers for it and polls a device another accepted (its share of them, by the claims).
 */
public final class Discovery {
    private static final Logger LOG = LoggerFactory.getLogger(Discovery.class);
    private static final List<String> PROBE = List.of(Oids.SYS_OBJECT_ID, Oids.SYS_NAME, Oids.SYS_DESCR);

    public record Found(String address, String deviceId, String sysName, String sysObjectId, String sysDescr, Instant firstSeen, Instant lastSeen,
                 Instant accepted) {
    }

    record Acceptance(String deviceId, int status, String error) {
    }

    private final Vertx vertx;
    private final SnmpConfig config;
    private final SnmpClient client;
    private final SnmpPoller poller;
    private final SnmpStore store;
    private final DeviceEvents events;
    private final Clock clock;
    private final Duty sweeping;
    private final Duration refreshInterval;
    private final Map<String, Found> found = new LinkedHashMap<>();
    private long sweepTimer = -1;
    private long periodicTimer = -1;
    private long refreshTimer = -1;
    private int inFlight;
    /** A sweep stopped when the duty lapsed: the next refresh starts it again if the duty is held by then. */
    private boolean sweepCutShort;
    private boolean stopped;

    /**
     * @param sweeping held by the one collector that sweeps
     * @param refreshInterval how often the list is read again from the store ({@code storage.refresh_interval})
     */
    Discovery(Vertx vertx, SnmpConfig config, SnmpClient client, SnmpPoller poller, SnmpStore store, DeviceEvents events, Clock clock,
              Duty sweeping, Duration refreshInterval) {
        this.sweeping = sweeping;
        this.refreshInterval = refreshInterval;
        this.vertx = vertx;
        this.config = config;
        this.client = client;
        this.poller = poller;
        this.store = store;
        this.events = events;
        this.clock = clock;
    }

    /**
     * Loads what earlier runs found (accepted devices are polled again at once), then sweeps while holding the duty: on
     * taking it and every interval.
     */
    void start() {
        store.discovered().onSuccess(list -> {
            if (stopped) {
                return;
            }
            merge(list);
            // the previous holder may have found devices since the last refresh: read them before sweeping
            sweeping.onTaken(token -> refresh().onSuccess(v -> sweep()));
            sweep();
            periodicTimer = vertx.setPeriodic(config.discovery().interval().toMillis(), id -> sweep());
            refreshTimer = vertx.setPeriodic(refreshInterval.toMillis(), id -> refresh().onSuccess(v -> {
                if (sweepCutShort) {
                    sweep();
                }
            }));
        }).onFailure(e -> LOG.atError().setCause(e).log("loading discovered SNMP devices failed; discovery is off"));
    }

    private io.vertx.core.Future<Void> refresh() {
        return store.discovered().onSuccess(this::merge).<Void>mapEmpty()
                .onFailure(e -> LOG.atWarn().addKeyValue("problem", e.getMessage()).log("reading discovered SNMP devices again failed"));
    }

    /**
     * Takes in the store's list: what another collector found or accepted, and this one's own. An acceptance this
     * collector made stands though a read begun before it was stored says pending.
     */
    private void merge(List<Found> stored) {
        if (stopped) {
            return;
        }
        for (Found f : stored) {
            Found known = found.get(f.address());
            if (known != null && known.accepted() != null && f.accepted() == null) {
                continue;
            }
            found.put(f.address(), f);
            if (f.accepted() != null) {
                poller.add(target(f)); // a target already polled is left as it is
            }
        }
    }

    void stop() {
        stopped = true;
        vertx.cancelTimer(periodicTimer);
        vertx.cancelTimer(refreshTimer);
        vertx.cancelTimer(sweepTimer);
    }

    private void sweep() {
        if (sweepTimer != -1 || !sweeping.held() || stopped) {
            return; // the previous sweep is still going, or another collector sweeps
        }
        sweepCutShort = false;
        Iterator<String> hosts = Cidr.hosts(config.discovery().cidr().orElseThrow()).iterator();
        double rate = config.discovery().maxPerSecond();
        long periodMs = Math.max(1, Math.round(1000 / rate));
        long perTick = Math.max(1, Math.round(rate * periodMs / 1000));
        sweepTimer = vertx.setPeriodic(periodMs, id -> {
            for (int i = 0; i < perTick && hosts.hasNext() && inFlight < config.discovery().maxConcurrent() && sweeping.held(); i++) {
                probe(hosts.next());
            }
            if ((!hosts.hasNext() || !sweeping.held()) && inFlight == 0) {
                sweepCutShort = hosts.hasNext();
                vertx.cancelTimer(id);
                sweepTimer = -1;
            }
        });
    }

    private void probe(String address) {
        Found known = found.get(address);
        int port = config.discovery().port();
        if (known != null && known.accepted() != null
                || poller.status().stream().anyMatch(s -> s.address().equals(address) && s.port() == port)) {
            return;
        }
        InetAddress ip;
        try {
            ip = InetAddress.getByName(address); // a literal address: no name lookup
        } catch (UnknownHostException e) {
            return;
        }
        inFlight++;
        client.get(client.target(ip, port, config.discovery().auth().orElseThrow()), PROBE, PROBE.size()).onComplete(r -> {
            inFlight--;
            if (r.failed() || !r.result().containsKey(Oids.SYS_OBJECT_ID)) {
                return;
            }
            Found current = found.get(address); // accepted or found elsewhere while the probe was out
            if (current != null && current.accepted() != null) {
                return;
            }
            Map<String, Object> v = r.result();
            Instant now = clock.instant();
            String sysName = text(v.get(Oids.SYS_NAME));
            Found f = new Found(address, current == null ? deviceId(address, sysName) : current.deviceId(), sysName,
                    text(v.get(Oids.SYS_OBJECT_ID)), text(v.get(Oids.SYS_DESCR)), current == null ? now : current.firstSeen(), now, null);
            found.put(address, f);
            store.saveDiscovered(f);
            if (current == null) {
                events.record(DeviceEvent.of(f.deviceId(), now, "discovered", "info", "discovery",
                        "answered SNMP at " + address + " (" + f.sysObjectId() + ", " + sysName + "); accept it to poll it"));
            }
        });
    }

    /** The device's sysName when it makes a valid, unused id; else one made from its address. */
    private String deviceId(String address, String sysName) {
        boolean taken = sysName == null || poller.has(sysName) || found.values().stream().anyMatch(f -> f.deviceId().equals(sysName));
        return !taken && ReportValidator.DEVICE_ID.matcher(sysName).matches() ? sysName : "snmp-" + address.replace('.', '-');
    }

    /** Accepts a pending device; answered only once the acceptance is stored. */
    io.vertx.core.Future<Acceptance> accept(String address) {
        Found f = found.get(address);
        if (f == null) {
            return io.vertx.core.Future.succeededFuture(new Acceptance(null, 404, "no device was discovered at " + address));
        }
        if (f.accepted() != null) {
            return io.vertx.core.Future.succeededFuture(new Acceptance(f.deviceId(), 409, address + " was already accepted as " + f.deviceId()));
        }
        Found accepted = new Found(f.address(), f.deviceId(), f.sysName(), f.sysObjectId(), f.sysDescr(), f.firstSeen(), f.lastSeen(), clock.instant());
        return store.saveDiscovered(accepted).map(v -> {
            found.put(address, accepted);
            poller.add(target(accepted));
            LOG.atInfo().addKeyValue("address", address).addKeyValue("device", f.deviceId()).log("discovered SNMP device accepted");
            return new Acceptance(f.deviceId(), 200, null);
        });
    }

    private SnmpConfig.Target target(Found f) {
        SnmpConfig.Discovery d = config.discovery();
        DeviceClass cls = DeviceClass.fromLabel(d.deviceClass()).orElseThrow();
        Map<String, String> labels = new LinkedHashMap<>(d.labels());
        labels.put("class", cls.label());
        return new SnmpConfig.Target(f.deviceId(), f.address(), d.port(), d.auth().orElseThrow(), List.of(), config.interval(),
                labels, cls, cls.defaultModel(), List.of(), Map.of(), io.kilowatch.collector.cluster.ClusterConfig.DEFAULT_GROUP);
    }

    /** Every device found, in the order found. */
    List<Found> found() {
        return List.copyOf(found.values());
    }

    private static String text(Object o) {
        return o == null ? null : o.toString();
    }
}
