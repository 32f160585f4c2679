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
}
