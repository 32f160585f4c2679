package io.kilowatch.collector.snmp;

import io.kilowatch.collector.calibration.CalibrationStore;
import io.kilowatch.collector.cluster.Claims;
import io.kilowatch.collector.cluster.Duty;
import io.kilowatch.collector.estate.Estate;
import io.kilowatch.collector.estate.IngestService;
import io.kilowatch.collector.events.DeviceEvents;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The collector's SNMP side, wired in one place: poller, trap receiver and discovery; {@link SnmpApi} serves them. */
public final class SnmpService {
    private static final Logger LOG = LoggerFactory.getLogger(SnmpService.class);

    private final SnmpConfig config;
    private final DeviceEvents events;
    private final Clock clock;
    private SnmpClient client;
    private SnmpClient pollClient;
    private SnmpPoller poller;
    private TrapReceiver traps;
    private Discovery discovery;

    private SnmpService(SnmpConfig config, DeviceEvents events, Clock clock) {
        this.config = config;
        this.events = events;
        this.clock = clock;
    }

    /**
     * Starts what the config switches on. Call on the collector's verticle context: all SNMP state lives on it.
     *
     * @param changed tells live dashboard clients that something changed
     * @param targets the targets this collector polls: its share of those in its poller groups
     * @param discoverySweeping held by the collector that sweeps for devices (null while discovery is off)
     * @param refreshInterval how often the discovered devices are read again from the store
     */
    public static SnmpService start(Vertx vertx, SnmpConfig config, Estate estate, IngestService ingest, DeviceEvents events,
                                    MeterRegistry registry, Clock clock, Runnable changed, SnmpStore store, Claims targets,
                                    CalibrationStore meters, Duty discoverySweeping, Duration refreshInterval)
            throws IOException {
        SnmpService service = new SnmpService(config, events, clock);
        events.onRecorded(changed);
        List<String> kinds = new ArrayList<>();
        if (config.traps().enabled()) {
            kinds.addAll(config.traps().kinds().keySet());
            kinds.add("trap"); // a notification of no configured kind
        }
        if (config.enabled()) {
            kinds.addAll(SnmpPoller.EVENT_KINDS);
        }
        if (config.enabled() && config.discovery().cidr().isPresent()) {
            kinds.add("discovered");
        }
        events.expect(kinds);
        if (config.traps().enabled()) {
            // traps are received whether or not anything is polled
            service.traps = new TrapReceiver(vertx.getOrCreateContext(), config.traps(), events, clock, registry, service::deviceAt);
            LOG.atInfo().addKeyValue("host", config.traps().host()).addKeyValue("port", service.traps.port()).log("listening for SNMP traps");
        }
        if (!config.enabled()) {
            return service;
        }
        ProfileLoader.Loaded profiles = ProfileLoader.load(config.profilesDir());
        profiles.errors().forEach(e -> LOG.atError().addKeyValue("error", e).log("SNMP profile left out"));
        List<SnmpConfig.Auth> auths = new ArrayList<>(config.auths().values());
        service.client = new SnmpClient(vertx.getOrCreateContext(), auths, config.timeout(), config.retries());
        // polling has an event loop of its own, so it never holds up HTTP ingest; discovery stays on this context
        Context polling = SnmpPoller.ownContext(vertx);
        service.pollClient = new SnmpClient(polling, auths, config.timeout(), config.retries());
        service.poller = new SnmpPoller(vertx, polling, vertx.getOrCreateContext(), config, profiles, service.pollClient, estate, ingest, events,
                new SnmpMetrics(registry), clock, changed, targets::holds, meters);
        targets.onClaimed(service.poller::pollNow);
        service.poller.start();
        if (config.discovery().cidr().isPresent()) {
            service.discovery = new Discovery(vertx, config, service.client, service.poller, store, events, clock, discoverySweeping,
                    refreshInterval);
            service.discovery.start();
        }
        LOG.atInfo().addKeyValue("targets", config.targets().size()).addKeyValue("profiles", profiles.profiles().names())
                .log("SNMP polling started");
        return service;
    }

    /** The device a trap's sender is: the target polled at that address, else the address itself. */
    String deviceAt(InetAddress address) {
        return (poller == null ? java.util.Optional.<String>empty() : poller.deviceAt(address)).orElse(address.getHostAddress());
    }

    /** Every target polled (configured or accepted from discovery) and its poller group; none while polling is off. */
    Map<String, String> targetGroups() {
        Map<String, String> groups = new java.util.LinkedHashMap<>();
        if (poller != null) {
            poller.targets().forEach(t -> groups.put(t.id(), t.pollerGroup()));
        }
        return groups;
    }

    /** The targets' poll state; null when polling is off. */
    SnmpPoller poller() {
        return poller;
    }

    /** Null when discovery is off. */
    Discovery discovery() {
        return discovery;
    }

    SnmpConfig config() {
        return config;
    }

    public void stop() {
        if (discovery != null) {
            discovery.stop();
        }
        if (poller != null) {
            poller.stop();
        }
        try {
            if (traps != null) {
                traps.close();
            }
            if (client != null) {
                client.close();
            }
            if (pollClient != null) {
                pollClient.close();
            }
        } catch (IOException e) {
            LOG.atWarn().setCause(e).log("closing SNMP sockets failed");
        }
    }
}
