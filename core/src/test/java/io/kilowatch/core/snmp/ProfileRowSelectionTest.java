package io.kilowatch.core.snmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which table rows a profile metric reads (filters that drop only on what the device says, preferred rows) and
 * which readings count as a device's draw.
 */
class ProfileRowSelectionTest {
    private static final String SENSOR = "1.3.6.1.2.1.99.1.1.1.";
    private static final String DESCR = "1.3.6.1.2.1.47.1.1.1.1.2.";
    /** POWER-ETHERNET-MIB pethMainPseConsumptionPower and pethMainPsePower, by PSE group. */
    private static final String POE_CONSUMPTION = "1.3.6.1.2.1.105.1.3.1.1.4.";
    private static final String POE_BUDGET = "1.3.6.1.2.1.105.1.3.1.1.2.";

    /** Shaped like the shipped entity-sensor profile. */
    private static final SnmpProfile SENSORS = ProfileParser.parse("""
            name: sensors
            metrics:
              - name: w
                oid: 1.3.6.1.2.1.99.1.1.1
                kind: entity_sensor_watts
                unit: watts
                role: power_watts
                filters:
                  - column: 1.3.6.1.2.1.99.1.1.1.5
                    in: [1]
                  - column: 1.3.6.1.2.1.47.1.1.1.1.2
                    not_matching: '(?i)\\btx\\b|\\brx\\b'
                  - column: 1.3.6.1.2.1.47.1.1.1.1.2
                    prefer_matching: '(?i)\\binput\\b'
            """, "sensors.yaml");

    /** A watt sensor of {@code watts} whole watts, with its description and, when not null, its oper status. */
    private static void sensor(Map<String, Object> values, int index, long watts, String descr, Integer status) {
        values.put(SENSOR + "1." + index, 6);
        values.put(SENSOR + "2." + index, 9);
        values.put(SENSOR + "3." + index, 0);
        values.put(SENSOR + "4." + index, watts);
        if (status != null) {
            values.put(SENSOR + "5." + index, status);
        }
        values.put(DESCR + index, descr);
    }

    private static Double watts(Map<String, Object> values) {
        return ProfileReading.evaluate(SENSORS.metrics(), values).powerWatts();
    }

    @Test
    void aSupplyMeteredAtItsInputAndOutputCountsAtItsInputOnly() {
        Map<String, Object> values = new HashMap<>();
        sensor(values, 11, 152, "PowerSupply1 Input power sensor", 1);
        sensor(values, 12, 131, "PowerSupply1 Output power sensor", 1);
        sensor(values, 21, 148, "PowerSupply2 Input power sensor", 1);
        sensor(values, 22, 127, "PowerSupply2 Output power sensor", 1);
        assertEquals(300.0, watts(values), 1e-9, "152 + 148 W in, never the 258 W out on top");
        List<String> read = ProfileReading.evaluate(SENSORS.metrics(), values).samples().stream().map(ProfileReading.Sample::index).toList();
        assertEquals(List.of("11", "21"), read, "only the input rows are published as the metric too");
    }

    @Test
    void suppliesMeteredOnlyAtTheirOutputStillCount() {
        Map<String, Object> values = new HashMap<>();
        sensor(values, 11, 131, "PowerSupply1 Output power sensor", 1);
        sensor(values, 21, 127, "Power For Power Supply 2", 1);
        assertEquals(258.0, watts(values), 1e-9);
    }

