package io.kilowatch.collector.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.kilowatch.collector.cluster.Leases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On PostgreSQL, a collector claiming targets while another is in the middle of its own claim neither waits for it nor
 * takes what it has locked: {@code FOR UPDATE SKIP LOCKED}. The other claim is held open on a plain connection.
 */
class LeaseSkipLockedTest {
    @TempDir
    Path dir;

    @Test
    void aClaimPassesOverTargetsAnotherCollectorIsClaimingAtTheSameMoment() throws Exception {
        StoreKind.TestStore store = StoreKind.POSTGRESQL.fresh(dir);
        List<String> targets = IntStream.range(0, 20).mapToObj(i -> String.format("snmp:t%02d", i)).toList();
        try (Database a = store.open(); Database b = store.open(); Connection other = store.connectWithoutMigrating()) {
            Leases leasesA = new JdbcLeases(a);
            assertEquals(20, leasesA.claim("a", targets, 20, 60_000).await().size());
            new JdbcLeases(a).leave("a").await(); // all twenty free again

            other.setAutoCommit(false);
            List<String> lockedByOther = new ArrayList<>();
            try (Statement s = other.createStatement();
                 ResultSet rs = s.executeQuery("SELECT name FROM leases WHERE expires_ms = 0 ORDER BY name LIMIT 10 FOR UPDATE SKIP LOCKED")) {
                while (rs.next()) {
                    lockedByOther.add(rs.getString(1));
                }
            }
            assertEquals(targets.subList(0, 10), lockedByOther);
            List<String> gotB = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> new JdbcLeases(b).claim("b", targets, 10, 60_000).await().stream().map(Leases.Lease::name).toList(),
                    "a claim must not wait for rows another collector holds locked");
            assertEquals(targets.subList(10, 20), gotB);
            other.rollback();
        }
    }
}
