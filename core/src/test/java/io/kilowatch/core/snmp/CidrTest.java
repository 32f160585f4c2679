package io.kilowatch.core.snmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class CidrTest {
    @Test
    void hostsLeaveOutNetworkAndBroadcast() {
        assertEquals(List.of("10.0.0.1", "10.0.0.2"), Cidr.hosts("10.0.0.0/30"));
        assertEquals(List.of("192.168.1.7"), Cidr.hosts("192.168.1.7/32"));
        assertEquals(254, Cidr.hosts("172.16.5.77/24").size(), "a host address inside the range is rounded down to its network");
        assertEquals("172.16.5.1", Cidr.hosts("172.16.5.77/24").get(0));
        assertEquals(65534, Cidr.hosts("10.1.0.0/16").size());
    }

    @Test
    void badRangesAreRefusedWithTheReason() {
        assertEquals("'10.0.0.0/8': the prefix must be /16 to /32 (at most 65534 hosts a sweep)",
                assertThrows(IllegalArgumentException.class, () -> Cidr.hosts("10.0.0.0/8")).getMessage());
        assertEquals("'10.0.0.300/24': 300 is not an octet (0-255)",
                assertThrows(IllegalArgumentException.class, () -> Cidr.hosts("10.0.0.300/24")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Cidr.hosts("fe80::/64"));
    }
}