    @Test
    void inAStackEachSupplyIsSettledOnItsOwnWithinItsParentEntity() {
        SnmpProfile perSupply = ProfileParser.parse("""
                name: per-supply
                metrics:
                  - name: w
                    oid: 1.3.6.1.2.1.99.1.1.1
                    kind: entity_sensor_watts
                    role: power_watts
                    filters:
                      - column: 1.3.6.1.2.1.47.1.1.1.1.2
                        prefer_matching: '(?i)\\binput\\b'
                        prefer_within: 1.3.6.1.2.1.47.1.1.1.1.4
                """, "per-supply.yaml");
        String containedIn = "1.3.6.1.2.1.47.1.1.1.1.4.";
        Map<String, Object> values = new HashMap<>();
        // member 1's supply (entity 1000) metered at both ends, member 2's (entity 2000) only at its output
        sensor(values, 1001, 152, "Switch 1 Power Supply A Input Power", 1);
        sensor(values, 1002, 131, "Switch 1 Power Supply A Output Power", 1);
        sensor(values, 2002, 127, "Switch 2 Power Supply A Output Power", 1);
        values.put(containedIn + "1001", 1000);
        values.put(containedIn + "1002", 1000);
        values.put(containedIn + "2002", 2000);
        assertEquals(152.0 + 127, ProfileReading.evaluate(perSupply.metrics(), values).powerWatts(), 1e-9,
                "member 1 at its input, member 2 at the only figure it has");
        assertEquals(152.0, watts(values), 1e-9, "settled over the whole table, member 2 is lost");
        List.of("1001", "1002", "2002").forEach(index -> values.remove(containedIn + index));
        assertEquals(152.0, ProfileReading.evaluate(perSupply.metrics(), values).powerWatts(), 1e-9,
                "an agent that gives no parents: one group, as without prefer_within");
        assertTrue(perSupply.metrics().get(0).helperColumns().contains("1.3.6.1.2.1.47.1.1.1.1.4"), "the poller walks the grouping column");
        assertEquals("p.yaml: metrics[0].filters[0].prefer_within groups the rows prefer_matching chooses among; add prefer_matching",
                rejected("column: 1.3.6.1.4.1.99.2, not_in: [0], prefer_within: 1.3.6.1.2.1.47.1.1.1.1.4"));
    }

    @Test
    void aFailedSensorIsLeftOutButOneWithNoStatusAtAllIsRead() {
        Map<String, Object> values = new HashMap<>();
        sensor(values, 11, 150, "PS1 power", 1);
        sensor(values, 21, 90, "PS2 power", 3);
        assertEquals(150.0, watts(values), 1e-9, "nonoperational(3) is not a reading");
        Map<String, Object> noStatus = new HashMap<>();
        sensor(noStatus, 11, 150, "PS1 power", null);
        sensor(noStatus, 21, 90, "PS2 power", null);
        assertEquals(240.0, watts(noStatus), 1e-9, "an agent (or a recording) without the status column still reports its sensors");
    }

    @Test
    void opticalPowerIsNeverPreferredOrRead() {
        Map<String, Object> values = new HashMap<>();
        sensor(values, 100301212, 1, "DOM TX Power Sensor for Ethernet1", 1);
        sensor(values, 100301213, 2, "DOM RX Power Sensor for Ethernet1", 1);
        assertNull(watts(values), "a switch whose only watt sensors are optics has no measured power");
    }

    @Test
    void milliwattsOfOpticsWithNoDescriptionAreNoDrawAndLeaveThePoeSwitchOnItsModel() {
        Map<String, Object> values = new HashMap<>();
        // Arista DOM power: watts(6), milli(8), four decimals; a recording without entPhysicalDescr cannot name them optics
        for (int port = 1; port <= 30; port++) {
            int index = 100300212 + port * 1000;
            values.put(SENSOR + "1." + index, 6);
            values.put(SENSOR + "2." + index, 8);
            values.put(SENSOR + "3." + index, 4);
            values.put(SENSOR + "4." + index, 2471);
            values.put(SENSOR + "5." + index, 1);
        }
        ProfileReading optics = ProfileReading.evaluate(SENSORS.metrics(), values);
        assertEquals(30 * 0.0002471, optics.powerWatts(), 1e-12, "the profile reads what the rows say");
        ProfileReading poe = new ProfileReading(null, 115.0, null, null, Map.of(), List.of());
        Map<String, ProfileReading> parts = new java.util.LinkedHashMap<>();
        parts.put("sensors", optics);
        parts.put("poe-switch", poe);
        ComposedReading c = ComposedReading.compose(parts);
        assertNull(c.powerFrom(), "7 mW is not what a switch draws: nothing measured its draw");
        assertNull(c.powerWatts());
        assertEquals(115.0, c.addedWatts(), 1e-9, "so the PoE it delivers goes on top of its model");
        parts.put("sensors", new ProfileReading(ComposedReading.MIN_DRAWN_WATTS, null, null, null, Map.of(), List.of()));
        parts.remove("poe-switch");
        assertEquals("sensors", ComposedReading.compose(parts).powerFrom(), "1 W and more is a measurement");
    }

