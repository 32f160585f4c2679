package io.kilowatch.collector.snmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.kilowatch.core.snmp.ComposedReading;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Several units behind one address, as real estates have them and the corpus barely does: the shipped profiles,
 * matched and composed as the poller does, on walks indexed exactly as each MIB indexes its units, must count every
 * unit's draw once, each row at its own scale. Single-unit figures come from the corpus recordings named. An Eaton ePDU
 * daisy chain is in PduProfilesTest.
 */
class MultiUnitProfilesTest {
    @Test
    void anApcRpdu2DaisyChainDrawsEveryUnitsDevicePowerOnce() {
        // rPDU2DeviceStatusTable (PowerNet-MIB 318.1.1.26.4.3.1): index rPDU2DeviceStatusIndex, one row per unit of a
        // Network Port Sharing chain, .2 the unit (module) number, .5 power in hundredths of kW, .9 energy in tenths
        // of kWh. Unit 1 is apc_ap8853's (114 -> 1140 W, 35128 -> 3512.8 kWh), unit 2 apc_ap8959eu3's (270 W,
        // 1967.7 kWh); unit 3 has no meter (-1).
        String device = "1.3.6.1.4.1.318.1.1.26.4.3.1.";
        Map<String, Object> walk = new LinkedHashMap<>();
        long[] power = {114, 27, -1};
        long[] energy = {35128, 19677, -1};
        for (int unit = 1; unit <= 3; unit++) {
            walk.put(device + "1." + unit, (long) unit);
            walk.put(device + "2." + unit, (long) unit);
            walk.put(device + "5." + unit, power[unit - 1]);
            walk.put(device + "9." + unit, energy[unit - 1]);
        }
        // rPDU2PhaseStatusPower, one phase a unit: the same watts again, never added
        walk.put("1.3.6.1.4.1.318.1.1.26.6.3.1.7.1", 114L);
        walk.put("1.3.6.1.4.1.318.1.1.26.6.3.1.7.2", 27L);
        // the older rPDU MIB answers for the host unit alone
        walk.put("1.3.6.1.4.1.318.1.1.12.1.16.0", 1140L);
        walk.put("1.3.6.1.4.1.318.1.1.26.9.4.3.1.7.1", 212L);

        ComposedReading r = ShippedProfiles.poll("1.3.6.1.4.1.318.1.3.4.5", walk);
        assertEquals("apc-rpdu2", r.powerFrom());
        assertEquals(1140 + 270, r.powerWatts(), 1e-9, "both metered units, each once; the host's rPDU figure is not added");
        assertEquals(3512.8 + 1967.7, r.energyKwhTotal(), 1e-9);
        assertEquals(Map.of("pdu_energy_kwh 1", 3512.8, "pdu_energy_kwh 2", 1967.7), r.energyMetersKwh(),
                "each unit's meter, counted on its own from poll to poll");
    }

