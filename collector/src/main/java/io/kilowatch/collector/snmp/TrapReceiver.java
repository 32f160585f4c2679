package io.kilowatch.collector.snmp;

import io.kilowatch.collector.events.DeviceEvent;
import io.kilowatch.collector.events.DeviceEvents;
import io.kilowatch.core.snmp.Oids;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snmp4j.CommandResponder;
import org.snmp4j.CommandResponderEvent;
import org.snmp4j.MessageException;
import org.snmp4j.PDU;
import org.snmp4j.PDUv1;
import org.snmp4j.Snmp;
import org.snmp4j.mp.MPv3;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.mp.StatusInformation;
import org.snmp4j.security.SecurityModel;
import org.snmp4j.security.USM;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.smi.VariableBinding;
import org.snmp4j.transport.DefaultUdpTransportMapping;

/**
 * Receives SNMP traps and informs (v1, v2c, v3) and turns them into device events. Only the communities
 * and v3 users of the auth profiles named in {@code snmp.traps.auths} are accepted; informs are
 * acknowledged once accepted. The sender's address names the device: the target polled at that address,
 * else the address itself.
 */
final class TrapReceiver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TrapReceiver.class);
    static final String SNMP_TRAP_OID = "1.3.6.1.6.3.1.1.4.1.0";
    private static final String IF_INDEX = "1.3.6.1.2.1.2.2.1.1";
    private static final String IF_NAME = "1.3.6.1.2.1.31.1.1.1.1";
    private static final String IF_DESCR = "1.3.6.1.2.1.2.2.1.2";
    /** upsAlarmDescr values (UPS-MIB well-known alarms) that name what an upsTrapAlarmEntryAdded means. */
    private static final Map<String, String> UPS_ALARMS = Map.of(
            "1.3.6.1.2.1.33.1.6.3.2", "on_battery", "1.3.6.1.2.1.33.1.6.3.3", "low_battery");
    private static final Map<String, String> SEVERITY = Map.of(
            "cold_start", "warning", "warm_start", "warning", "link_down", "warning", "link_up", "info",
            "on_battery", "critical", "low_battery", "critical", "ups_alarm", "warning");

    private final Snmp snmp;
    private final Context context;
    private final DeviceEvents events;
    private final Clock clock;
    private final Set<String> communities;
    private final Map<String, String> kindByOid;
    private final Function<InetAddress, String> deviceForAddress;
    private final Counter accepted;
    private final Counter refused;

    TrapReceiver(Context context, SnmpConfig.Traps config, DeviceEvents events, Clock clock, MeterRegistry registry,
                 Function<InetAddress, String> deviceForAddress) throws IOException {
        this.context = context;
        this.events = events;
        this.clock = clock;
        this.deviceForAddress = deviceForAddress;
        this.communities = config.auths().stream().filter(a -> a.version() != SnmpConfig.Version.V3)
                .map(SnmpConfig.Auth::community).collect(Collectors.toSet());
        this.kindByOid = config.kinds().entrySet().stream().flatMap(e -> e.getValue().stream().map(oid -> Map.entry(oid, e.getKey())))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a));
        this.accepted = Counter.builder("kilowatch.snmp.traps").tag("outcome", "accepted")
                .description("SNMP traps and informs received, by outcome").register(registry);
        this.refused = Counter.builder("kilowatch.snmp.traps").tag("outcome", "refused")
                .description("SNMP traps and informs received, by outcome").register(registry);
        USM usm = new USM(SnmpClient.protocols(), new OctetString(MPv3.createLocalEngineID()), 0);
        SnmpClient.registerUsers(usm, config.auths());
        DefaultUdpTransportMapping transport = new DefaultUdpTransportMapping(new UdpAddress(InetAddress.getByName(config.host()), config.port()));
        this.snmp = new Snmp(SnmpClient.dispatcher(usm), transport);
        snmp.addCommandResponder(new CommandResponder() {
            @Override
            public <A extends org.snmp4j.smi.Address> void processPdu(CommandResponderEvent<A> event) {
                handle(event);
            }
        });
        snmp.listen();
    }

    /** The UDP port it listens on (the configured one, or the one the system chose for port 0). */
    int port() {
        return ((DefaultUdpTransportMapping) snmp.getMessageDispatcher().getTransportMappings().iterator().next()).getListenAddress().getPort();
    }

    private <A extends org.snmp4j.smi.Address> void handle(CommandResponderEvent<A> event) {
        PDU pdu = event.getPDU();
        if (pdu == null || (pdu.getType() != PDU.TRAP && pdu.getType() != PDU.V1TRAP && pdu.getType() != PDU.INFORM)) {
            return;
        }
        event.setProcessed(true);
        // v1/v2c: SNMP4J hands every community through; v3: USM has already checked user, digest and privacy
        if (event.getSecurityModel() != SecurityModel.SECURITY_MODEL_USM
                && !communities.contains(new String(event.getSecurityName(), StandardCharsets.UTF_8))) {
            refused.increment();
            LOG.atDebug().addKeyValue("from", event.getPeerAddress()).log("SNMP trap with an unknown community dropped");
            return;
        }
        accepted.increment();
        if (pdu.getType() == PDU.INFORM) {
            acknowledge(event, pdu);
        }
        InetAddress from = event.getPeerAddress() instanceof UdpAddress udp ? udp.getInetAddress() : null;
        String trapOid = trapOid(pdu);
        String kind = kind(trapOid, pdu);
        String message = describe(kind, trapOid, pdu, from);
        // the poller's targets live on the collector's context: look the sender up there
        context.runOnContext(v -> events.record(DeviceEvent.of(from == null ? "unknown" : deviceForAddress.apply(from), clock.instant(), kind,
                SEVERITY.getOrDefault(kind, "info"), "trap", message)));
    }

    private static <A extends org.snmp4j.smi.Address> void acknowledge(CommandResponderEvent<A> event, PDU pdu) {
        PDU response = (PDU) pdu.clone();
        response.setType(PDU.RESPONSE);
        response.setErrorStatus(PDU.noError);
        response.setErrorIndex(0);
        try {
            event.getMessageDispatcher().returnResponsePdu(event.getMessageProcessingModel(), event.getSecurityModel(),
                    event.getSecurityName(), event.getSecurityLevel(), response, event.getMaxSizeResponsePDU(),
                    event.getStateReference(), new StatusInformation());
        } catch (MessageException e) {
            LOG.atWarn().addKeyValue("from", event.getPeerAddress()).setCause(e).log("acknowledging an SNMP inform failed");
        }
    }

    /** The notification's OID; a v1 trap's is derived as RFC 3584 section 3.1 says. */
    static String trapOid(PDU pdu) {
        if (pdu instanceof PDUv1 v1) {
            int generic = v1.getGenericTrap();
            return generic == PDUv1.ENTERPRISE_SPECIFIC
                    ? v1.getEnterprise().toDottedString() + ".0." + v1.getSpecificTrap()
                    : "1.3.6.1.6.3.1.1.5." + (generic + 1);
        }
        for (VariableBinding vb : pdu.getVariableBindings()) {
            if (vb.getOid().toDottedString().equals(SNMP_TRAP_OID)) {
                return vb.getVariable().toString();
            }
        }
        return "";
    }

    private String kind(String trapOid, PDU pdu) {
        String kind = kindByOid.getOrDefault(Oids.normalise(trapOid) == null ? "" : Oids.normalise(trapOid), "trap");
        if (kind.equals("ups_alarm")) {
            for (VariableBinding vb : pdu.getVariableBindings()) {
                String named = UPS_ALARMS.get(vb.getVariable().toString());
                if (named != null) {
                    return named;
                }
            }
        }
        return kind;
    }

    private static String describe(String kind, String trapOid, PDU pdu, InetAddress from) {
        List<String> parts = new ArrayList<>();
        parts.add(kind.replace('_', ' ') + " (" + (trapOid.isEmpty() ? "no snmpTrapOID" : trapOid) + ") from "
                + (from == null ? "?" : from.getHostAddress()) + (pdu.getType() == PDU.INFORM ? " (inform)" : ""));
        for (VariableBinding vb : pdu.getVariableBindings()) {
            String oid = vb.getOid().toDottedString();
            if (oid.equals(SNMP_TRAP_OID) || oid.equals("1.3.6.1.2.1.1.3.0")) {
                continue;
            }
            String name = Oids.startsWith(oid, IF_INDEX) ? "ifIndex" : Oids.startsWith(oid, IF_NAME) ? "ifName"
                    : Oids.startsWith(oid, IF_DESCR) ? "ifDescr" : oid;
            parts.add(name + "=" + vb.getVariable());
        }
        return String.join(", ", parts);
    }

    @Override
    public void close() throws IOException {
        snmp.close();
    }
}