    @Test
    void aMeasurementBelowThePoeTheSwitchDeliversSawOnlyPartOfIt() {
        Map<String, ProfileReading> parts = new java.util.LinkedHashMap<>();
        parts.put("psu", new ProfileReading(90.0, null, null, null, Map.of(), List.of()));
        parts.put("sensors", new ProfileReading(260.0, null, null, null, Map.of(), List.of()));
        parts.put("poe-switch", new ProfileReading(null, 115.0, null, null, Map.of(), List.of()));
        ComposedReading c = ComposedReading.compose(parts);
        assertEquals("sensors", c.powerFrom(), "90 W cannot feed 115 W of PoE: the next measurement that can counts");
        assertEquals(260.0, c.powerWatts(), 1e-9);
        assertNull(c.addedWatts(), "PoE is inside the measured draw, never on top of it");
        parts.remove("sensors");
        ComposedReading partial = ComposedReading.compose(parts);
        assertNull(partial.powerFrom(), "no whole measurement: the model plus what it delivers");
        assertEquals(115.0, partial.addedWatts(), 1e-9);
    }

    @Test
    void poeDeliveredAboveItsGroupsBudgetIsNoReading() {
        SnmpProfile poe = poeAgainstBudget("");
        ProfileReading r = ProfileReading.evaluate(poe.metrics(), Map.of(
                POE_CONSUMPTION + "1", 115, POE_BUDGET + "1", 370,
                POE_CONSUMPTION + "2", 12500, POE_BUDGET + "2", 370,   // milliwatts where watts belong
                POE_CONSUMPTION + "3", 370, POE_BUDGET + "3", 370,     // a group at its budget
                POE_CONSUMPTION + "4", 40));                       // no budget given: nothing to test
        assertEquals(115.0 + 370 + 40, r.addedWatts(), 1e-9);
        assertEquals("p.yaml: metrics[0].filters[0].at_least_row_value tests another column of the row; name the column",
                rejected("index_last_arc: true, at_least_row_value: true"));
    }

    @Test
    void poeDeliveredAboveItsBudgetIsReadInMilliwattsWhereTheProfileSaysSo() {
        SnmpProfile poe = poeAgainstBudget("thousandths_above: true");
        ProfileReading r = ProfileReading.evaluate(poe.metrics(), Map.of(
                POE_CONSUMPTION + "1", 3800, POE_BUDGET + "1", 190,        // Netgear GS324TP: milliwatts, 3.8 W of 190 W
                POE_CONSUMPTION + "2", 115, POE_BUDGET + "2", 370,         // watts, as the MIB says
                POE_CONSUMPTION + "3", 4_000_000, POE_BUDGET + "3", 370)); // 4 kW even as milliwatts: garbage
        assertEquals(3.8 + 115, r.addedWatts(), 1e-9);
        ProfileException alone = assertThrows(ProfileException.class, () -> ProfileParser.parse("""
                name: p
                metrics:
                  - name: w
                    oid: 1.3.6.1.4.1.99.1
                    table: true
                    filters:
                      - column: 1.3.6.1.4.1.99.2
                        thousandths_above: true
                """, "p.yaml"));
        assertTrue(alone.getMessage().contains("metrics[0].filters[0].thousandths_above reads rows above at_least_row_value's column"), alone.getMessage());
    }