    @Test
    void aRaritanCascadeAndADualInletPduSumEveryInletAtItsOwnDecimalDigits() {
        // PDU2-MIB measurementsInletSensorValue (13742.6.5.2.3.1.4) and inletSensorDecimalDigits (13742.6.3.3.4.1.7),
        // both indexed pduId.inletId.sensorType: PDU 1 (raritan-pdu_px3's inlet, 1665 W, 74057676 Wh) has a second
        // inlet; PDU 2 is a cascaded unit whose firmware gives power one decimal.
        String value = "1.3.6.1.4.1.13742.6.5.2.3.1.4.";
        String digits = "1.3.6.1.4.1.13742.6.3.3.4.1.7.";
        Map<String, Object> walk = new LinkedHashMap<>();
        sensor(walk, value, digits, "1.1.1", 7467, 3);    // rmsCurrent 7.467 A
        sensor(walk, value, digits, "1.1.5", 1665, 0);    // activePower
        sensor(walk, value, digits, "1.1.6", 1751, 0);    // apparentPower (VA), not power
        sensor(walk, value, digits, "1.1.8", 74057676, 0); // activeEnergy, Wh
        sensor(walk, value, digits, "1.2.5", 412, 0);
        sensor(walk, value, digits, "1.2.8", 1000000, 0);
        sensor(walk, value, digits, "2.1.1", 1250, 3);
        sensor(walk, value, digits, "2.1.5", 2056, 1);    // 205.6 W
        sensor(walk, value, digits, "2.1.8", 5000, 0);
        // outlets of PDU 2 (measurementsOutletSensorValue pdu.outlet.type): a measurement of what is plugged in, not added
        walk.put("1.3.6.1.4.1.13742.6.5.4.3.1.4.2.1.5", 180L);

        ComposedReading r = ShippedProfiles.poll("1.3.6.1.4.1.13742.6", walk);
        assertEquals("raritan-pdu2", r.powerFrom());
        assertEquals(1665 + 412 + 205.6, r.powerWatts(), 1e-9);
        assertEquals((74057676 + 1000000 + 5000) / 1000.0, r.energyKwhTotal(), 1e-9);
        assertEquals(List.of("1.1.1 7.467", "2.1.1 1.25"), ShippedProfiles.samples(r, "pdu2_inlet_current_amperes"));
    }

    private static void sensor(Map<String, Object> walk, String value, String digits, String index, long raw, long decimals) {
        walk.put(value + index, raw);
        walk.put(digits + index, decimals);
    }

    @Test
    void aSentry4WithLinkedUnitsAndTwoCordsEachSumsEveryCord() {
        // Sentry4-MIB st4InputCordTable, index st4UnitIndex.st4InputCordIndex: master unit 1 (sentry4's cord, 1701 W,
        // 8937 tenths of kWh) and its second cord, link unit 2 with two cords, one "not available" (-1)
        String cord = "1.3.6.1.4.1.1718.4.1.3.3.1.";
        Map<String, Object> walk = new LinkedHashMap<>();
        Map.of("1.1", new long[] {1701, 8937}, "1.2", new long[] {640, 2100}, "2.1", new long[] {980, 4400}, "2.2", new long[] {-1, -1})
                .forEach((index, v) -> {
                    walk.put(cord + "3." + index, v[0]);
                    walk.put(cord + "10." + index, v[1]);
                });
        ComposedReading r = ShippedProfiles.poll("1.3.6.1.4.1.1718.4", walk);
        assertEquals("sentry4", r.powerFrom());
        assertEquals(1701 + 640 + 980, r.powerWatts(), 1e-9);
        assertEquals((8937 + 2100 + 4400) / 10.0, r.energyKwhTotal(), 1e-9);
    }

    @Test
    void aThreePhaseUpsMibUpsReadsItsOutputLinesNotItsInput() {
        // UPS-MIB upsOutputPower (33.1.4.4.1.4), index upsOutputLineIndex 1..upsOutputNumLines; upsInputTruePower
        // (33.1.3.3.1.5) is what it takes in, charging and losses included: not what it feeds
        Map<String, Object> walk = new LinkedHashMap<>();
        walk.put("1.3.6.1.2.1.33.1.4.3.0", 3L);
        for (int line = 1; line <= 3; line++) {
            walk.put("1.3.6.1.2.1.33.1.4.4.1.4." + line, 4000L + 100 * line);
            walk.put("1.3.6.1.2.1.33.1.3.3.1.5." + line, 4500L);
        }
        ComposedReading r = ShippedProfiles.poll("1.3.6.1.4.1.99999.3", walk);
        assertEquals("ups-mib", r.powerFrom());
        assertEquals(4100 + 4200 + 4300, r.powerWatts(), 1e-9);
    }

