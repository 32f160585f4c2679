package io.kilowatch.collector.snmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.kilowatch.core.snmp.ComposedReading;
import io.kilowatch.core.snmp.SnmpProfile;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The shipped UPS profiles as the poller applies them (matching, then each profile's reading, then composition), for
 * the UPS shapes the corpus has no recording of: three-phase APC units, a UPS-MIB agent of an unknown vendor, output
 * tables of zeros.
 */
class UpsProfilesTest {
    static final String PHASE_POWER = "1.3.6.1.4.1.318.1.1.1.9.3.3.1.13";
    static final String ADV_ACTIVE_POWER = "1.3.6.1.4.1.318.1.1.1.4.2.8.0";
    static final String UPS_OUTPUT_POWER = "1.3.6.1.2.1.33.1.4.4.1.4";
    static final String XUPS_OUTPUT_WATTS = "1.3.6.1.4.1.534.1.4.4.1.4";

    @Test
    void aUpsMibAgentOfAnUnknownVendorIsReadAsAUpsNotAsAHost() {
        // a Dell, Huawei or Multimatic card: UPS-MIB holds the manufacturer and no output table
        assertEquals(List.of("ups-mib", "host"), ShippedProfiles.names(ShippedProfiles.SET.applicable("1.3.6.1.4.1.99999.1", Set.of("1.3.6.1.2.1.33.1"))));
        ComposedReading r = ShippedProfiles.compose(ShippedProfiles.SET.applicable("1.3.6.1.4.1.99999.1", Set.of("1.3.6.1.2.1.33.1")),
                Map.of("1.3.6.1.2.1.33.1.1.1.0", "DELL", "1.3.6.1.2.1.33.1.2.1.0", 2L));
        assertNull(r.powerWatts(), "no output power object: the class model, never 0 W");
        assertNull(r.powerFrom());
    }

    @Test
    void aThreePhaseApcUpsSumsItsPhasesLeavingOutNotAvailable() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put(PHASE_POWER + ".1.1.1", 4100L);
        values.put(PHASE_POWER + ".1.1.2", 2700L);
        values.put(PHASE_POWER + ".1.1.3", -1L);   // "not available"
        values.put("1.3.6.1.4.1.318.1.1.1.9.3.3.1.4.1.1.1", 183L);
        List<SnmpProfile> applied = ShippedProfiles.SET.applicable("1.3.6.1.4.1.318.1.3.27", Set.of(PHASE_POWER));
        assertEquals(List.of("apc-ups", "apc-ups-phase", "host"), ShippedProfiles.names(applied));
        ComposedReading r = ShippedProfiles.compose(applied, values);
        assertEquals(6800.0, r.powerWatts());
        assertEquals("apc-ups-phase", r.powerFrom(), "older firmware without upsAdvOutputActivePower: the phase sum");

        values.put(ADV_ACTIVE_POWER, 6750L);
        r = ShippedProfiles.compose(applied, values);
        assertEquals(6750.0, r.powerWatts(), "upsAdvOutputActivePower is the UPS's total: it outranks the sum, never adds to it");
        assertEquals("apc-ups", r.powerFrom());
    }

    @Test
    void anApcCardWithoutPowerNetWattsFallsBackToItsUpsMibOutput() {
        // an older Smart-UPS card: sysObjectID names it an APC UPS, PowerNet has no upsAdvOutputActivePower
        List<SnmpProfile> applied = ShippedProfiles.SET.applicable("1.3.6.1.4.1.318.1.3.2.17", Set.of("1.3.6.1.2.1.33.1"));
        assertEquals(List.of("apc-ups", "ups-mib", "host"), ShippedProfiles.names(applied));
        ComposedReading r = ShippedProfiles.compose(applied, Map.of("1.3.6.1.4.1.318.1.1.1.4.3.4.0", 40L, UPS_OUTPUT_POWER + ".1", 812L));
        assertEquals("ups-mib", r.powerFrom());
        assertEquals(812.0, r.powerWatts());
        assertNull(ShippedProfiles.compose(applied, Map.of("1.3.6.1.4.1.318.1.1.1.4.3.4.0", 40L)).powerWatts(), "output current alone is never power");
    }

    @Test
    void outputTablesOfZerosAreNotMeasurementsAndTheNextProfileCounts() {
        // an Eaton card answering XUPS-MIB watts of 0 on every phase while UPS-MIB has the figure
        Map<String, Object> values = new LinkedHashMap<>();
        values.put(XUPS_OUTPUT_WATTS + ".1", 0L);
        values.put(XUPS_OUTPUT_WATTS + ".2", 0L);
        values.put(UPS_OUTPUT_POWER + ".1", 1593L);
        List<SnmpProfile> applied = ShippedProfiles.SET.applicable("1.3.6.1.4.1.534.1", Set.of("1.3.6.1.2.1.33.1", XUPS_OUTPUT_WATTS));
        assertEquals(List.of("eaton-xups", "ups-mib", "host"), ShippedProfiles.names(applied));
        ComposedReading r = ShippedProfiles.compose(applied, values);
        assertEquals("ups-mib", r.powerFrom());
        assertEquals(1593.0, r.powerWatts());

        values.put(UPS_OUTPUT_POWER + ".1", 0L);
        r = ShippedProfiles.compose(applied, values);
        assertNull(r.powerWatts(), "zeros everywhere: the class model");

        // a single-phase UPS in a three-line table: the unused lines' zeros add nothing
        values.put(XUPS_OUTPUT_WATTS + ".1", 231L);
        r = ShippedProfiles.compose(applied, values);
        assertEquals(231.0, r.powerWatts());
        assertEquals("eaton-xups", r.powerFrom());
    }
}
