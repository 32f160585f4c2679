package io.kilowatch.agent.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceIdentityTest {
    @Test
    void configuredIdWins(@TempDir Path dir) {
        assertEquals("pc-0042", DeviceIdentity.resolve("pc-0042", "4C4C4544-0058-4B10-8032-B5C04F513933", dir));
    }

    @Test
    void hardwareUuidIsUsedLowerCased(@TempDir Path dir) {
        assertEquals("4c4c4544-0058-4b10-8032-b5c04f513933", DeviceIdentity.resolve("", "4C4C4544-0058-4B10-8032-B5C04F513933", dir));
    }

    @Test
    void placeholderUuidsAreIgnoredAndARandomIdIsKept(@TempDir Path dir) {
        String first = DeviceIdentity.resolve(null, "00000000-0000-0000-0000-000000000000", dir);
        String second = DeviceIdentity.resolve(null, "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF", dir);
        String third = DeviceIdentity.resolve(null, "unknown", dir);
        assertEquals(first, second);
        assertEquals(first, third);
        assertTrue(first.matches("[0-9a-f-]{36}"), first);
        assertNotEquals(first, DeviceIdentity.resolve(null, null, dir.resolve("other")));
    }
}
