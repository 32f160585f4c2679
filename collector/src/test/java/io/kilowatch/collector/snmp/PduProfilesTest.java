package io.kilowatch.collector.snmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.kilowatch.core.snmp.ComposedReading;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The shipped rack-PDU profiles on walks shaped as the MIBs define them, for the families the corpus has no
 * metered recording of (EATON-EPDU-MIB G3, Sentry3 with infeedPower). The unit 0 figures are those of a walk of an
 * Eaton EMAT08-10 published with the MIB's column map (inputWatts 716 W, inputTotalWh 9787062 Wh, outletWatts 51 W);
 * unit 1 is a second PDU daisy-chained to it.
 */
class PduProfilesTest {
    static final String EPDU = "1.3.6.1.4.1.534.6.6.7.";

    @Test
    void anEatonDaisyChainReadsEachUnitsInputTotalsAndItsPhasesOnlyWhereTotalsAreMissing() {
        Map<String, Object> walk = new LinkedHashMap<>();
        // inputPowerTable, unit.input.phase: unit 0 single phase; unit 1 three phases and a total row (type 4)
        walk.put(EPDU + "3.4.1.2.0.1.1", 1L);
        walk.put(EPDU + "3.4.1.4.0.1.1", 716L);
        walk.put(EPDU + "3.4.1.5.0.1.1", 19891138L);
        for (int phase = 1; phase <= 3; phase++) {
            walk.put(EPDU + "3.4.1.2.1.1." + phase, (long) phase);
            walk.put(EPDU + "3.4.1.4.1.1." + phase, 100L * phase);
            walk.put(EPDU + "3.4.1.5.1.1." + phase, 1000L);
        }
        walk.put(EPDU + "3.4.1.2.1.1.4", 4L);
        walk.put(EPDU + "3.4.1.4.1.1.4", 600L);
        walk.put(EPDU + "3.4.1.5.1.1.4", 3000L);
        // outletWatts, unit.outlet; -1 is "not available"
        walk.put(EPDU + "6.5.1.3.0.1", 51L);
        walk.put(EPDU + "6.5.1.3.0.2", -1L);
        walk.put(EPDU + "6.5.1.3.1.1", 80L);

        ComposedReading phases = ShippedProfiles.read(walk, "eaton-epdu", "eaton-epdu-phases");
        assertEquals("eaton-epdu-phases", phases.powerFrom(), "no input totals: the phases, not the outlets summed");
        assertEquals(716 + 100 + 200 + 300, phases.powerWatts(), 1e-9, "the total row is left out");
        assertEquals((19891138 + 3000) / 1000.0, phases.energyKwhTotal(), 1e-9);

        // inputTotalPowerTable, unit.input
        walk.put(EPDU + "3.5.1.4.0.1", 716L);
        walk.put(EPDU + "3.5.1.5.0.1", 9787062L);
        walk.put(EPDU + "3.5.1.4.1.1", 600L);
        walk.put(EPDU + "3.5.1.5.1.1", 5000L);
        ComposedReading totals = ShippedProfiles.read(walk, "eaton-epdu", "eaton-epdu-phases");
        assertEquals("eaton-epdu", totals.powerFrom());
        assertEquals(1316.0, totals.powerWatts(), 1e-9);
        assertEquals("eaton-epdu", ShippedProfiles.poll("1.3.6.1.4.1.534.6.6.7", walk).powerFrom(), "the same when matched by what the chain answers");
        assertEquals((9787062 + 5000) / 1000.0, totals.energyKwhTotal(), 1e-9);
        assertEquals(List.of("0.1 51.0", "1.1 80.0"), ShippedProfiles.samples(totals, "epdu_outlet_power_watts"));
    }

    @Test
    void aPduWithOutletMeteringAloneDrawsItsOutletsAndASentry3WithoutPowerItsModel() {
        // older Eaton ePDU (Eaton PDU-MIB outletActivePower, by outlet): no inlet figure at all
        String outlet = "1.3.6.1.4.1.534.6.6.6.1.2.2.1.7.";
        ComposedReading eaton = ShippedProfiles.read(Map.of(outlet + "1", 120L, outlet + "2", 0L, outlet + "3", 35L), "eaton-pdu-mib");
        assertEquals("eaton-pdu-mib", eaton.powerFrom());
        assertEquals(155.0, eaton.powerWatts(), 1e-9);
        // Sentry3 infeedPower, tower.infeed: -1 on a CDU that meters current alone
        String infeed = "1.3.6.1.4.1.1718.3.2.2.1.";
        ComposedReading metered = ShippedProfiles.read(Map.of(infeed + "12.1.1", 756L, infeed + "12.2.1", 1034L), "sentry3");
        assertEquals(1790.0, metered.powerWatts(), 1e-9);
        ComposedReading unmetered = ShippedProfiles.read(Map.of(infeed + "12.1.1", -1L, infeed + "7.1.1", 362L), "sentry3");
        assertNull(unmetered.powerFrom(), "never amperes as watts");
        assertEquals(1, unmetered.samples().size(), unmetered.samples().toString());
        assertEquals(3.62, unmetered.samples().get(0).value(), 1e-9, "infeedLoadValue, hundredths of A");
    }
}
