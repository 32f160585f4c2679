package io.kilowatch.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.collector.store.JdbcStore;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RevokeAgentTest {
    @Test
    void revokingMakesTheCredentialUnknownAndLetsTheDeviceEnrolAgain(@TempDir Path dir) {
        try (JdbcStore store = JdbcStore.sqlite(dir)) {
            assertTrue(store.enrol("pc-1", "a".repeat(64), 1));
            assertEquals("pc-1", store.deviceForCredential("a".repeat(64)).orElseThrow());
            assertEquals(false, store.enrol("pc-1", "b".repeat(64), 2), "no takeover while the credential is active");
            assertTrue(store.enrol("pc-1", "a".repeat(64), 2), "the same credential again: accepted, nothing changes");
        }
        assertEquals(0, CollectorMain.revokeAgent(new String[] {"pc-1", "--data-dir", dir.toString()}, Map.of()));
        assertEquals(1, CollectorMain.revokeAgent(new String[] {"pc-1", "--data-dir", dir.toString()}, Map.of()), "nothing left to revoke");
        assertEquals(2, CollectorMain.revokeAgent(new String[] {}, Map.of()));
        try (JdbcStore store = JdbcStore.sqlite(dir)) {
            assertTrue(store.deviceForCredential("a".repeat(64)).isEmpty());
            assertTrue(store.enrol("pc-1", "b".repeat(64), 3));
            assertEquals("pc-1", store.deviceForCredential("b".repeat(64)).orElseThrow());
        }
    }
}
