package io.kilowatch.core.energy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which polls of a UPS or PDU say something about the models of the devices it feeds, and what. */
class MeteredLoadTest {
    private static MeteredLoad.Device server(String id, double u) {
        return new MeteredLoad.Device(id, "server", true, false, 999, u);
    }

    @Test
    void aUpsFeedingTwoModelledServersAndOneMeasuredGivesTheModelledPart() {
        // 870 W at the UPS; srv-3 measures itself at 300 W (RAPL): the two modelled servers drew 570 W at u 0.25 + 0.5.
        MeteredLoad.Reading r = MeteredLoad.attribute(870, 3, List.of(server("srv-1", 0.25), server("srv-2", 0.5),
                new MeteredLoad.Device("srv-3", "server", true, true, 300, 0.9))).orElseThrow();
        assertEquals(new MeteredLoad.Reading("server", 2, 0.75, 570), r);
        assertEquals(new ModelCalibration.GroupSample(2, 0.75, 570), r.sample());
    }

    @Test
    void pollsWithWattsOfUnknownOriginAreNotUsed() {
        // a fed device Kilowatch does not know
        assertTrue(MeteredLoad.attribute(870, 3, List.of(server("srv-1", 0.2), server("srv-2", 0.4))).isEmpty());
        // a fed device that is down: what it drew while stopping is unknown
        assertTrue(MeteredLoad.attribute(870, 2, List.of(server("srv-1", 0.2), new MeteredLoad.Device("srv-2", "server", false, false, 0, 0)))
                .isEmpty());
        // two classes behind one total
        assertTrue(MeteredLoad.attribute(870, 2, List.of(server("srv-1", 0.2), new MeteredLoad.Device("pc", "desktop", true, false, 60, 0.1)))
                .isEmpty());
        // only measured devices: nothing modelled to learn about
        assertTrue(MeteredLoad.attribute(300, 1, List.of(new MeteredLoad.Device("srv-3", "server", true, true, 300, 0.9))).isEmpty());
        // measured devices claiming more than the meter read
        assertTrue(MeteredLoad.attribute(200, 2, List.of(server("srv-1", 0.2), new MeteredLoad.Device("srv-3", "server", true, true, 300, 0.9)))
                .isEmpty());
        assertTrue(MeteredLoad.attribute(870, 0, List.of()).isEmpty());
    }

    @Test
    void aMeterSharesWhatItReadBetweenItsModelledDevicesByTheirModelledPower() {
        // 184 W at the UPS for two desktops the model puts at 41.25 and 57.5 W (98.75 W): 184 x 41.25 / 98.75 and 184 x 57.5 / 98.75.
        var shares = MeteredLoad.shares(184, 2, List.of(new MeteredLoad.Device("pc-1", "desktop", true, false, 41.25, 0.25),
                new MeteredLoad.Device("pc-2", "desktop", true, false, 57.5, 0.5))).orElseThrow();
        assertEquals(List.of("pc-1", "pc-2"), List.copyOf(shares.keySet()));
        assertEquals(76.86075949367088, shares.get("pc-1"), 1e-9);
        assertEquals(107.13924050632912, shares.get("pc-2"), 1e-9);
        // A measured server takes its own 300 W out first; a modelled switch and a server share the 570 W left, 1:2 by their models.
        shares = MeteredLoad.shares(870, 3, List.of(new MeteredLoad.Device("sw", "switch", true, false, 50, 0.1), server("srv-1", 0.2),
                new MeteredLoad.Device("srv-3", "server", true, true, 300, 0.9))).orElseThrow();
        assertEquals(570 * 50 / 1049.0, shares.get("sw"), 1e-9);
        assertEquals(570 * 999 / 1049.0, shares.get("srv-1"), 1e-9);
        assertEquals(2, shares.size());
        // Nothing to split: a device down, or models that give no power.
        assertTrue(MeteredLoad.shares(184, 2, List.of(server("srv-1", 0.2), new MeteredLoad.Device("srv-2", "server", false, false, 0, 0))).isEmpty());
        assertTrue(MeteredLoad.shares(10, 1, List.of(new MeteredLoad.Device("pc", "desktop", true, false, 0, 0))).isEmpty());
        assertTrue(MeteredLoad.shares(100, 1, List.of(new MeteredLoad.Device("srv-3", "server", true, true, 90, 0.9))).isEmpty());
    }
}
