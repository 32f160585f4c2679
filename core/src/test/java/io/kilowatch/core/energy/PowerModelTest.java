package io.kilowatch.core.energy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PowerModelTest {
    @Test
    void interpolatesBetweenIdleAndMax() {
        PowerModel m = new PowerModel(20, 120);
        assertEquals(20, m.watts(0), 1e-12);
        assertEquals(45, m.watts(0.25), 1e-12);
        assertEquals(120, m.watts(1), 1e-12);
    }

    @Test
    void clampsUtilisationAndTreatsUnknownAsIdle() {
        PowerModel m = new PowerModel(20, 120);
        assertEquals(120, m.watts(1.7), 1e-12);
        assertEquals(20, m.watts(-0.5), 1e-12);
        assertEquals(20, m.watts(Double.NaN), 1e-12);
    }

    @Test
    void rejectsMaxBelowIdle() {
        assertThrows(IllegalArgumentException.class, () -> new PowerModel(50, 10));
    }

    @Test
    void serverDefaultsAreCloudCarbonFootprintsSpecPowerAverage() {
        assertEquals(65.8, DeviceClass.SERVER.defaultModel().idleWatts());
        assertEquals(367.1, DeviceClass.SERVER.defaultModel().maxWatts());
        assertEquals(DeviceClass.THIN_CLIENT, DeviceClass.fromLabel("thin_client").orElseThrow());
    }
}
