package io.kilowatch.core.snmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BootTimeTest {
    static final Instant T = Instant.parse("2026-03-01T10:00:00Z");
    static final Duration TOL = Duration.ofSeconds(5);

    @Test
    void firstPollDerivesBootFromUptime() {
        BootTime.Estimate e = BootTime.estimate(null, -1, T, 360_000, false, TOL); // one hour in hundredths
        assertEquals(T.minusSeconds(3600), e.bootTime());
        assertFalse(e.reboot());
    }

    @Test
    void jitterKeepsTheKnownBoot() {
        Instant boot = T.minusSeconds(3600);
        // 60 s later, the round trip makes uptime 0.7 s short
        BootTime.Estimate e = BootTime.estimate(boot, 360_000, T.plusSeconds(60), 365_930, false, TOL);
        assertEquals(boot, e.bootTime());
        assertFalse(e.reboot());
    }

    @Test
    void uptimeGoingBackIsAReboot() {
        BootTime.Estimate e = BootTime.estimate(T.minusSeconds(3600), 360_000, T.plusSeconds(60), 2_000, false, TOL);
        assertTrue(e.reboot());
        assertEquals(T.plusSeconds(40), e.bootTime());
    }

    @Test
    void uptimeStandingStillBetweenPollsIsNoReboot() {
        // an agent (or a recording) that answers the same sysUpTime every poll, 60 s apart
        Instant boot = T.minusSeconds(3600);
        BootTime.Estimate e = BootTime.estimate(boot, 360_000, T.plusSeconds(60), 360_000, false, TOL);
        assertFalse(e.reboot());
        assertEquals(boot, e.bootTime());
        BootTime.Estimate later = BootTime.estimate(boot, 360_000, T.plusSeconds(600), 360_000, false, TOL);
        assertFalse(later.reboot());
    }

    @Test
    void aChangedEngineBootCountIsAReboot() {
        BootTime.Estimate e = BootTime.estimate(T.minusSeconds(100), 10_000, T.plusSeconds(3600), 180_000, true, TOL);
        assertTrue(e.reboot());
        assertEquals(T.plusSeconds(1800), e.bootTime());
    }

    @Test
    void afterACollectorRestartALaterBootIsTakenWithoutAnEvent() {
        BootTime.Estimate e = BootTime.estimate(T.minusSeconds(7200), -1, T, 360_000, false, TOL);
        assertFalse(e.reboot());
        assertEquals(T.minusSeconds(3600), e.bootTime());
    }

    @Test
    void theWrapAfter497DaysIsNoReboot() {
        long wrap = BootTime.WRAP_TICKS;
        Instant boot = T.minusMillis((wrap - 1_000) * 10);
        BootTime.Estimate e = BootTime.estimate(boot, wrap - 1_000, T.plusSeconds(60), 5_000, false, TOL);
        assertFalse(e.reboot());
        assertEquals(boot, e.bootTime());
        // and the polls after the wrap keep that boot too
        BootTime.Estimate next = BootTime.estimate(boot, 5_000, T.plusSeconds(120), 11_000, false, TOL);
        assertFalse(next.reboot());
        assertEquals(boot, next.bootTime());
    }
}
