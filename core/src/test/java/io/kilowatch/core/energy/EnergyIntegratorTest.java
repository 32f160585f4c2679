package io.kilowatch.core.energy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EnergyIntegratorTest {
    private static final Instant T0 = Instant.parse("2026-03-01T09:00:00Z");

    @Test
    void constantPowerGivesWattsTimesSeconds() {
        EnergyIntegrator e = new EnergyIntegrator(0, Duration.ofMinutes(1));
        for (int i = 0; i <= 60; i++) {
            e.addPower(T0.plusSeconds(i), 50.0);
        }
        assertEquals(50.0 * 60, e.joulesTotal(), 1e-9);
    }

    @Test
    void linearRampIsIntegratedExactlyByTrapezoids() {
        EnergyIntegrator e = new EnergyIntegrator(0, Duration.ofMinutes(1));
        e.addPower(T0, 10);
        e.addPower(T0.plusSeconds(10), 30);
        // mean 20 W over 10 s
        assertEquals(200.0, e.joulesTotal(), 1e-9);
    }

    @Test
    void startsFromAPersistedCounterAndStaysMonotonic() {
        EnergyIntegrator e = new EnergyIntegrator(1_000, Duration.ofMinutes(1));
        e.addPower(T0, 10);
        e.addPower(T0.plusSeconds(5), 10);
        e.addPower(T0.plusSeconds(2), 10_000); // clock stepped back: ignored
        assertEquals(1_050, e.joulesTotal(), 1e-9);
        e.addPower(T0.plusSeconds(10), 10);
        assertEquals(1_100, e.joulesTotal(), 1e-9);
    }

    @Test
    void gapsLongerThanTheLimitAreNotBridged() {
        EnergyIntegrator e = new EnergyIntegrator(0, Duration.ofSeconds(30));
        e.addPower(T0, 100);
        e.addPower(T0.plusSeconds(3600), 100); // laptop suspended for an hour
        e.addPower(T0.plusSeconds(3610), 100);
        assertEquals(1000, e.joulesTotal(), 1e-9);
    }

    @Test
    void measuredEnergyIsAddedAsIs() {
        EnergyIntegrator e = new EnergyIntegrator(0, Duration.ofMinutes(1));
        e.addMeasuredEnergy(T0, 0, 0);
        e.addMeasuredEnergy(T0.plusSeconds(1), 12.5, 12.5);
        e.addMeasuredEnergy(T0.plusSeconds(2), 7.5, 7.5);
        assertEquals(20.0, e.joulesTotal(), 1e-12);
    }

    @Test
    void rejectsNegativeOrNonFinitePower() {
        EnergyIntegrator e = new EnergyIntegrator(0, Duration.ofMinutes(1));
        assertThrows(IllegalArgumentException.class, () -> e.addPower(T0, -1));
        assertThrows(IllegalArgumentException.class, () -> e.addPower(T0, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> e.addMeasuredEnergy(T0, Double.POSITIVE_INFINITY, 1));
        assertEquals(0, e.joulesTotal());
    }
}
