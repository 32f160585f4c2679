package io.kilowatch.collector.store;

import static io.kilowatch.collector.estate.Reports.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.collector.estate.AgentCredentials;
import io.kilowatch.collector.estate.EstateStore;
import io.kilowatch.collector.estate.ReportAccounting;
import io.kilowatch.collector.carbon.IntensityCache;
import io.kilowatch.collector.security.Role;
import io.kilowatch.collector.security.Sessions;
import io.kilowatch.core.carbon.AnnualGridFactors;
import io.kilowatch.core.carbon.CarbonPolicy;
import io.kilowatch.core.carbon.SiteCarbon;
import io.kilowatch.core.credential.Credentials;
import io.kilowatch.core.report.Report;
import io.kilowatch.core.testing.ManualClock;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two collectors on one store, as two {@link Database}s open on it at once: a login, an enrolment and a revocation made
 * through one hold on the other. On SQLite and on a real PostgreSQL.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(StoreKind.class)
@ExtendWith(VertxExtension.class)
class SharedStateTest {
    private static final Duration IDLE = Duration.ofHours(12);
    private static final Duration CACHE = Duration.ofSeconds(5);
    private static final Instant T0 = Instant.parse("2026-03-10T09:00:00Z");

    @Parameter
    StoreKind kind;
    @TempDir
    Path dir;
    private StoreKind.TestStore testStore;
    private Database a;
    private Database b;
    private final ManualClock clock = new ManualClock(T0);

    @BeforeEach
    void twoCollectorsOnOneStore() {
        testStore = kind.fresh(dir);
        a = testStore.open();
        b = testStore.open();
    }

    @AfterEach
    void close() {
        a.close();
        b.close();
    }

    private Sessions sessions(Database db) {
        return new Sessions(new JdbcSessionStore(db), clock, IDLE, CACHE);
    }

    @Test
    void aLoginOnOneCollectorHoldsOnTheOtherAndTheStoreKeepsOnlyItsHash() throws Exception {
        String cookie = sessions(a).open("ada", Role.ADMIN).await();
        assertEquals(Optional.of(new Sessions.Session("ada", Role.ADMIN)), sessions(b).find(cookie).await());
        assertEquals(Optional.empty(), sessions(b).find(Credentials.newSecret()).await());

        try (Connection c = testStore.connectWithoutMigrating(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT session_sha256, username FROM dashboard_sessions")) {
            assertTrue(rs.next());
            assertEquals(Credentials.sha256(cookie), rs.getString(1));
            assertEquals("ada", rs.getString(2));
            assertFalse(rs.next());
        }
    }

    @Test
    void aLogoutOnOneCollectorIsRefusedOnTheOtherWithinTheCacheTime() {
        Sessions onA = sessions(a);
        Sessions onB = sessions(b);
        String cookie = onA.open("ada", Role.VIEWER).await();
        assertTrue(onB.find(cookie).await().isPresent());
        onA.close(cookie).await();
        assertTrue(onA.find(cookie).await().isEmpty(), "refused at once where the logout was made");
        clock.advance(CACHE.minusMillis(1));
        assertTrue(onB.find(cookie).await().isPresent(), "the other collector trusts what it read for the cache time, no longer");
        clock.advance(Duration.ofMillis(1));
        assertTrue(onB.find(cookie).await().isEmpty());
    }

    @Test
    void theStoreEnforcesExpiryAndUseExtendsItOnEveryCollector() {
        Sessions onA = sessions(a);
        String cookie = onA.open("ada", Role.VIEWER).await();
        clock.advance(IDLE.minusMinutes(30));
        assertTrue(sessions(b).find(cookie).await().isPresent(), "used on B 30 minutes before it would expire");
        clock.advance(Duration.ofMinutes(45));
        assertTrue(sessions(a).find(cookie).await().isPresent(), "B's use extended it in the store");
        clock.advance(IDLE.plusMillis(1));
        // A fresh Sessions has no cache, and nothing deleted the row: the query's expiry refuses it.
        assertTrue(sessions(a).find(cookie).await().isEmpty());
        assertEquals(1, sessions(b).forgetExpired().await());
    }

    @Test
    void anAgentEnrolledOnOneCollectorIsAcceptedOnTheOtherUntilRevokedThere() {
        String enrolmentToken = Credentials.newSecret();
        AgentCredentials onA = new AgentCredentials(new JdbcStore(a), enrolmentToken, clock, CACHE);
        AgentCredentials onB = new AgentCredentials(new JdbcStore(b), enrolmentToken, clock, CACHE);
        String credential = Credentials.newSecret();
        onA.enrol("pc-1", enrolmentToken, credential).await();
        assertEquals(Optional.of("pc-1"), onB.authenticate(credential).await());

        assertTrue(new JdbcStore(a).revoke("pc-1", clock.millis()).await()); // kilowatch-collector revoke-agent, run against A's store
        clock.advance(CACHE);
        assertEquals(Optional.empty(), onB.authenticate(credential).await(), "refused on B once its cache time has passed");
    }

    @Test
    void aCollectorWithAnotherEnrolmentTokenThanTheOneStartedBeforeItIsToldSo() {
        String estateToken = Credentials.sha256(Credentials.newSecret());
        assertEquals(Optional.empty(), new JdbcStore(a).recordEnrolmentToken(estateToken, 1).await());
        assertEquals(Optional.empty(), new JdbcStore(b).recordEnrolmentToken(estateToken, 2).await(), "the same token: nothing to say");
        String another = Credentials.sha256(Credentials.newSecret());
        assertEquals(Optional.of(estateToken), new JdbcStore(b).recordEnrolmentToken(another, 3).await());
        assertEquals(Optional.of(another), new JdbcStore(a).recordEnrolmentToken(estateToken, 4).await(), "and A, restarted, hears of B's");
    }

    @Test
    void changesOfReadsOnlyTheNamedDevicesWithTheirSpans() {
        ReportAccounting accounting = new ReportAccounting(new CarbonPolicy(new SiteCarbon(AnnualGridFactors.ukDesnz(),
                AnnualGridFactors.ukDesnzTdLosses(), "national", 1.0, null), Map.of(), ZoneId.of("UTC")), ZoneId.of("UTC"), new IntensityCache());
        JdbcStore store = new JdbcStore(a);
        for (String device : List.of("pc-1", "pc-2", "pc-3")) {
            Report r = report().device(device).sequence(1).at(T0).bootedAt(T0.minusSeconds(3600)).counter(5).build();
            store.ingest(List.of(new EstateStore.Pending(device, 1, r.host().bootTime().toEpochMilli(), r.timestamp().toEpochMilli(),
                    (previous, metered) -> accounting.plan(r, previous, r.timestamp().toEpochMilli(), null)))).await();
        }
        EstateStore.Changes changes = new JdbcStore(b).changesOf(List.of("pc-3", "pc-1", "pc-9"), 0).await();
        assertEquals(List.of("pc-1", "pc-3"), changes.devices().stream().map(d -> d.deviceId()).toList());
        assertEquals(java.util.Set.of("pc-1", "pc-3"), changes.spans().keySet());
    }
}