    @Test
    void preferMatchingNeedsAColumnAndAPattern() {
        assertEquals("p.yaml: metrics[0].filters[0].prefer_matching tests another column of the row; name the column",
                rejected("index_last_arc: true, prefer_matching: input"));
        assertTrue(rejected("column: 1.3.6.1.4.1.99.2, prefer_matching: '(input'")
                .startsWith("p.yaml: metrics[0].filters[0].prefer_matching is not a regular expression"));
    }

    @Test
    void aFilterOnTheMetricsOwnValueIsAnAbsentValue() {
        // one way to say "this value means none": absent_values, which filters on the row's own value cannot shadow
        assertEquals("p.yaml: metrics[0].filters[0] tests the metric's own value; list the values that mean none (0, -1) in absent_values",
                rejected("column: 1.3.6.1.4.1.99.1, not_in: [0]"));
    }

    @Test
    void absentValuesApplyToRawValuesAndMetricNamesAreUniqueInAProfile() {
        ProfileException entity = assertThrows(ProfileException.class, () -> ProfileParser.parse("""
                name: p
                metrics:
                  - {name: w, oid: 1.3.6.1.2.1.99.1.1.1, kind: entity_sensor_watts, absent_values: [0]}
                """, "p.yaml"));
        assertEquals("p.yaml: metrics[0].absent_values apply to raw values (kind: value), not to kind: entity_sensor_watts; filter on a column instead",
                entity.getMessage());
        ProfileException twice = assertThrows(ProfileException.class, () -> ProfileParser.parse("""
                name: p
                metrics:
                  - {name: w, oid: 1.3.6.1.4.1.99.1, table: true, role: power_watts}
                  - {name: w, oid: 1.3.6.1.4.1.99.2, table: true, role: power_watts}
                """, "p.yaml"));
        assertEquals("p.yaml: metrics[1].name 'w' is already used by another metric of this profile", twice.getMessage());
    }

    @Test
    void outletsSummedAreHeldToTheSameFloorAsAnyMeasuredDraw() {
        Map<String, ProfileReading> parts = new java.util.LinkedHashMap<>();
        // a PDU whose inlet meter idles at 0.4 W and whose outlets say 230 W: the outlets are its draw, not the 0.4 W
        parts.put("pdu", new ProfileReading(0.4, null, 12.0, null, Map.of(), List.of(), 230.0));
        ComposedReading c = ComposedReading.compose(parts);
        assertEquals("pdu", c.powerFrom());
        assertEquals(230.0, c.powerWatts(), 1e-9);
        // every outlet at 0 W: nothing measured the draw, so the class model, never 0 W
        parts.put("pdu", new ProfileReading(null, null, null, null, Map.of(), List.of(), 0.0));
        ComposedReading none = ComposedReading.compose(parts);
        assertNull(none.powerFrom());
        assertNull(none.powerWatts());
    }

    /** The message a profile with one table metric and this one filter (YAML flow mapping) is rejected with. */
    private static String rejected(String filter) {
        String yaml = "name: p\nmetrics:\n  - name: w\n    oid: 1.3.6.1.4.1.99.1\n    table: true\n    filters:\n      - {" + filter + "}\n";
        return assertThrows(ProfileException.class, () -> ProfileParser.parse(yaml, "p.yaml")).getMessage();
    }

    /** POWER-ETHERNET-MIB consumption, each group's held to its budget (pethMainPsePower), with one more filter key. */
    private static SnmpProfile poeAgainstBudget(String extraFilterKey) {
        return ProfileParser.parse("""
                name: poe
                metrics:
                  - name: poe_consumption_watts
                    oid: 1.3.6.1.2.1.105.1.3.1.1.4
                    table: true
                    role: power_watts_added
                    filters:
                      - column: 1.3.6.1.2.1.105.1.3.1.1.2
                        at_least_row_value: true
                """ + (extraFilterKey.isEmpty() ? "" : "        " + extraFilterKey + "\n"), "poe.yaml");
    }
}
