package io.kilowatch.core.snmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReconciliationTest {
    @Test
    void thePduReportsWhatItsFedDevicesDoNotAccountFor() {
        // A PDU measures 870 W and feeds two servers modelled at 300 and 420 W: it reports 150 W of its
        // own, so the site's sum is 150 + 300 + 420 = 870 W, the measurement, not 870 + 720 = 1590 W.
        double remainder = Reconciliation.remainderWatts(870, List.of(300.0, 420.0));
        assertEquals(150, remainder, 1e-9);
        assertEquals(870, remainder + 300 + 420, 1e-9);
    }

    @Test
    void modelsAboveTheMeasurementLeaveNothingNegative() {
        assertEquals(0, Reconciliation.remainderWatts(500, List.of(300.0, 420.0)), 0);
        assertEquals(0, Reconciliation.remainderJoules(1_000, 1_500), 0);
        assertEquals(870 * 60 - 720 * 60, Reconciliation.remainderJoules(870 * 60, 720 * 60), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> Reconciliation.remainderJoules(-1, 0));
    }
}
