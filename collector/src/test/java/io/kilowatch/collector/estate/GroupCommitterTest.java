package io.kilowatch.collector.estate;

import static io.kilowatch.collector.estate.Reports.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.collector.carbon.IntensityCache;
import io.kilowatch.collector.store.JdbcStore;
import io.kilowatch.core.carbon.AnnualGridFactors;
import io.kilowatch.core.carbon.CarbonPolicy;
import io.kilowatch.core.carbon.SiteCarbon;
import io.kilowatch.core.carbon.Tariff;
import io.kilowatch.core.report.Report;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Group commit on the real embedded store: who shares a commit, and when a commit may begin. */
@ExtendWith(VertxExtension.class)
class GroupCommitterTest {
    private static final ZoneId LONDON = ZoneId.of("Europe/London");
    private static final Instant T0 = Instant.parse("2026-03-10T09:00:00Z");
    private final ReportAccounting accounting = new ReportAccounting(new CarbonPolicy(new SiteCarbon(AnnualGridFactors.ukDesnz(),
            AnnualGridFactors.ukDesnzTdLosses(), "13", 1.0, Tariff.flat("contract", 0.25)), Map.of(), LONDON), LONDON, new IntensityCache());
    private JdbcStore real;
    /** Each commit's number of reports and when it began, in order. */
    private final List<Integer> groupSizes = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> groupStartNanos = Collections.synchronizedList(new ArrayList<>());
    private EstateStore store;

    @BeforeEach
    void openStore(@TempDir Path dir) {
        real = JdbcStore.sqlite(dir);
        store = (EstateStore) Proxy.newProxyInstance(EstateStore.class.getClassLoader(), new Class<?>[] {EstateStore.class}, (proxy, method, args) -> {
            if (method.getName().equals("ingest")) {
                groupSizes.add(((List<?>) args[0]).size());
                groupStartNanos.add(System.nanoTime());
            }
            try {
                return method.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    @AfterEach
    void closeStore() {
        real.close();
    }

    @Test
    void anIdleStoreCommitsAtOnceAndAnswersAfterTheCommit(Vertx vertx, VertxTestContext test) {
        GroupCommitter committer = new GroupCommitter(vertx, store, 2_000, Duration.ofSeconds(30));
        vertx.runOnContext(v -> {
            Future<List<EstateStore.IngestOutcome>> answer = committer.submit(List.of(pending("pc-1", 1)));
            // began in submit itself: the long window holds back only a commit that follows another
            assertEquals(List.of(1), groupSizes);
            answer.compose(outcomes -> real.device("pc-1").map(stored -> {
                assertEquals(1, outcomes.size());
                assertTrue(stored.isPresent(), "answered before its report was stored");
                return null;
            })).onComplete(test.succeedingThenComplete());
        });
    }

    @Test
    void reportsArrivingWithinTheWindowWaitForItsEndAndShareOneCommit(Vertx vertx, VertxTestContext test) {
        Duration window = Duration.ofMillis(300);
        GroupCommitter committer = new GroupCommitter(vertx, store, 2_000, window);
        vertx.runOnContext(v -> committer.submit(List.of(pending("pc-1", 1))).compose(first -> {
            assertEquals(List.of(1), groupSizes);
            // three requests right after the first commit: none may begin a commit before the window is over
            List<Future<List<EstateStore.IngestOutcome>>> answers = List.of(committer.submit(List.of(pending("pc-1", 2))),
                    committer.submit(List.of(pending("pc-2", 1))), committer.submit(List.of(pending("pc-3", 1), pending("pc-3", 2))));
            assertEquals(1, groupSizes.size(), "a commit began inside the window");
            return Future.all(answers);
        }).onComplete(test.succeeding(all -> test.verify(() -> {
            assertEquals(List.of(1, 4), groupSizes);
            long gapNanos = groupStartNanos.get(1) - groupStartNanos.get(0);
            assertTrue(gapNanos >= window.toNanos(), "the second commit began " + gapNanos / 1_000_000 + " ms after the first");
            for (String device : List.of("pc-1", "pc-2", "pc-3")) {
                assertTrue(real.device(device).result().isPresent(), device + " not stored");
            }
            assertEquals(2, real.device("pc-3").result().orElseThrow().reporting().lastSequence());
            test.completeNow();
        }))));
    }

    @Test
    void aGroupWaitingOutTheWindowBeginsAsSoonAsItIsFullEnough(Vertx vertx, VertxTestContext test) {
        GroupCommitter committer = new GroupCommitter(vertx, store, 2_000, Duration.ofSeconds(30));
        vertx.runOnContext(v -> committer.submit(List.of(pending("pc-0", 1))).compose(first -> {
            // a burst within the window: once enough wait to make a group worth its commit, the writer does not idle on
            List<Future<List<EstateStore.IngestOutcome>>> answers = new ArrayList<>();
            for (int i = 1; i <= GroupCommitter.SMALL_GROUP; i++) {
                answers.add(committer.submit(List.of(pending("pc-" + i, 1))));
            }
            return Future.all(answers);
        }).onComplete(test.succeeding(all -> test.verify(() -> {
            assertEquals(List.of(1, GroupCommitter.SMALL_GROUP), groupSizes, "the burst waited out the 30 s window, or was split");
            test.completeNow();
        }))));
    }

    @Test
    void withNoWindowARequestAfterACommitIsCommittedOnItsOwn(Vertx vertx, VertxTestContext test) {
        GroupCommitter committer = new GroupCommitter(vertx, store, 2_000, Duration.ZERO);
        vertx.runOnContext(v -> committer.submit(List.of(pending("pc-1", 1)))
                .compose(first -> committer.submit(List.of(pending("pc-1", 2))))
                .compose(second -> committer.submit(List.of(pending("pc-1", 3))))
                .onComplete(test.succeeding(third -> test.verify(() -> {
                    assertEquals(List.of(1, 1, 1), groupSizes);
                    test.completeNow();
                }))));
    }

    private EstateStore.Pending pending(String device, long sequence) {
        Report r = report().device(device).sequence(sequence).at(T0.plusSeconds(15 * sequence)).counter(1_000 * sequence).build();
        return new EstateStore.Pending(r.deviceId(), r.sequence(), r.host().bootTime().toEpochMilli(), r.timestamp().toEpochMilli(),
                (previous, metered) -> accounting.plan(r, previous, r.timestamp().toEpochMilli(), null, metered));
    }
}
