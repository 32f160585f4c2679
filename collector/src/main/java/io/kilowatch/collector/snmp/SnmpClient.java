package io.kilowatch.collector.snmp;

import io.kilowatch.core.snmp.Octets;
import io.kilowatch.core.snmp.Oids;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snmp4j.CommunityTarget;
import org.snmp4j.PDU;
import org.snmp4j.ScopedPDU;
import org.snmp4j.Snmp;
import org.snmp4j.Target;
import org.snmp4j.UserTarget;
import org.snmp4j.event.ResponseEvent;
import org.snmp4j.event.ResponseListener;
import org.snmp4j.MessageDispatcherImpl;
import org.snmp4j.mp.MPv1;
import org.snmp4j.mp.MPv2c;
import org.snmp4j.mp.MPv3;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.security.AuthHMAC128SHA224;
import org.snmp4j.security.AuthHMAC192SHA256;
import org.snmp4j.security.AuthHMAC256SHA384;
import org.snmp4j.security.AuthHMAC384SHA512;
import org.snmp4j.security.AuthMD5;
import org.snmp4j.security.AuthSHA;
import org.snmp4j.security.PrivAES128;
import org.snmp4j.security.PrivAES192;
import org.snmp4j.security.PrivAES256;
import org.snmp4j.security.PrivDES;
import org.snmp4j.security.SecurityLevel;
import org.snmp4j.security.SecurityProtocols;
import org.snmp4j.security.USM;
import org.snmp4j.security.UsmUser;
import org.snmp4j.smi.Counter64;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.smi.UnsignedInteger32;
import org.snmp4j.smi.Variable;
import org.snmp4j.smi.VariableBinding;
import org.snmp4j.transport.DefaultUdpTransportMapping;

/**
 * Asynchronous SNMP requests over one UDP socket (SNMP4J): GET in batches and walks with GETBULK
 * (GETNEXT for v1). Answers come back on the Vert.x context that made the client, so callers keep
 * their state on one thread. A request never blocks: SNMP4J retries and times out by itself.
 */
public final class SnmpClient implements AutoCloseable {
    private static final Map<String, String> REPORT_MEANINGS = Map.of(
            "1.3.6.1.6.3.15.1.1.1.0", "unsupported security level (usmStatsUnsupportedSecLevels)",
            "1.3.6.1.6.3.15.1.1.2.0", "message outside the time window (usmStatsNotInTimeWindows)",
            "1.3.6.1.6.3.15.1.1.3.0", "unknown user name (usmStatsUnknownUserNames)",
            "1.3.6.1.6.3.15.1.1.4.0", "unknown engine id (usmStatsUnknownEngineIDs)",
            "1.3.6.1.6.3.15.1.1.5.0", "wrong authentication password or protocol (usmStatsWrongDigests)",
            "1.3.6.1.6.3.15.1.1.6.0", "wrong privacy password or protocol (usmStatsDecryptionErrors)");

