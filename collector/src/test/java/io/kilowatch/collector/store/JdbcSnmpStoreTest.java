package io.kilowatch.collector.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kilowatch.collector.snmp.Discovery;
import io.kilowatch.collector.snmp.SnmpStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Discovered SNMP devices read back as written, after the store is reopened as on a restart; on SQLite and PostgreSQL. */
@ParameterizedClass(name = "{0}")
@EnumSource(StoreKind.class)
class JdbcSnmpStoreTest {
    private static final Instant T = Instant.parse("2026-03-02T09:00:00Z");

    @Parameter
    StoreKind kind;
    @TempDir
    Path dir;

    @Test
    void aPendingDeviceComesBackPendingAndAnAcceptedOneAcceptedForGood() {
        Discovery.Found pending = new Discovery.Found("10.0.0.7", "printer-7", "printer-7", "1.3.6.1.4.1.11.2.3.9.1", "HP LaserJet",
                T, T.plusSeconds(60), null);
        Discovery.Found accepted = new Discovery.Found("10.0.0.9", "snmp-10-0-0-9", null, "1.3.6.1.4.1.9.1.1", null,
                T.plusSeconds(1), T.plusSeconds(61), T.plusSeconds(120));
        StoreKind.TestStore testStore = kind.fresh(dir);
        try (JdbcStore store = testStore.openStore()) {
            SnmpStore snmp = new JdbcSnmpStore(store.database());
            snmp.saveDiscovered(pending).await();
            snmp.saveDiscovered(accepted).await();
        }
        try (JdbcStore store = testStore.openStore()) {
            SnmpStore snmp = new JdbcSnmpStore(store.database());
            assertEquals(List.of(pending, accepted), snmp.discovered().await());
            Discovery.Found nowAccepted = new Discovery.Found(pending.address(), pending.deviceId(), pending.sysName(), pending.sysObjectId(),
                    pending.sysDescr(), pending.firstSeen(), pending.lastSeen(), T.plusSeconds(300));
            snmp.saveDiscovered(nowAccepted).await();
            assertEquals(List.of(nowAccepted, accepted), snmp.discovered().await());
            // a sweep's answer, saved as pending by a collector that had not heard of the acceptance, undoes nothing
            Discovery.Found seenAgain = new Discovery.Found(pending.address(), pending.deviceId(), pending.sysName(), pending.sysObjectId(),
                    pending.sysDescr(), pending.firstSeen(), T.plusSeconds(600), null);
            snmp.saveDiscovered(seenAgain).await();
            assertEquals(List.of(new Discovery.Found(pending.address(), pending.deviceId(), pending.sysName(), pending.sysObjectId(),
                    pending.sysDescr(), pending.firstSeen(), T.plusSeconds(600), T.plusSeconds(300)), accepted), snmp.discovered().await());
        }
    }
}
