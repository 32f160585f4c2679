package io.kilowatch.core.snmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProfileParserTest {
    static final String PDU = """
            name: pdu
            match:
              sys_object_id_prefixes: [.1.3.6.1.4.1.318.1.3.4]
            include: [base]
            metrics:
              - name: pdu_power_watts
                oid: .1.3.6.1.4.1.318.1.1.26.4.3.1.5
                table: true
                scale: 10
                unit: watts
                role: power_watts
              - name: pdu_energy_kwh
                oid: 1.3.6.1.4.1.318.1.1.26.4.3.1.9
                table: true
                scale: 0.1
                role: energy_kwh_total
            """;
    static final String BASE = """
            name: base
            match: {fallback: true}
            metrics:
              - {name: cpu_percent, oid: 1.3.6.1.2.1.25.3.3.1.2, table: true, role: cpu_load_percent}
            """;

    @Test
    void parsesAProfileWithNormalisedOids() {
        SnmpProfile p = ProfileParser.parse(PDU, "pdu.yaml");
        assertEquals("pdu", p.name());
        assertEquals(List.of("1.3.6.1.4.1.318.1.3.4"), p.sysObjectIdPrefixes());
        assertEquals("1.3.6.1.4.1.318.1.1.26.4.3.1.5", p.metrics().get(0).oid());
        assertEquals(10.0, p.metrics().get(0).scale());
        assertEquals(ProfileMetric.Role.ENERGY_KWH_TOTAL, p.metrics().get(1).role());
    }

    @Test
    void aMalformedProfileNamesFileAndField() {
        assertMessage("bad.yaml: metrics[0].oid must be a numeric OID such as 1.3.6.1.2.1.1.3.0, got 'sysUpTime'",
                "name: x\nmetrics:\n  - {name: up, oid: sysUpTime}\n");
        assertMessage("bad.yaml: metrics[1].scale must be a non-zero number, got 'ten'",
                "name: x\nmetrics:\n  - {name: a, oid: 1.3.6}\n  - {name: b, oid: 1.3.6, scale: ten}\n");
        assertMessage("bad.yaml: metrics[0].role must be one of none, power_watts, power_watts_added, energy_kwh_total, outlet_power_watts, "
                + "cpu_load_percent, interface_oper_status, interface_name, got 'watts'", "name: x\nmetrics:\n  - {name: a, oid: 1.3.6, role: watts}\n");
        assertMessage("bad.yaml: metrics[0].tabel is not a known field; use absent_values, decimal_digits, filters, help, kind, name, oid, role, scale, table, unit",
                "name: x\nmetrics:\n  - {name: a, oid: 1.3.6, tabel: true}\n");
        assertMessage("bad.yaml: metrics[0].name 'poll_success' is taken by the collector's own metrics",
                "name: x\nmetrics:\n  - {name: poll_success, oid: 1.3.6}\n");
        assertMessage("bad.yaml: name is required", "metrics:\n  - {name: a, oid: 1.3.6}\n");
        assertMessage("bad.yaml: metrics must list at least one metric (or include another profile)", "name: x\n");
        assertTrue(assertThrows(ProfileException.class, () -> ProfileParser.parse("name: [", "bad.yaml")).getMessage()
                .startsWith("bad.yaml: not valid YAML"));
    }

    private static void assertMessage(String expected, String yaml) {
        assertEquals(expected, assertThrows(ProfileException.class, () -> ProfileParser.parse(yaml, "bad.yaml")).getMessage());
    }

    @Test
    void appliesTheFallbackMatchingPrefixesAndAnsweredProbesRankedByPower() {
        SnmpProfile base = ProfileParser.parse(BASE, "base.yaml");
        SnmpProfile pdu = ProfileParser.parse(PDU.replace("include: [base]", "power_rank: 5\ninclude: [base]"), "pdu.yaml");
        SnmpProfile apc = ProfileParser.parse("name: apc\nmatch: {sys_object_id_prefixes: [1.3.6.1.4.1.318]}\ninclude: [base]\n", "apc.yaml");
        SnmpProfile ups = ProfileParser.parse("name: ups\nmatch: {probe: [1.3.6.1.2.1.33.1.4.4.1.4]}\ninclude: [base]\n", "ups.yaml");
        ProfileSet set = new ProfileSet(List.of(base, pdu, apc, ups), List.of());
        assertEquals(List.of("pdu", "apc", "base"), names(set.applicable(".1.3.6.1.4.1.318.1.3.4.5", java.util.Set.of())));
        assertEquals(List.of("apc", "base"), names(set.applicable("1.3.6.1.4.1.318.1.3.27", java.util.Set.of())));
        assertEquals(List.of("base"), names(set.applicable("1.3.6.1.4.1.3181", java.util.Set.of())), "prefixes match whole arcs");
        assertEquals(List.of("base", "ups"), names(set.applicable(null, java.util.Set.of("1.3.6.1.2.1.33.1.4.4.1.4"))),
                "a UPS of any vendor that answers UPS-MIB is read with it");
        assertEquals(List.of("1.3.6.1.2.1.33.1.4.4.1.4"), set.probes());
        assertEquals(List.of("pdu_power_watts", "pdu_energy_kwh", "cpu_percent"),
                set.metrics("pdu").stream().map(ProfileMetric::name).toList());
    }

    private static List<String> names(List<SnmpProfile> profiles) {
        return profiles.stream().map(SnmpProfile::name).toList();
    }

    @Test
    void aUserProfileReplacesAShippedOneAndBrokenSetsFail() {
        SnmpProfile base = ProfileParser.parse(BASE, "base.yaml");
        SnmpProfile mine = ProfileParser.parse(BASE.replace("cpu_percent", "cpu_load"), "/etc/kw/base.yaml");
        assertEquals("cpu_load", new ProfileSet(List.of(base), List.of(mine)).metrics("base").get(0).name());
        SnmpProfile pdu = ProfileParser.parse(PDU, "pdu.yaml");
        assertEquals("pdu.yaml: include names profile 'base', which does not exist; known: pdu",
                assertThrows(ProfileException.class, () -> new ProfileSet(List.of(new SnmpProfile("pdu", "pdu.yaml", null, List.of(), List.of(), true, 0, pdu.includes(), pdu.metrics())), List.of())).getMessage());
        SnmpProfile loop = ProfileParser.parse("name: base\nmatch: {fallback: true}\ninclude: [pdu]\n", "loop.yaml");
        assertTrue(assertThrows(ProfileException.class, () -> new ProfileSet(List.of(loop, pdu), List.of())).getMessage()
                .contains("include makes a cycle: base -> pdu -> base"));
        assertTrue(assertThrows(ProfileException.class, () -> new ProfileSet(List.of(pdu), List.of())).getMessage()
                .startsWith("exactly one profile must have match.fallback: true"));
        SnmpProfile scalar = ProfileParser.parse("name: ups\nmetrics:\n  - {name: pdu_power_watts, oid: 1.3.6.1.4.1.318.1.1.12.1.16.0}\n", "ups.yaml");
        assertEquals("ups.yaml: metric 'pdu_power_watts' is a scalar here but not in pdu.yaml; give one of them another name",
                assertThrows(ProfileException.class, () -> new ProfileSet(List.of(base, pdu, scalar), List.of())).getMessage(),
                "composed profiles publish one series shape per metric name");
    }

    @Test
    void readingsScaleSumAndAverage() {
        SnmpProfile base = ProfileParser.parse(BASE, "base.yaml");
        SnmpProfile pdu = ProfileParser.parse(PDU, "pdu.yaml");
        ProfileSet set = new ProfileSet(List.of(base, pdu), List.of());
        ProfileReading r = ProfileReading.evaluate(set.metrics("pdu"), Map.of(
                "1.3.6.1.4.1.318.1.1.26.4.3.1.5.1", 87, // 0.87 kW
                "1.3.6.1.4.1.318.1.1.26.4.3.1.9.1", 123456L, // 12345.6 kWh
                "1.3.6.1.2.1.25.3.3.1.2.196608", 10,
                "1.3.6.1.2.1.25.3.3.1.2.196609", 30,
                "1.3.6.1.2.1.25.3.3.1.2.196610", "not a number"));
        assertEquals(870.0, r.powerWatts(), 1e-9);
        assertEquals(12345.6, r.energyKwhTotal(), 1e-6);
        assertEquals(0.2, r.cpuRatio(), 1e-12);
        assertEquals(null, r.addedWatts());
        ProfileReading none = ProfileReading.evaluate(set.metrics("pdu"), Map.of());
        assertEquals(null, none.powerWatts());
        assertEquals(null, none.cpuRatio(), "no hrProcessorLoad yet (snmpd's first minute) gives no CPU figure, not zero");
    }

    @Test
    void entitySensorsKeepWattRowsAndApplyScaleAndPrecision() {
        ProfileMetric sensors = new ProfileMetric("w", "1.3.6.1.2.1.99.1.1.1", true, 1, "watts", ProfileMetric.Role.POWER_WATTS,
                ProfileMetric.Kind.ENTITY_SENSOR_WATTS, null, null, List.of(), java.util.Set.of());
        String e = "1.3.6.1.2.1.99.1.1.1.";
        ProfileReading r = ProfileReading.evaluate(List.of(sensors), Map.ofEntries(
                // a 123.4 W sensor: units, one decimal
                Map.entry(e + "1.1", 6), Map.entry(e + "2.1", 9), Map.entry(e + "3.1", 1), Map.entry(e + "4.1", 1234),
                // 2500 mW
                Map.entry(e + "1.2", 6), Map.entry(e + "2.2", 8), Map.entry(e + "3.2", 0), Map.entry(e + "4.2", 2500),
                // a temperature sensor (type 8) is not power
                Map.entry(e + "1.3", 8), Map.entry(e + "2.3", 9), Map.entry(e + "3.3", 0), Map.entry(e + "4.3", 40)));
        assertEquals(125.9, r.powerWatts(), 1e-9);
        assertEquals(1.5e3, EntitySensor.watts(10, 3, 1500), 1e-9, "1.500 kW");
    }

    @Test
    void printerRowsAreKeptByAnotherColumnsTextAndFlagsReadAsPowersOfTwo() {
        SnmpProfile printer = ProfileParser.parse("""
                name: printer
                metrics:
                  - name: printer_device_status
                    oid: 1.3.6.1.2.1.25.3.2.1.5
                    table: true
                    filters: [{column: 1.3.6.1.2.1.25.3.2.1.2, matching: '^1\\.3\\.6\\.1\\.2\\.1\\.25\\.3\\.1\\.5$'}]
                  - name: printer_detected_errors
                    oid: 1.3.6.1.2.1.25.3.5.1.2
                    table: true
                    kind: bits
                """, "p.yaml");
        String status = "1.3.6.1.2.1.25.3.2.1.5.";
        String type = "1.3.6.1.2.1.25.3.2.1.2.";
        String errors = "1.3.6.1.2.1.25.3.5.1.2.";
        ProfileReading r = ProfileReading.evaluate(printer.metrics(), Map.ofEntries(
                Map.entry(status + "1", 3L), Map.entry(type + "1", "1.3.6.1.2.1.25.3.1.5"), // the printer: warning
                Map.entry(status + "3", 2L), Map.entry(type + "3", "1.3.6.1.2.1.25.3.1.4"), // its network port
                Map.entry(status + "4", 5L), Map.entry(type + "4", "1.3.6.1.2.1.25.3.1.5.7"), // not hrDevicePrinter itself
                Map.entry(status + "5", 2L), // no type answered: a filter drops a row only on what the device says of it
                // lowToner (bit 2) as a Sharp sends it, two octets; one octet as a Brother sends it, nothing set; empty
                Map.entry(errors + "1", new Octets(new byte[] {0x20, 0x00}, "20:00")),
                Map.entry(errors + "2", new Octets(new byte[] {0x00}, "00")),
                Map.entry(errors + "3", new Octets(new byte[0], "")),
                // doorOpen (4) and overduePreventMaint (14), the second octet's sixth bit
                Map.entry(errors + "4", new Octets(new byte[] {0x08, 0x02}, "08:02")),
                Map.entry(errors + "5", "lowToner"))); // not an octet string as sent: no flags
        assertEquals(List.of("printer_device_status 1 3.0", "printer_device_status 5 2.0", "printer_detected_errors 1 4.0", "printer_detected_errors 2 0.0",
                        "printer_detected_errors 3 0.0", "printer_detected_errors 4 16400.0"),
                r.samples().stream().map(s -> s.metric() + " " + s.index() + " " + s.value()).toList());
        assertEquals(null, new Octets(new byte[7], "").flags(), "more flags than a figure carries exactly");
        assertEquals((1L << 47) + 1, new Octets(new byte[] {(byte) 0x80, 0, 0, 0, 0, 1}, "").flags());
        assertMessage("bad.yaml: metrics[0].filters[0].matching is not a regular expression: Unclosed group",
                "name: x\nmetrics:\n  - {name: a, oid: 1.3.6, table: true, filters: [{column: 1.3.7, matching: '(a'}]}\n");
        assertMessage("bad.yaml: metrics[0].kind must be one of value, entity_sensor_watts, bits, got 'flags'",
                "name: x\nmetrics:\n  - {name: a, oid: 1.3.6, table: true, kind: flags}\n");
    }

    @Test
    void interfacesAreNamedAndOrderedNumerically() {
        ProfileMetric status = new ProfileMetric("s", "1.3.6.1.2.1.2.2.1.8", true, 1, "", ProfileMetric.Role.INTERFACE_OPER_STATUS,
                ProfileMetric.Kind.VALUE, null, null, List.of(), java.util.Set.of());
        ProfileMetric names = new ProfileMetric("n", "1.3.6.1.2.1.31.1.1.1.1", true, 1, "", ProfileMetric.Role.INTERFACE_NAME,
                ProfileMetric.Kind.VALUE, null, null, List.of(), java.util.Set.of());
        ProfileReading r = ProfileReading.evaluate(List.of(status, names), Map.of(
                "1.3.6.1.2.1.2.2.1.8.10", 2, "1.3.6.1.2.1.2.2.1.8.9", 1, "1.3.6.1.2.1.31.1.1.1.1.9", "eth0"));
        assertEquals(List.of(Map.entry("eth0", true), Map.entry("10", false)), List.copyOf(r.interfaceUp().entrySet()));
    }

    @Test
    void realMibsScaleFromAColumnFilterRowsAndLeaveOutSentinels() {
        SnmpProfile raritan = ProfileParser.parse("""
                name: raritan
                metrics:
                  - name: inlet_power_watts
                    oid: 1.3.6.1.4.1.13742.6.5.2.3.1.4
                    table: true
                    role: power_watts
                    decimal_digits: 1.3.6.1.4.1.13742.6.3.3.4.1.7
                    filters: [{index_last_arc: true, in: [5]}]
                  - name: outlet_power_watts
                    oid: 1.3.6.1.4.1.318.1.1.26.9.4.3.1.7
                    table: true
                    scale: 10
                    absent_values: [-1]
                    filters: [{column: 1.3.6.1.2.1.47.1.1.1.1.2, not_matching: '(?i)transceiver'}]
                """, "r.yaml");
        String v = "1.3.6.1.4.1.13742.6.5.2.3.1.4.1.1.";
        String d = "1.3.6.1.4.1.13742.6.3.3.4.1.7.1.1.";
        String o = "1.3.6.1.4.1.318.1.1.26.9.4.3.1.7.";
        String descr = "1.3.6.1.2.1.47.1.1.1.1.2.";
        ProfileReading r = ProfileReading.evaluate(raritan.metrics(), Map.ofEntries(
                Map.entry(v + "1", 3497L), Map.entry(d + "1", 3L), // current, milliamps: not power
                Map.entry(v + "5", 6731L), Map.entry(d + "5", 1L), // 673.1 W
                Map.entry(o + "1", 12L), Map.entry(descr + "1", "Outlet 1"),
                Map.entry(o + "2", -1L), Map.entry(descr + "2", "Outlet 2"), // "not supported"
                Map.entry(o + "3", 40L), Map.entry(descr + "3", "SFP transceiver 3")));
        assertEquals(673.1, r.powerWatts(), 1e-9);
        assertEquals(List.of("inlet_power_watts 1.1.5 673.1", "outlet_power_watts 1 120.0"),
                r.samples().stream().map(s -> s.metric() + " " + s.index() + " " + Math.round(s.value() * 10) / 10.0).toList());
        // a physical figure below zero is never a reading, even without a documented sentinel
        ProfileMetric power = raritan.metrics().get(0);
        assertEquals(null, ProfileReading.evaluate(List.of(power), Map.of(v + "5", -10L, d + "5", 0L)).powerWatts());
        // only power and energy are physical: a signed figure of another role (a sensor's -5 degrees C) is a reading
        ProfileMetric temperature = new ProfileMetric("outdoor_temperature_celsius", "1.3.6.1.4.1.99.1", true, 1, "celsius",
                ProfileMetric.Role.NONE, ProfileMetric.Kind.VALUE, null, null, List.of(), java.util.Set.of());
        assertEquals(List.of(-5.0), ProfileReading.evaluate(List.of(temperature), Map.of("1.3.6.1.4.1.99.1.1", -5L)).samples().stream()
                .map(ProfileReading.Sample::value).toList());
        assertMessage("bad.yaml: metrics[0].filters[0] must test either a column or index_last_arc: true",
                "name: x\nmetrics:\n  - {name: a, oid: 1.3.6, table: true, filters: [{in: [5]}]}\n");
        assertMessage("bad.yaml: metrics[0]: decimal_digits and filters apply to table rows; set table: true",
                "name: x\nmetrics:\n  - {name: a, oid: 1.3.6, decimal_digits: 1.3.7}\n");
    }

    @Test
    void composedPowerComesFromTheHighestRankedMeasurementAndPoeOnlyOnTheModel() {
        ProfileReading entity = new ProfileReading(55.0, null, null, null, Map.of(), List.of());
        ProfileReading psu = new ProfileReading(104.0, null, null, null, Map.of(), List.of());
        ProfileReading poe = new ProfileReading(null, 85.0, null, null, Map.of(), List.of());
        ProfileReading host = new ProfileReading(null, null, null, 0.25, Map.of("eth0", true), List.of());
        Map<String, ProfileReading> parts = new java.util.LinkedHashMap<>();
        parts.put("aruba-psu", psu);
        parts.put("entity-sensor", entity);
        parts.put("poe", poe);
        parts.put("host", host);
        ComposedReading c = ComposedReading.compose(parts);
        assertEquals(104.0, c.powerWatts());
        assertEquals("aruba-psu", c.powerFrom());
        assertEquals(null, c.addedWatts(), "what a PSU draws already includes the PoE it delivers");
        assertEquals(0.25, c.cpuRatio());
        parts.remove("aruba-psu");
        parts.remove("entity-sensor");
        ComposedReading model = ComposedReading.compose(parts);
        assertEquals(null, model.powerFrom());
        assertEquals(85.0, model.addedWatts());
    }

    @Test
    void aPduMeteredOnlyByOutletDrawsItsOutletsSummedWhenNothingMeasuresItsDraw() {
        SnmpProfile outlets = ProfileParser.parse("""
                name: outlets
                metrics:
                  - name: outlet_power_watts
                    oid: 1.3.6.1.4.1.534.6.6.7.6.5.1.3
                    table: true
                    role: outlet_power_watts
                    absent_values: [-1]
                """, "o.yaml");
        String o = "1.3.6.1.4.1.534.6.6.7.6.5.1.3.";
        ProfileReading read = ProfileReading.evaluate(outlets.metrics(), Map.of(o + "0.1", 51L, o + "0.2", 120L, o + "0.3", -1L, o + "1.1", 30L));
        assertEquals(null, read.powerWatts(), "an outlet is not the PDU's inlet");
        assertEquals(201.0, read.outletsWatts(), 1e-9, "outlets of both units, less the 'not available' one");

        ProfileReading inlet = new ProfileReading(230.0, null, 17.5, null, Map.of(), List.of());
        ProfileReading poe = new ProfileReading(null, 40.0, null, null, Map.of(), List.of());
        Map<String, ProfileReading> parts = new java.util.LinkedHashMap<>();
        parts.put("outlets", read);
        parts.put("inlet", inlet);
        parts.put("poe", poe);
        ComposedReading measured = ComposedReading.compose(parts);
        assertEquals("inlet", measured.powerFrom(), "a lower-ranked measurement of the draw wins over outlets summed");
        assertEquals(230.0, measured.powerWatts());
        assertEquals(17.5, measured.energyKwhTotal());
        parts.remove("inlet");
        ComposedReading summed = ComposedReading.compose(parts);
        assertEquals("outlets", summed.powerFrom());
        assertEquals(201.0, summed.powerWatts(), 1e-9);
        assertEquals(null, summed.addedWatts(), "measured, so nothing is added to a model");
        parts.remove("outlets");
        assertEquals(null, ComposedReading.compose(parts).powerFrom());
    }

    @Test
    void outletsThatAllReadZeroAreNoMeasurementAndTheModelStands() {
        SnmpProfile outlets = ProfileParser.parse("""
                name: outlets
                metrics:
                  - name: outlet_power_watts
                    oid: 1.3.6.1.4.1.534.6.6.6.1.2.2.1.7
                    table: true
                    role: outlet_power_watts
                """, "o.yaml");
        String o = "1.3.6.1.4.1.534.6.6.6.1.2.2.1.7.";
        // Eaton ePDU DBQ (LibreNMS eatonpdu_dbq): every outletActivePower reads 0
        ProfileReading zero = ProfileReading.evaluate(outlets.metrics(), Map.of(o + "0", 0L, o + "1", 0L, o + "2", 0L));
        assertEquals(0.0, zero.outletsWatts(), 1e-9);
        Map<String, ProfileReading> parts = new java.util.LinkedHashMap<>();
        parts.put("outlets", zero);
        ComposedReading c = ComposedReading.compose(parts);
        assertEquals(null, c.powerFrom(), "0 W is no device's draw: the class model, never 0 W");
        assertEquals(null, c.powerWatts());
        parts.put("outlets", new ProfileReading(0.4, null, null, null, Map.of(), List.of(), 180.0));
        ComposedReading below = ComposedReading.compose(parts);
        assertEquals("outlets", below.powerFrom(), "a draw under a watt measured nothing: the outlets summed stand");
        assertEquals(180.0, below.powerWatts(), 1e-9);
    }

    @Test
    void anOutletIsTheIndexArcBeforeASensorType() {
        // PDU2-MIB outlet sensors are indexed pdu.outlet.sensorType and filtered on the type: outlet 11 of PDU 1
        ProfileMetric raritan = new ProfileMetric("o", "1.3.6.1.4.1.13742.6.5.4.3.1.4", true, 1, "watts", ProfileMetric.Role.OUTLET_POWER_WATTS,
                ProfileMetric.Kind.VALUE, null, null, List.of(new ProfileMetric.Filter(null, java.util.Set.of(5L), java.util.Set.of(), null, null, null, null, false, false)),
                java.util.Set.of());
        assertEquals(11L, raritan.outletNumber("1.11.5"));
        // a table indexed by the outlet alone
        ProfileMetric plain = new ProfileMetric("o", "1.3.6.1.4.1.99.2", true, 1, "watts", ProfileMetric.Role.OUTLET_POWER_WATTS,
                ProfileMetric.Kind.VALUE, null, null, List.of(), java.util.Set.of());
        assertEquals(7L, plain.outletNumber("7"));
        assertEquals(null, raritan.outletNumber("5"));
    }
}