    /** A request that got no usable answer; the message says why in an operator's words. */
    public static class SnmpException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SnmpException(String message) {
            super(message);
        }
    }

    /** SNMPv1's answer to a GET naming an object the device lacks: the whole request fails, naming the first such binding. */
    private static final class NoSuchName extends SnmpException {
        private static final long serialVersionUID = 1L;
        final int index;

        NoSuchName(int index) {
            super("the device answered noSuchName (index " + index + ")");
            this.index = index;
        }
    }

    private final Snmp snmp;
    private final Context context;
    private final Duration timeout;
    private final int retries;

    /** @param auths every auth profile the client will use; v3 users are registered once, here */
    public SnmpClient(Context context, Iterable<SnmpConfig.Auth> auths, Duration timeout, int retries) throws IOException {
        this.context = context;
        this.timeout = timeout;
        this.retries = retries;
        USM usm = new USM(protocols(), new OctetString(MPv3.createLocalEngineID()), 0);
        registerUsers(usm, auths);
        this.snmp = new Snmp(dispatcher(usm), new DefaultUdpTransportMapping());
        snmp.listen();
    }

    /** Its own USM rather than SNMP4J's process-wide one, so trap receiver and pollers keep their users apart. */
    static MessageDispatcherImpl dispatcher(USM usm) {
        MessageDispatcherImpl d = new MessageDispatcherImpl();
        d.addMessageProcessingModel(new MPv1());
        d.addMessageProcessingModel(new MPv2c());
        d.addMessageProcessingModel(new MPv3(usm));
        return d;
    }

    /** SHA-2 and AES by default; MD5, SHA-1 and DES too, as older devices still offer nothing better. */
    static SecurityProtocols protocols() {
        SecurityProtocols p = SecurityProtocols.getInstance().addDefaultProtocols();
        p.addAuthenticationProtocol(new AuthMD5());
        p.addAuthenticationProtocol(new AuthSHA());
        p.addPrivacyProtocol(new PrivDES());
        return p;
    }

    static void registerUsers(USM usm, Iterable<SnmpConfig.Auth> auths) {
        Map<String, SnmpConfig.Auth> byUser = new LinkedHashMap<>();
        for (SnmpConfig.Auth a : auths) {
            if (a.version() != SnmpConfig.Version.V3) {
                continue;
            }
            SnmpConfig.Auth twin = byUser.put(a.username(), a);
            if (twin != null && !twin.equals(a)) {
                throw new io.kilowatch.core.config.ConfigException("snmp.auths." + twin.name() + " and snmp.auths." + a.name()
                        + " name the same v3 user '" + a.username() + "' with different settings; use one auth profile per user");
            }
            usm.addUser(new UsmUser(new OctetString(a.username()),
                    a.level() == SnmpConfig.Level.NO_AUTH_NO_PRIV ? null : authProtocol(a.authProtocol()),
                    a.authPassword() == null ? null : new OctetString(a.authPassword()),
                    a.level() == SnmpConfig.Level.AUTH_PRIV ? privProtocol(a.privProtocol()) : null,
                    a.privPassword() == null ? null : new OctetString(a.privPassword())));
        }
    }

    static OID authProtocol(String name) {
        return switch (name) {
            case "md5" -> AuthMD5.ID;
            case "sha" -> AuthSHA.ID;
            case "sha-224" -> AuthHMAC128SHA224.ID;
            case "sha-256" -> AuthHMAC192SHA256.ID;
            case "sha-384" -> AuthHMAC256SHA384.ID;
            default -> AuthHMAC384SHA512.ID;
        };
    }

    static OID privProtocol(String name) {
        return switch (name) {
            case "des" -> PrivDES.ID;
            case "aes" -> PrivAES128.ID;
            case "aes-192" -> PrivAES192.ID;
            default -> PrivAES256.ID;
        };
    }

    /** An SNMP4J target for an address and auth profile, with this client's timeout and retries. */
    public Target<UdpAddress> target(InetAddress address, int port, SnmpConfig.Auth auth) {
        UdpAddress udp = new UdpAddress(address, port);
        Target<UdpAddress> t;
        if (auth.version() == SnmpConfig.Version.V3) {
            UserTarget<UdpAddress> u = new UserTarget<>();
            u.setAddress(udp);
            u.setSecurityName(new OctetString(auth.username()));
            u.setSecurityLevel(switch (auth.level()) {
                case NO_AUTH_NO_PRIV -> SecurityLevel.NOAUTH_NOPRIV;
                case AUTH_NO_PRIV -> SecurityLevel.AUTH_NOPRIV;
                case AUTH_PRIV -> SecurityLevel.AUTH_PRIV;
            });
            u.setVersion(SnmpConstants.version3);
            t = u;
        } else {
            CommunityTarget<UdpAddress> c = new CommunityTarget<>(udp, new OctetString(auth.community()));
            c.setVersion(auth.version() == SnmpConfig.Version.V1 ? SnmpConstants.version1 : SnmpConstants.version2c);
            t = c;
        }
        t.setTimeout(timeout.toMillis());
        t.setRetries(retries);
        return t;
    }

    /** GETs the OIDs in batches of {@code perRequest}; missing objects are left out of the answer. */
    public Future<Map<String, Object>> get(Target<UdpAddress> target, List<String> oids, int perRequest) {
        Map<String, Object> values = new LinkedHashMap<>();
        Future<Void> chain = Future.succeededFuture();
        for (int i = 0; i < oids.size(); i += perRequest) {
            List<String> batch = oids.subList(i, Math.min(oids.size(), i + perRequest));
            chain = chain.compose(v -> getBatch(target, batch, values));
        }
        return chain.map(v -> values);
    }

    private Future<Void> getBatch(Target<UdpAddress> target, List<String> batch, Map<String, Object> values) {
        if (batch.isEmpty()) {
            return Future.succeededFuture();
        }
        return request(target, PDU.GET, batch, 0).<Void>map(vbs -> {
            for (VariableBinding vb : vbs) {
                if (!vb.isException()) {
                    values.put(vb.getOid().toDottedString(), value(vb.getVariable()));
                }
            }
            return null;
        }).recover(e -> {
            if (e instanceof NoSuchName n && n.index >= 1 && n.index <= batch.size()) {
                // v1: ask again without the missing object, as v2c would have left it out
                List<String> rest = new ArrayList<>(batch);
                rest.remove(n.index - 1);
                return getBatch(target, rest, values);
            }
            return Future.failedFuture(e);
        });
    }

    /**
     * Which of {@code oids} the device has any object at or under: one GETNEXT per OID, batched ({@code perRequest}
     * a request; one a request on v1, whose whole request fails at the end of the MIB). For capability probing.
     */
    public Future<Set<String>> answered(Target<UdpAddress> target, List<String> oids, int perRequest) {
        Set<String> found = new java.util.LinkedHashSet<>();
        int batchSize = target.getVersion() == SnmpConstants.version1 ? 1 : perRequest;
        Future<Void> chain = Future.succeededFuture();
        for (int i = 0; i < oids.size(); i += batchSize) {
            List<String> batch = oids.subList(i, Math.min(oids.size(), i + batchSize));
            chain = chain.compose(v -> request(target, PDU.GETNEXT, batch, 0).map(vbs -> {
                for (int k = 0; k < Math.min(vbs.size(), batch.size()); k++) {
                    VariableBinding vb = vbs.get(k);
                    if (!vb.isException() && Oids.startsWith(vb.getOid().toDottedString(), batch.get(k))) {
                        found.add(batch.get(k));
                    }
                }
                return null;
            }));
        }
        return chain.map(v -> found);
    }

    /**
     * Every object under each column. With GETBULK the columns are walked side by side, one request
     * carrying every unfinished column (a table's columns in as few round trips as its rows need);
     * v1 has only GETNEXT, whose whole request fails at the end of the MIB, so its columns go one by one.
     */
    public Future<Map<String, Object>> walk(Target<UdpAddress> target, List<String> columns, int maxRepetitions) {
        Map<String, Object> values = new LinkedHashMap<>();
        if (columns.isEmpty()) {
            return Future.succeededFuture(values);
        }
        if (target.getVersion() == SnmpConstants.version1) {
            Future<Void> chain = Future.succeededFuture();
            for (String column : columns) {
                chain = chain.compose(v -> walkStep(target, List.of(new Cursor(column)), 1, values));
            }
            return chain.map(v -> values);
        }
        return walkStep(target, columns.stream().map(Cursor::new).toList(), maxRepetitions, values).map(v -> values);
    }

    /** A column being walked and the last OID read from it. */
    private static final class Cursor {
        final String column;
        OID last;

        Cursor(String column) {
            this.column = column;
            this.last = new OID(column);
        }
    }

    private Future<Void> walkStep(Target<UdpAddress> target, List<Cursor> open, int maxRepetitions, Map<String, Object> values) {
        boolean v1 = target.getVersion() == SnmpConstants.version1;
        List<String> from = open.stream().map(c -> c.last.toDottedString()).toList();
        // the rows asked for are shared between the open columns, so an answer stays about as large as one column's
        int rows = Math.max(1, maxRepetitions / open.size());
        return request(target, v1 ? PDU.GETNEXT : PDU.GETBULK, from, rows).compose(vbs -> {
            int k = open.size();
            boolean[] finished = new boolean[k];
            boolean[] advanced = new boolean[k];
            // GETBULK answers row by row: the i-th binding belongs to column i mod k
            for (int i = 0; i < vbs.size(); i++) {
                int c = i % k;
                if (finished[c]) {
                    continue;
                }
                VariableBinding vb = vbs.get(i);
                Cursor cursor = open.get(c);
                // an agent that does not move forward would keep a poll busy for ever
                if (vb.isException() || !Oids.startsWith(vb.getOid().toDottedString(), cursor.column) || vb.getOid().compareTo(cursor.last) <= 0) {
                    finished[c] = true;
                    continue;
                }
                values.put(vb.getOid().toDottedString(), value(vb.getVariable()));
                cursor.last = vb.getOid();
                advanced[c] = true;
            }
            List<Cursor> next = new ArrayList<>();
            for (int c = 0; c < k; c++) {
                if (!finished[c] && advanced[c]) {
                    next.add(open.get(c));
                }
            }
            return next.isEmpty() || values.size() > 100_000 ? Future.succeededFuture() : walkStep(target, next, maxRepetitions, values);
        });
    }

    private Future<List<? extends VariableBinding>> request(Target<UdpAddress> target, int type, List<String> oids, int maxRepetitions) {
        PDU pdu = target.getVersion() == SnmpConstants.version3 ? new ScopedPDU()
                : target.getVersion() == SnmpConstants.version1 ? new org.snmp4j.PDUv1() : new PDU();
        pdu.setType(type);
        oids.forEach(oid -> pdu.add(new VariableBinding(new OID(oid))));
        if (type == PDU.GETBULK) {
            pdu.setNonRepeaters(0);
            pdu.setMaxRepetitions(maxRepetitions);
        }
        Promise<List<? extends VariableBinding>> promise = Promise.promise();
        ResponseListener listener = new ResponseListener() {
            @Override
            public <A extends org.snmp4j.smi.Address> void onResponse(ResponseEvent<A> event) {
                ((Snmp) event.getSource()).cancel(event.getRequest(), this);
                Object outcome = outcome(event, target);
                context.runOnContext(v -> {
                    if (outcome instanceof SnmpException e) {
                        promise.fail(e);
                    } else {
                        @SuppressWarnings("unchecked")
                        List<? extends VariableBinding> vbs = (List<? extends VariableBinding>) outcome;
                        promise.complete(vbs);
                    }
                });
            }
        };
        try {
            snmp.send(pdu, target, null, listener);
        } catch (IOException | RuntimeException e) {
            return Future.failedFuture(new SnmpException("cannot send to " + target.getAddress() + ": " + e.getMessage()));
        }
        return promise.future();
    }

    private static Object outcome(ResponseEvent<?> event, Target<UdpAddress> target) {
        if (event.getError() != null) {
            return new SnmpException(event.getError().getMessage() == null ? event.getError().toString() : event.getError().getMessage());
        }
        PDU response = event.getResponse();
        if (response == null) {
            return new SnmpException("no answer within " + target.getTimeout() + " ms x " + (target.getRetries() + 1)
                    + " tries (device down, wrong address or port, or a community or user it does not accept)");
        }
        if (response.getType() == PDU.REPORT) {
            String oid = response.size() == 0 ? "" : response.get(0).getOid().toDottedString();
            return new SnmpException("the device refused the request: " + REPORT_MEANINGS.getOrDefault(oid, "SNMPv3 report " + oid));
        }
        if (response.getErrorStatus() == PDU.noSuchName && target.getVersion() == SnmpConstants.version1
                && event.getRequest() != null && event.getRequest().getType() == PDU.GETNEXT) {
            return new ArrayList<VariableBinding>(); // v1's way of saying "end of the MIB"
        }
        if (response.getErrorStatus() == PDU.noSuchName && target.getVersion() == SnmpConstants.version1
                && event.getRequest() != null && event.getRequest().getType() == PDU.GET) {
            return new NoSuchName(response.getErrorIndex());
        }
        if (response.getErrorStatus() != PDU.noError) {
            return new SnmpException("the device answered " + response.getErrorStatusText() + " (index " + response.getErrorIndex() + ")");
        }
        return new ArrayList<>(response.getVariableBindings());
    }

    /** Numbers as {@link Long} (all SNMP integer types), octet strings as {@link Octets}, everything else as text. */
    static Object value(Variable v) {
        if (v instanceof OctetString o) {
            return new Octets(o.getValue(), o.toString());
        }
        if (v instanceof Integer32 i) {
            return (long) i.getValue();
        }
        if (v instanceof UnsignedInteger32 u) {
            return u.getValue();
        }
        if (v instanceof Counter64 c) {
            // above 2^63 SNMP4J's long is negative; as an unsigned figure it is still exact in a double's range
            return c.getValue() >= 0 ? (Object) c.getValue() : (Object) Double.parseDouble(Long.toUnsignedString(c.getValue()));
        }
        if (v instanceof OID oid) {
            return oid.toDottedString();
        }
        return v.toString();
    }

    @Override
    public void close() throws IOException {
        snmp.close();
    }
}
