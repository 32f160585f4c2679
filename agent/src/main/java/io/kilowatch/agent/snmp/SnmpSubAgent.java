package io.kilowatch.agent.snmp;

import io.kilowatch.agent.AgentSnapshot;
import io.kilowatch.agent.SnapshotPublisher;
import io.kilowatch.core.config.ConfigException;
import java.io.IOException;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snmp4j.MessageDispatcherImpl;
import org.snmp4j.agent.CommandProcessor;
import org.snmp4j.agent.DefaultMOServer;
import org.snmp4j.agent.DuplicateRegistrationException;
import org.snmp4j.agent.mo.snmp.CoexistenceInfo;
import org.snmp4j.agent.mo.snmp.CoexistenceInfoProvider;
import org.snmp4j.agent.mo.snmp.StorageType;
import org.snmp4j.agent.mo.snmp.VacmMIB;
import org.snmp4j.agent.security.MutableVACM;
import org.snmp4j.mp.CounterSupport;
import org.snmp4j.mp.MPv2c;
import org.snmp4j.mp.MPv3;
import org.snmp4j.security.AuthHMAC128SHA224;
import org.snmp4j.security.AuthHMAC192SHA256;
import org.snmp4j.security.AuthHMAC256SHA384;
import org.snmp4j.security.AuthHMAC384SHA512;
import org.snmp4j.security.AuthSHA;
import org.snmp4j.security.PrivAES128;
import org.snmp4j.security.PrivAES192;
import org.snmp4j.security.PrivAES256;
import org.snmp4j.security.SecurityLevel;
import org.snmp4j.security.SecurityModel;
import org.snmp4j.security.SecurityModels;
import org.snmp4j.security.SecurityProtocols;
import org.snmp4j.security.USM;
import org.snmp4j.security.UsmUser;
import org.snmp4j.smi.Address;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.smi.Variable;
import org.snmp4j.transport.DefaultUdpTransportMapping;

/**
 * The agent's optional SNMP sub-agent: answers GET, GETNEXT and GETBULK, read-only, for the system
 * group, a HOST-RESOURCES-MIB subset and KILOWATCH-MIB, from the snapshot of the agent's latest report.
 * SNMPv3 USM users always; SNMPv2c only when communities are configured (otherwise v1/v2c messages
 * are dropped as bad versions). One thread: SNMP4J's UDP listener answers each request itself, from
 * prepared values, so nothing here ever waits on a sensor.
 */