    @Test
    void aPoeStackAddsEveryMembersGroupOnceAndADrawMeasuredPerSupplyIncludesIt() {
        // POWER-ETHERNET-MIB pethMainPseTable, index pethMainPseGroupIndex, one group per stack member: budget (.2)
        // and consumption (.4) in watts; member 4 answers milliwatts, above its own budget: read as thousandths (31 W),
        // member 5 a figure above its budget even as milliwatts: no reading
        String pse = "1.3.6.1.2.1.105.1.3.1.1.";
        Map<String, Object> walk = new LinkedHashMap<>();
        long[] used = {9, 19, 24, 31000, 900000};
        for (int member = 1; member <= 5; member++) {
            walk.put(pse + "2." + member, 740L);
            walk.put(pse + "4." + member, used[member - 1]);
        }
        ComposedReading model = ShippedProfiles.poll("1.3.6.1.4.1.9.1.2694", walk);
        assertNull(model.powerFrom(), "no supply metered: the class model");
        assertEquals(9 + 19 + 24 + 31, model.addedWatts(), 1e-9, "plus what every member's group delivers, once");

        // CISCO-ENTITY-SENSOR watts(6), units(9), precision 0 on each member's supply (entity 1000 x member, the
        // sensors' entPhysicalContainedIn), at input and at output; member 3's older supply is metered at its output only
        for (int member = 1; member <= 3; member++) {
            if (member < 3) {
                supplySensor(walk, member, "Input", 100 + member);
            }
            supplySensor(walk, member, "Output", 80 + member);
        }
        ComposedReading metered = ShippedProfiles.poll("1.3.6.1.4.1.9.1.2694", walk);
        assertEquals("cisco-entity-sensor", metered.powerFrom());
        assertEquals(101 + 102 + 83, metered.powerWatts(), 1e-9, "each member's supply once: at its input where it has one");
        assertNull(metered.addedWatts(), "the PoE is inside what the supplies draw");
    }

    private static void supplySensor(Map<String, Object> walk, int member, String end, long watts) {
        String sensor = "1.3.6.1.4.1.9.9.91.1.1.1.1.";
        int index = 1000 * member + (end.equals("Input") ? 1 : 2);
        walk.put(sensor + "1." + index, 6L);
        walk.put(sensor + "2." + index, 9L);
        walk.put(sensor + "3." + index, 0L);
        walk.put(sensor + "4." + index, watts);
        walk.put(sensor + "5." + index, 1L);
        walk.put("1.3.6.1.2.1.47.1.1.1.1.2." + index, "Switch " + member + " - Power Supply A " + end + " Power");
        walk.put("1.3.6.1.2.1.47.1.1.1.1.4." + index, 1000L * member);
    }

    @Test
    void aLiebertPduWithTwoPowerSourcesAndAnApcChainOfUnitsSumTheirRows() {
        // LIEBERT-GP-PDU-MIB lgpPduPsEntryPwrTotal, index lgpPduEntryIndex.lgpPduPsEntryIndex (liebert: 1.1 = 2411 W)
        Map<String, Object> liebert = Map.of("1.3.6.1.4.1.476.1.42.3.8.30.20.1.65.1.1", 2411L, "1.3.6.1.4.1.476.1.42.3.8.30.20.1.65.1.2", 1890L);
        ComposedReading l = ShippedProfiles.poll("1.3.6.1.4.1.476.1.42", liebert);
        assertEquals("liebert-pdu", l.powerFrom());
        assertEquals(2411 + 1890, l.powerWatts(), 1e-9);
        // PowerNet-MIB pduUnitStatusActivePower (APDU10xxx), index pduUnitStatusIndex: apc-cpdu's unit (258 W) and a second
        String unit = "1.3.6.1.4.1.318.1.1.32.2.4.1.4.";
        ComposedReading c = ShippedProfiles.poll("1.3.6.1.4.1.318.1.1.32.1", Map.of(unit + "1", 258L, unit + "2", 311L));
        assertEquals("apc-cpdu", c.powerFrom());
        assertEquals(258 + 311, c.powerWatts(), 1e-9);
    }
}
