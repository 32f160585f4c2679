package io.kilowatch.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.collector.store.JdbcStore;
import io.kilowatch.collector.store.StoreKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/** The command opens the configured store: the embedded one, or PostgreSQL. */
class RevokeAgentTest {
    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void revokingMakesTheCredentialUnknownAndLetsTheDeviceEnrolAgain(StoreKind kind, @TempDir Path dir) {
        StoreKind.TestStore testStore = kind.fresh(dir);
        List<String> args = new ArrayList<>(List.of("pc-1"));
        args.addAll(testStore.options());
        Map<String, String> env = testStore.environment();
        try (JdbcStore store = testStore.openStore()) {
            assertTrue(store.enrol("pc-1", "a".repeat(64), 1).await());
            assertEquals("pc-1", store.deviceForCredential("a".repeat(64)).await().orElseThrow());
            assertEquals(false, store.enrol("pc-1", "b".repeat(64), 2).await(), "no takeover while the credential is active");
            assertTrue(store.enrol("pc-1", "a".repeat(64), 2).await(), "the same credential again: accepted, nothing changes");
        }
        assertEquals(0, CollectorMain.revokeAgent(args.toArray(String[]::new), env));
        assertEquals(1, CollectorMain.revokeAgent(args.toArray(String[]::new), env), "nothing left to revoke");
        assertEquals(2, CollectorMain.revokeAgent(new String[] {}, Map.of()));
        try (JdbcStore store = testStore.openStore()) {
            assertTrue(store.deviceForCredential("a".repeat(64)).await().isEmpty());
            assertTrue(store.enrol("pc-1", "b".repeat(64), 3).await());
            assertEquals("pc-1", store.deviceForCredential("b".repeat(64)).await().orElseThrow());
        }
    }
}
