package io.kilowatch.core.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HostsTest {
    @Test
    void loopbackIsThisMachineOnly() {
        for (String host : new String[] {"localhost", "127.0.0.1", "127.8.9.10", "::1", "[::1]"}) {
            assertTrue(Hosts.isLoopback(host), host);
        }
        for (String host : new String[] {"0.0.0.0", "::", "10.0.0.1", "mail.example.org", "128.0.0.1", "localhost.example.org"}) {
            assertFalse(Hosts.isLoopback(host), host);
        }
    }
}
