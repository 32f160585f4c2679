package io.kilowatch.agent.snmp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HostResourcesTest {
    @Test
    void allocationUnitsGrowSoThatBigDisksFitInteger32() {
        assertEquals(4096, HostResources.allocationUnits(500L << 30), "500 GiB in 4 KiB units");
        assertEquals(4096, HostResources.allocationUnits((long) Integer.MAX_VALUE * 4096));
        assertEquals(8192, HostResources.allocationUnits((long) Integer.MAX_VALUE * 4096 + 4096));
        long petabyte = 1L << 50;
        int units = HostResources.allocationUnits(petabyte);
        assertEquals(1L << 20, units, "1 PiB needs 1 MiB units");
        assertEquals(1L << 30, petabyte / units);
    }

    @Test
    void timeTicksAreHundredthsAndWrapAsEveryAgentsDo() {
        assertEquals(12_345, HostResources.centiseconds(Duration.ofMillis(123_459)).getValue());
        assertEquals(0, HostResources.centiseconds(Duration.ofMillis(-5)).getValue(), "a boot time in the future reads as 0");
        long wrap = 0x1_0000_0000L; // 2^32 hundredths, about 497 days
        assertEquals(7, HostResources.centiseconds(Duration.ofMillis((wrap + 7) * 10)).getValue());
    }
}