public final class SnmpSubAgent implements SnapshotPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(SnmpSubAgent.class);
    private static final OID SYSTEM = new OID("1.3.6.1.2.1.1");
    /** sysServices: applications and end-to-end (layers 7 and 4), as Net-SNMP's snmpd says for a host. */
    private static final int SYS_SERVICES = 72;
    private static final OID VIEW_ALL = new OID("1.3.6.1");
    private static final OctetString VIEW = new OctetString("kilowatch-read");
    private static final Map<String, OID> AUTH = Map.of(
            "sha", AuthSHA.ID, "sha-224", AuthHMAC128SHA224.ID, "sha-256", AuthHMAC192SHA256.ID,
            "sha-384", AuthHMAC256SHA384.ID, "sha-512", AuthHMAC384SHA512.ID);
    private static final Map<String, OID> PRIV = Map.of("aes", PrivAES128.ID, "aes-192", PrivAES192.ID, "aes-256", PrivAES256.ID);

    private final DefaultUdpTransportMapping transport;
    private final OidTree kilowatch = new OidTree(KilowatchMib.ROOT);
    private final OidTree hostResources = new OidTree(HostResources.ROOT);
    private final HostResources host;

    /** The host's name and OS, for sysName and sysDescr. */
    public record SystemIdentity(String hostName, String os, String agentVersion) {
    }

    private SnmpSubAgent(DefaultUdpTransportMapping transport, HostResources host) {
        this.transport = transport;
        this.host = host;
    }

    /**
     * Binds the port and starts answering. Kilowatch objects answer from the first {@link #publish};
     * the system group at once.
     *
     * @param engineBootsFile where snmpEngineBoots is kept, so it grows across restarts as RFC 3414 asks
     */
    public static SnmpSubAgent start(SnmpConfig config, String deviceId, SystemIdentity identity, oshi.SystemInfo systemInfo,
                                     Path engineBootsFile, Clock clock) {
        OctetString engineId = new OctetString(config.engineId().orElseGet(() -> defaultEngineId(deviceId)));
        DefaultUdpTransportMapping transport;
        UdpAddress address = new UdpAddress(config.address(), config.port());
        try {
            transport = new DefaultUdpTransportMapping(address);
        } catch (IOException e) {
            String hint = e instanceof BindException && config.port() > 0 && config.port() < 1024
                    ? " (ports below 1024 need root or CAP_NET_BIND_SERVICE on Linux and macOS; on Windows the Windows SNMP Service may hold 161)"
                    : " (is another SNMP agent on that port, and is the address one of this machine's?)";
            throw new ConfigException("snmp: cannot listen on UDP " + config.address().getHostAddress() + " port " + config.port()
                    + ": " + e.getMessage() + hint);
        }
        SnmpSubAgent agent = new SnmpSubAgent(transport, new HostResources(systemInfo, clock));
        int boots;
        try {
            boots = nextEngineBoots(engineBootsFile);
        } catch (ConfigException e) {
            agent.close();
            throw e;
        }
        agent.wire(config, engineId, boots, identity);
        try {
            transport.listen();
        } catch (IOException e) {
            agent.close();
            throw new ConfigException("snmp: cannot start listening on " + address + ": " + e.getMessage());
        }
        LOG.atInfo().addKeyValue("address", config.address().getHostAddress()).addKeyValue("port", agent.port())
                .addKeyValue("users", config.users().stream().map(SnmpConfig.User::name).toList())
                .addKeyValue("v2c_communities", config.communities().stream().map(SnmpConfig.Community::name).toList())
                .addKeyValue("engine_id", engineId.toHexString()).addKeyValue("engine_boots", boots)
                .log("SNMP sub-agent listening");
        return agent;
    }

    private void wire(SnmpConfig config, OctetString engineId, int boots, SystemIdentity identity) {
        // SHA-2 and AES from SNMP4J's default set, plus SHA-1 for managers that know no better; never MD5.
        SecurityProtocols protocols = new SecurityProtocols(SecurityProtocols.SecurityProtocolSet.defaultSecurity);
        protocols.addAuthenticationProtocol(new AuthSHA());
        USM usm = new USM(protocols, engineId, boots);
        for (SnmpConfig.User user : config.users()) {
            usm.addUser(new UsmUser(new OctetString(user.name()), AUTH.get(user.authProtocol()), new OctetString(user.authPassword()),
                    user.privacy() ? PRIV.get(user.privProtocol()) : null, user.privacy() ? new OctetString(user.privPassword()) : null));
        }
        SecurityModels securityModels = SecurityModels.getCollection(new SecurityModel[] {usm});
        MessageDispatcherImpl dispatcher = new MessageDispatcherImpl();
        dispatcher.addMessageProcessingModel(new MPv3(engineId.getValue(), null, protocols, securityModels, CounterSupport.getInstance()));
        if (!config.communities().isEmpty()) {
            dispatcher.addMessageProcessingModel(new MPv2c());
        }

        DefaultMOServer server = new DefaultMOServer();
        OidTree system = new OidTree(SYSTEM);
        system.replace(systemGroup(config, identity));
        try {
            server.register(system, null);
            server.register(hostResources, null);
            server.register(kilowatch, null);
        } catch (DuplicateRegistrationException e) {
            throw new IllegalStateException("MIB subtrees overlap", e);
        }

        VacmMIB vacm = new VacmMIB(new org.snmp4j.agent.MOServer[] {server}, securityModels);
        vacm.addViewTreeFamily(VIEW, VIEW_ALL, new OctetString(), VacmMIB.vacmViewIncluded, StorageType.readOnly);
        for (SnmpConfig.User user : config.users()) {
            int level = user.privacy() ? SecurityLevel.AUTH_PRIV : SecurityLevel.AUTH_NOPRIV;
            OctetString group = new OctetString(user.privacy() ? "kilowatch-auth-priv" : "kilowatch-auth-no-priv");
            vacm.addGroup(SecurityModel.SECURITY_MODEL_USM, new OctetString(user.name()), group, StorageType.readOnly);
            readOnlyAccess(vacm, group, SecurityModel.SECURITY_MODEL_USM, level);
        }
        OctetString v2cGroup = new OctetString("kilowatch-v2c");
        for (SnmpConfig.Community community : config.communities()) {
            vacm.addGroup(SecurityModel.SECURITY_MODEL_SNMPv2c, securityName(community), v2cGroup, StorageType.readOnly);
        }
        if (!config.communities().isEmpty()) {
            readOnlyAccess(vacm, v2cGroup, SecurityModel.SECURITY_MODEL_SNMPv2c, SecurityLevel.NOAUTH_NOPRIV);
        }

        CommandProcessor processor = new CommandProcessor(engineId);
        processor.addMOServer(server);
        processor.setVacm(vacm);
        processor.setCoexistenceProvider(new Communities(config.communities(), engineId));
        dispatcher.addCommandResponder(processor);
        dispatcher.addTransportMapping(transport);
        transport.addTransportListener(dispatcher);
    }

    private static void readOnlyAccess(MutableVACM vacm, OctetString group, int securityModel, int minimumLevel) {
        vacm.addAccess(group, new OctetString(), securityModel, minimumLevel, MutableVACM.VACM_MATCH_EXACT,
                VIEW, new OctetString(), new OctetString(), StorageType.readOnly);
    }

    private static Map<OID, Supplier<Variable>> systemGroup(SnmpConfig config, SystemIdentity identity) {
        long startedNanos = System.nanoTime();
        Map<OID, Supplier<Variable>> v = new LinkedHashMap<>();
        v.put(systemObject(1), OidTree.constant(new OctetString("Kilowatch agent " + identity.agentVersion() + " on " + identity.os())));
        v.put(systemObject(2), OidTree.constant(KilowatchMib.AGENT_PRODUCT));
        v.put(systemObject(3), () -> HostResources.centiseconds(java.time.Duration.ofNanos(System.nanoTime() - startedNanos)));
        v.put(systemObject(4), OidTree.constant(new OctetString(config.sysContact())));
        v.put(systemObject(5), OidTree.constant(new OctetString(config.sysName().isEmpty() ? identity.hostName() : config.sysName())));
        v.put(systemObject(6), OidTree.constant(new OctetString(config.sysLocation())));
        v.put(systemObject(7), OidTree.constant(new Integer32(SYS_SERVICES)));
        return v;
    }

    private static OID systemObject(int object) {
        return new OID(SYSTEM).append(object).append(0);
    }

    /**
     * Serves a new report's readings; called on the agent's sampling thread after each report. Each
     * subtree switches whole, so a walk of it sees one report's values.
     */
    @Override
    public void publish(AgentSnapshot snapshot) {
        hostResources.replace(host.values(snapshot.report()));
        kilowatch.replace(KilowatchMib.values(snapshot));
    }

    /** The UDP port actually bound (differs from the config when that asked for 0). */
    public int port() {
        return transport.getListenAddress().getPort();
    }

    @Override
    public void close() {
        try {
            transport.close();
        } catch (IOException e) {
            LOG.atWarn().setCause(e).log("closing the SNMP port failed");
        }
    }

    /**
     * RFC 3411 SnmpEngineID: SNMP4J's enterprise number (the engine's implementer) with the text format
     * and the device id, or a hash of a long one, so the id is the same across restarts.
     */
    static byte[] defaultEngineId(String deviceId) {
        String text = deviceId.length() <= 27 ? deviceId : sha256Hex(deviceId).substring(0, 27);
        return MPv3.createLocalEngineID(new OctetString(text));
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Reads, increments and saves snmpEngineBoots; an unreadable file starts again from 1. */
    static int nextEngineBoots(Path file) {
        int boots = 0;
        try {
            if (Files.exists(file)) {
                boots = Integer.parseInt(Files.readString(file).trim());
            }
        } catch (IOException | NumberFormatException e) {
            LOG.atWarn().addKeyValue("file", file).log("unreadable SNMP engine boots counter; starting again from 1");
        }
        int next = boots < 1 || boots >= Integer.MAX_VALUE - 1 ? 1 : boots + 1;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, Integer.toString(next));
        } catch (IOException e) {
            throw new ConfigException("snmp: cannot save the engine boots counter " + file + ": " + e.getMessage());
        }
        return next;
    }

    /** The VACM security name of a community: its config name, so the secret itself never becomes a name. */
    private static OctetString securityName(SnmpConfig.Community community) {
        return new OctetString("community-" + community.name());
    }

    /** Maps configured communities to their security names (SNMP-COMMUNITY-MIB's job, without its table). */
    private static final class Communities implements CoexistenceInfoProvider {
        private final List<SnmpConfig.Community> communities;
        private final OctetString engineId;

        Communities(List<SnmpConfig.Community> communities, OctetString engineId) {
            this.communities = communities;
            this.engineId = engineId;
        }

        @Override
        public CoexistenceInfo[] getCoexistenceInfo(OctetString community) {
            for (SnmpConfig.Community c : communities) {
                // constant time, so the time to refuse does not tell how much of a guess was right
                if (MessageDigest.isEqual(c.community().getBytes(StandardCharsets.UTF_8), community.getValue())) {
                    return new CoexistenceInfo[] {new CoexistenceInfo(securityName(c), engineId, new OctetString())};
                }
            }
            return new CoexistenceInfo[0];
        }

        @Override
        public OctetString getCommunity(OctetString securityName, OctetString contextEngineID, OctetString contextName) {
            return null; // the sub-agent sends no notifications
        }

        @Override
        public boolean passesFilter(Address address, CoexistenceInfo coexistenceInfo) {
            return true;
        }
    }
}
