package io.kilowatch.agent.snmp;

import io.kilowatch.agent.AgentSnapshot;
import io.kilowatch.core.report.Report;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.snmp4j.smi.Counter64;
import org.snmp4j.smi.Gauge32;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.Variable;

/**
 * The objects of KILOWATCH-MIB (agent/src/main/mib/KILOWATCH-MIB.txt), filled from one report. The
 * numbers here and in the MIB file must agree; KilowatchMibTest checks them with Net-SNMP's snmptranslate.
 */
final class KilowatchMib {
    /**
     * The module's root. 32473 is the Private Enterprise Number IANA reserves for documentation
     * (RFC 5612): it belongs to no one, so Kilowatch takes nobody's arc while it has no PEN of its own.
     * Re-rooting under a registered PEN changes this line and the MIB's MODULE-IDENTITY value only.
     */
    static final OID ROOT = new OID("1.3.6.1.4.1.32473");
    static final OID OBJECTS = new OID(ROOT).append(1);
    /** sysObjectID of the Kilowatch agent: kwAgentProduct. */
    static final OID AGENT_PRODUCT = new OID(ROOT).append(3).append(1);

    static final int DEVICE_ID = 1;
    static final int DEVICE_CLASS = 2;
    static final int DEVICE_ORG = 3;
    static final int DEVICE_SITE = 4;
    static final int DEVICE_DEPARTMENT = 5;
    static final int POWER_MILLIWATTS = 6;
    static final int POWER_SOURCE = 7;
    static final int ENERGY_JOULES_TOTAL = 8;
    static final int ENERGY_COUNTER_START = 9;
    static final int CARBON_GRAMS_TOTAL = 10;
    static final int REPORT_SEQUENCE = 11;
    static final int REPORT_TIME = 12;

    /** KwPowerSourceType values. */
    private static final Map<String, Integer> POWER_SOURCES = Map.of("rapl", 1, "battery", 2, "model", 3);

    private KilowatchMib() {
    }

    static OID scalar(int object) {
        return new OID(OBJECTS).append(object).append(0);
    }

    /**
     * Every scalar, from one snapshot. Counters are whole joules and grams, rounded down, so they never
     * run ahead of the report's own figures; power is rounded to the nearest milliwatt.
     */
    static Map<OID, Supplier<Variable>> values(AgentSnapshot snapshot) {
        Report r = snapshot.report();
        Map<OID, Supplier<Variable>> v = new LinkedHashMap<>();
        put(v, DEVICE_ID, new OctetString(r.deviceId()));
        put(v, DEVICE_CLASS, new OctetString(r.labels().getOrDefault("class", "")));
        put(v, DEVICE_ORG, new OctetString(r.labels().getOrDefault("org", "")));
        put(v, DEVICE_SITE, new OctetString(r.labels().getOrDefault("site", "")));
        put(v, DEVICE_DEPARTMENT, new OctetString(r.labels().getOrDefault("department", "")));
        put(v, POWER_MILLIWATTS, new Gauge32(Math.min(0xFFFF_FFFFL, Math.round(r.power().watts() * 1000))));
        Integer source = POWER_SOURCES.get(r.power().source());
        if (source != null) {
            put(v, POWER_SOURCE, new Integer32(source));
        }
        put(v, ENERGY_JOULES_TOTAL, new Counter64((long) Math.floor(r.power().energyJoulesTotal())));
        put(v, ENERGY_COUNTER_START, dateAndTime(r.power().counterStart()));
        put(v, CARBON_GRAMS_TOTAL, new Counter64((long) Math.floor(snapshot.carbonGramsTotal())));
        put(v, REPORT_SEQUENCE, new Counter64(r.sequence()));
        put(v, REPORT_TIME, dateAndTime(r.timestamp()));
        return v;
    }

    private static void put(Map<OID, Supplier<Variable>> into, int object, Variable value) {
        into.put(scalar(object), OidTree.constant(value));
    }

    /** SNMPv2-TC DateAndTime in UTC, 11 octets: year, month, day, hour, minute, second, deci-seconds, '+', 0, 0. */
    static OctetString dateAndTime(Instant instant) {
        ZonedDateTime t = instant.atZone(ZoneOffset.UTC);
        ByteBuffer b = ByteBuffer.allocate(11);
        b.putShort((short) t.getYear());
        b.put((byte) t.getMonthValue()).put((byte) t.getDayOfMonth()).put((byte) t.getHour())
                .put((byte) t.getMinute()).put((byte) t.getSecond()).put((byte) (t.getNano() / 100_000_000))
                .put((byte) '+').put((byte) 0).put((byte) 0);
        return new OctetString(b.array());
    }
}
