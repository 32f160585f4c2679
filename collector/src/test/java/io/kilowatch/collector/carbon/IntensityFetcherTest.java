package io.kilowatch.collector.carbon;

import io.kilowatch.collector.cluster.TestCluster;
import io.kilowatch.collector.feature.Maths;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.collector.CollectorConfig;
import io.kilowatch.collector.estate.ReportAccounting;
import io.kilowatch.collector.store.JdbcCarbonStore;
import io.kilowatch.collector.store.JdbcStore;
import io.kilowatch.core.carbon.CarbonPolicy;
import io.kilowatch.collector.store.StoreKind;
import io.kilowatch.core.config.Settings;
import io.kilowatch.core.testing.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The live fetch against a local server replaying recorded NESO responses, stored in SQLite and in PostgreSQL. */
@ExtendWith(VertxExtension.class)
@ParameterizedClass(name = "{0}")
@EnumSource(StoreKind.class)
class IntensityFetcherTest {
    @Parameter
    StoreKind kind;
    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock(Instant.parse("2024-06-03T11:07:00Z"));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final IntensityCache cache = new IntensityCache();
    private NesoReplayServer neso;
    private JdbcStore store;
    private WorkerExecutor worker;
    private IntensityImports imports;

    @BeforeEach
    void start(Vertx vertx) {
        neso = new NesoReplayServer(vertx);
        store = kind.fresh(dir).openStore();
        worker = vertx.createSharedWorkerExecutor("test-store", 1);
        CarbonPolicy policy = CollectorConfig.from(Settings.empty("t").override("time_zone", "Europe/London")).carbon();
        ZoneId london = ZoneId.of("Europe/London");
        imports = new IntensityImports(new JdbcCarbonStore(store.database()), Maths.on(worker), cache,
                RollupRecompute.afterImport(policy, new ReportAccounting(policy, london, cache)::dayStart), clock);
    }

    @AfterEach
    void stop() {
        neso.close();
        worker.close().await();
        store.close();
    }

    private IntensityFetcher fetcher(Vertx vertx, String path) {
        return new IntensityFetcher(vertx, new CarbonConfig.Fetch(true, neso.url(path), Duration.ofMinutes(30), Duration.ofHours(24),
                Duration.ofHours(24), Duration.ofSeconds(5)), imports, registry, clock, TestCluster.heldDuty(store.database(), "intensity_fetch"));
    }

    private double fetches(String outcome) {
        return registry.get("kilowatch.grid.intensity.fetches").tag("outcome", outcome).counter().count();
    }

    @Test
    void fetchesTheWindowAroundNowAndImportsIt(Vertx vertx) {
        CarbonStore.ImportOutcome outcome = fetcher(vertx, "/intensity/{from}/{to}").fetch().await();
        assertEquals(8, outcome.points());
        assertEquals("/intensity/2024-06-02T11:07Z/2024-06-04T11:07Z", neso.requests.get(0));
        assertEquals(137, cache.apply("national").at(Instant.parse("2024-06-03T09:10:00Z")).orElseThrow().gramsPerKwh());
        assertEquals(1, fetches("success"));

        fetcher(vertx, "/regional/intensity/{from}/{to}").fetch().await();
        assertEquals(200, cache.apply("13").at(Instant.parse("2024-06-03T10:45:00Z")).orElseThrow().gramsPerKwh());
        assertEquals(2, cache.apply("5").size(), "every region in the response is kept");
        assertEquals(8, cache.apply("national").size(), "the national series fetched before stays");
    }

    @Test
    void anOutageOrGarbageChangesNothingAndIsCounted(Vertx vertx) {
        IntensityFetcher fetcher = fetcher(vertx, "/intensity/{from}/{to}");
        neso.answer(503, "{\"error\":{\"code\":\"503 Service Unavailable\"}}");
        Throwable outage = fetcher.fetch().toCompletionStage().toCompletableFuture().handle((ok, e) -> e).join();
        assertTrue(outage.getMessage().contains("HTTP 503"), outage.getMessage());
        neso.answer(200, "<html>maintenance</html>");
        Throwable garbage = fetcher.fetch().toCompletionStage().toCompletableFuture().handle((ok, e) -> e).join();
        assertTrue(garbage.getMessage().startsWith("not NESO Carbon Intensity JSON"), garbage.getMessage());
        assertEquals(2, fetches("failure"));
        assertEquals(0, cache.apply("national").size());
        assertEquals(0, new JdbcCarbonStore(store.database()).intensity().await().size());

        neso.answer(200, null);
        fetcher.fetch().await();
        assertEquals(8, cache.apply("national").size());
    }
}
