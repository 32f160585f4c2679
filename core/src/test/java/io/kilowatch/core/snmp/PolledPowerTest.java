package io.kilowatch.core.snmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.core.energy.PowerModel;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolledPowerTest {
    private static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");
    private static final PowerModel SWITCH = new PowerModel(40, 60);
    private static final Duration GAP = Duration.ofMinutes(4);

    private static ComposedReading reading(Double watts, Double added, Double kwh, Double cpu) {
        return new ComposedReading(watts, added, kwh, cpu, Map.of(), List.of(), null, Map.of(), kwh == null ? Map.of() : Map.of("", kwh));
    }

    private static ComposedReading metered(double watts, Map<String, Double> meters) {
        return new ComposedReading(watts, null, meters.values().stream().mapToDouble(Double::doubleValue).sum(), null, Map.of(), List.of(), "pdu",
                Map.of(), meters);
    }

    @Test
    void reportedPowerIsIntegratedAndTheModelFillsInWhenNothingIsReported() {
        PolledPower power = new PolledPower(SWITCH, GAP, T0, null, null, 0, null);
        PolledPower.Poll first = power.poll(T0, 100_000, null, reading(300.0, null, null, null), List.of());
        assertEquals(1, first.sequence());
        assertEquals("snmp", first.source());
        assertEquals(300.0, first.powerWatts());
        assertEquals(0.0, first.counterJoules(), "no interval before the first poll");
        assertEquals(T0, first.counterStart());
        PolledPower.Poll second = power.poll(T0.plusSeconds(60), 106_000, null, reading(null, null, null, 0.5), List.of());
        assertEquals("model", second.source());
        assertEquals(50.0, second.powerWatts(), 1e-9, "idle 40 W to max 60 W at half load");
        assertTrue(second.counterJoules() > 0);
        PolledPower.Poll third = power.poll(T0.plusSeconds(120), 112_000, null, reading(null, 120.0, null, 0.0), List.of());
        assertEquals("snmp", third.source());
        assertEquals(160.0, third.powerWatts(), 1e-9, "PoE delivered is added to the host's modelled draw");
    }

    @Test
    void theMetersOwnCountWinsAndAResetMeterAddsNothing() {
        PolledPower power = new PolledPower(SWITCH, GAP, T0, null, null, 0, null);
        power.poll(T0, 0, null, reading(500.0, null, 100.0, null), List.of());
        PolledPower.Poll counted = power.poll(T0.plusSeconds(60), 6_000, null, reading(500.0, null, 100.01, null), List.of());
        assertEquals(0.01 * 3.6e6, counted.counterJoules(), 1e-6, "0.01 kWh from the meter, not 500 W x 60 s");
        PolledPower.Poll reset = power.poll(T0.plusSeconds(120), 12_000, null, reading(500.0, null, 0.5, null), List.of());
        assertEquals(counted.counterJoules(), reset.counterJoules(), 1e-9);
    }

    @Test
    void eachUnitsMeterCountsOnItsOwnSoAUnitJoiningOrMissingAPollAddsNotItsLifetime() {
        // a daisy chain: unit 1 at 3512.8 kWh, unit 2 at 1967.7 kWh; their sum is no meter of its own
        PolledPower chain = new PolledPower(SWITCH, GAP, T0, null, null, 0, null);
        chain.poll(T0, 0, null, metered(1410, Map.of("e 1", 3512.8, "e 2", 1967.7)), List.of());
        PolledPower.Poll both = chain.poll(T0.plusSeconds(60), 6_000, null, metered(1410, Map.of("e 1", 3512.82, "e 2", 1967.71)), List.of());
        assertEquals(0.03 * 3.6e6, both.counterJoules(), 1e-3);
        // unit 2 does not answer one poll: its 1967 kWh are not a drop to be taken as a reset of the whole
        PolledPower.Poll missing = chain.poll(T0.plusSeconds(120), 12_000, null, metered(1140, Map.of("e 1", 3512.84)), List.of());
        assertEquals(both.counterJoules() + 0.02 * 3.6e6, missing.counterJoules(), 1e-3);
        // ... nor, when it answers again, 1967 kWh used in a minute; a third unit joins the chain the same way
        PolledPower.Poll back = chain.poll(T0.plusSeconds(180), 18_000, null,
                metered(1700, Map.of("e 1", 3512.86, "e 2", 1967.74, "e 3", 880.0)), List.of());
        assertEquals(missing.counterJoules() + 0.02 * 3.6e6, back.counterJoules(), 1e-3);
        // one unit's meter reset leaves the others' counts
        PolledPower.Poll reset = chain.poll(T0.plusSeconds(240), 24_000, null,
                metered(1700, Map.of("e 1", 3512.88, "e 2", 0.01, "e 3", 880.01)), List.of());
        assertEquals(back.counterJoules() + 0.03 * 3.6e6, reset.counterJoules(), 1e-3);
    }

    @Test
    void aPduKeepsOnlyWhatItsFedDevicesDoNotAlreadyCount() {
        PolledPower pdu = new PolledPower(SWITCH, GAP, T0, null, null, 0, null);
        pdu.poll(T0, 0, null, reading(1_000.0, null, null, null), List.of(new PolledPower.Fed("srv-1", true, 300, 1_000)));
        PolledPower.Poll next = pdu.poll(T0.plusSeconds(60), 6_000, null, reading(1_000.0, null, null, null),
                List.of(new PolledPower.Fed("srv-1", true, 300, 1_000 + 300 * 60)));
        assertEquals(700.0, next.powerWatts(), 1e-9);
        assertEquals(1_000 * 60 - 300 * 60, next.counterJoules(), 1e-6);
    }

    @Test
    void continuesTheStoredSequenceAndCounterAndSeesRestarts() {
        Instant booted = T0.minus(Duration.ofDays(3));
        PolledPower power = new PolledPower(SWITCH, GAP, T0, 41L, T0.minus(Duration.ofDays(30)), 5e6, booted);
        PolledPower.Poll first = power.poll(T0, 3L * 24 * 3600 * 100, 7L, reading(100.0, null, null, null), List.of());
        assertEquals(42, first.sequence());
        assertEquals(5e6, first.counterJoules());
        assertEquals(T0.minus(Duration.ofDays(30)), first.counterStart());
        assertFalse(first.reboot());
        PolledPower.Poll restarted = power.poll(T0.plusSeconds(60), 3L * 24 * 3600 * 100 + 6_000, 8L, reading(100.0, null, null, null), List.of());
        assertTrue(restarted.reboot(), "the engine's boot count changed although sysUpTime went on");
        assertTrue(restarted.engineRestarted());
        PolledPower.Poll wentBack = power.poll(T0.plusSeconds(120), 500, 8L, reading(100.0, null, null, null), List.of());
        assertTrue(wentBack.reboot());
        assertFalse(wentBack.engineRestarted());
    }
}
