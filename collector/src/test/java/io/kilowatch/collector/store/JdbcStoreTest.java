package io.kilowatch.collector.store;

import io.kilowatch.collector.estate.EstateStore;

import static io.kilowatch.collector.estate.Reports.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.collector.estate.DeviceRow;
import io.kilowatch.collector.estate.IngestPlan;
import io.kilowatch.collector.estate.ReportAccounting;
import io.kilowatch.core.availability.UptimeSpan;
import io.kilowatch.collector.carbon.IntensityCache;
import io.kilowatch.core.carbon.AnnualGridFactors;
import io.kilowatch.core.carbon.CarbonPolicy;
import io.kilowatch.core.carbon.SiteCarbon;
import io.kilowatch.core.report.Report;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Every test on SQLite and on a real PostgreSQL. */
@ParameterizedClass(name = "{0}")
@EnumSource(StoreKind.class)
class JdbcStoreTest {
    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final Instant T0 = Instant.parse("2026-03-10T09:00:00Z");
    private final ReportAccounting accounting = new ReportAccounting(new CarbonPolicy(
            new SiteCarbon(AnnualGridFactors.ukDesnz(), AnnualGridFactors.ukDesnzTdLosses(), "national", 1.0, null), Map.of(), UTC),
            UTC, new IntensityCache());

    @Parameter
    StoreKind kind;
    @TempDir
    Path dir;
    private StoreKind.TestStore testStore;

    @BeforeEach
    void freshStore() {
        testStore = kind.fresh(dir);
    }

    private EstateStore.Pending pending(Report r) {
        return new EstateStore.Pending(r.deviceId(), r.sequence(), r.host().bootTime().toEpochMilli(), r.timestamp().toEpochMilli(),
                (previous, metered) -> accounting.plan(r, previous, r.timestamp().toEpochMilli(), null));
    }

    private EstateStore.IngestOutcome ingest(EstateStore store, Report r) {
        return store.ingest(List.of(pending(r))).await().get(0);
    }

    private static Report at(long seq, double counter) {
        return report().sequence(seq).at(T0.plusSeconds(15 * seq)).bootedAt(T0.minusSeconds(3600)).counter(counter).build();
    }

    /**
     * A report that changes only the device's measures writes only those columns, any other change the whole row: either
     * way the stored row is the one planned.
     */
    @Test
    void theStoredDeviceRowIsThePlannedOneWhetherAReportChangesOnlyItsMeasuresOrMore() {
        try (JdbcStore store = testStore.openStore()) {
            List<Report> reports = List.of(
                    report().sequence(1).at(T0.plusSeconds(15)).bootedAt(T0.minusSeconds(3600)).counter(100).label("site", "hq").build(),
                    report().sequence(2).at(T0.plusSeconds(30)).bootedAt(T0.minusSeconds(3599)).counter(700).watts(55).cpu(0.3).sessions(2)
                            .label("site", "hq").build(),
                    report().sequence(3).at(T0.plusSeconds(45)).bootedAt(T0.minusSeconds(3599)).counter(1_300).label("site", "annex").build(),
                    report().sequence(4).at(T0.plusSeconds(60)).bootedAt(T0.minusSeconds(3599)).counter(1_900).source("rapl").label("site", "annex")
                            .build(),
                    report().sequence(5).at(T0.plusSeconds(75)).bootedAt(T0.minusSeconds(3599)).counter(2_500).watts(61).source("rapl")
                            .label("site", "annex").build());
            List<Boolean> measuresOnly = new ArrayList<>();
            for (Report r : reports) {
                DeviceRow[] planned = new DeviceRow[2];
                store.ingest(List.of(new EstateStore.Pending(r.deviceId(), r.sequence(), r.host().bootTime().toEpochMilli(),
                        r.timestamp().toEpochMilli(), (previous, metered) -> {
                            IngestPlan plan = accounting.plan(r, previous, r.timestamp().toEpochMilli(), null);
                            planned[0] = previous;
                            planned[1] = plan.device();
                            return plan;
                        }))).await();
                measuresOnly.add(planned[0] != null && JdbcStore.onlyMeasuresDiffer(planned[0], planned[1]));
                assertEquals(planned[1], store.device("pc-1").await().orElseThrow(), "the stored row after report " + r.sequence());
            }
            assertEquals(List.of(false, true, false, false, true), measuresOnly,
                    "new; measures and boot time; site; power source; measures");
        }
    }

    @Test
    void changesSinceReadsOnlyDevicesAReportChangedWithTheirSpans() {
        try (JdbcStore store = testStore.openStore()) {
            ingest(store, at(1, 100));
            ingest(store, report().device("pc-2").sequence(1).at(T0.plusSeconds(15)).bootedAt(T0.minusSeconds(3600)).counter(5).build());
            ingest(store, at(2, 150)); // pc-1 again, received at T0 + 30 s
            EstateStore.Changes all = store.changesSince(0, 0).await();
            assertEquals(List.of("pc-1", "pc-2"), all.devices().stream().map(d -> d.deviceId()).toList());
            assertEquals(2, all.spans().size());

            EstateStore.Changes recent = store.changesSince(T0.plusSeconds(30).toEpochMilli(), 0).await();
            assertEquals(List.of("pc-1"), recent.devices().stream().map(d -> d.deviceId()).toList());
            assertEquals(2, recent.devices().get(0).reporting().lastSequence());
            assertEquals(List.of(new UptimeSpan(T0.minusSeconds(3600), T0.plusSeconds(30))), recent.spans().get("pc-1"));
            assertFalse(recent.spans().containsKey("pc-2"), "spans of unchanged devices are not read again");
            assertTrue(store.changesSince(T0.plusSeconds(31).toEpochMilli(), 0).await().devices().isEmpty());
        }
    }

    @Test
    void manyDevicesAreReadWholeAcrossPagesAndSequencesNameTheNewestStored() {
        try (JdbcStore store = testStore.openStore()) {
            int devices = 1_201; // over two pages of the writer's reads
            List<String> ids = java.util.stream.IntStream.range(0, devices).mapToObj(i -> String.format("pc-%04d", i)).toList();
            store.ingest(ids.stream().map(id -> pending(report().device(id).sequence(1).at(T0).bootedAt(T0.minusSeconds(3600)).counter(5).build()))
                    .toList()).await();
            ingest(store, report().device("pc-0600").sequence(2).at(T0.plusSeconds(15)).bootedAt(T0.minusSeconds(3600)).counter(9).build());

            assertEquals(ids, store.devices().await().stream().map(d -> d.deviceId()).toList());
            EstateStore.Changes all = store.changesSince(0, 0).await();
            assertEquals(ids, all.devices().stream().map(d -> d.deviceId()).toList());
            assertEquals(devices, all.spans().size(), "every device's spans, whichever page it was read in");
            Map<String, Long> sequences = store.sequencesSince(0).await();
            assertEquals(devices, sequences.size());
            assertEquals(2, sequences.get("pc-0600"));
            assertEquals(1, sequences.get("pc-1200"));
            assertEquals(Map.of("pc-0600", 2L), store.sequencesSince(T0.plusSeconds(15).toEpochMilli()).await(),
                    "only the devices a report changed since");
            EstateStore.Changes some = store.changesOf(List.of("pc-1200", "pc-0000", "pc-0600"), 0).await();
            assertEquals(List.of("pc-0000", "pc-0600", "pc-1200"), some.devices().stream().map(d -> d.deviceId()).toList());
            assertEquals(List.of(new UptimeSpan(T0.minusSeconds(3600), T0.plusSeconds(15))), some.spans().get("pc-0600"));
        }
    }

    @Test
    void syncSetsWhenCommitsReachTheDisk() throws Exception {
        for (Database.Sync sync : Database.Sync.values()) {
            StoreConfig config = new StoreConfig(testStore.config().type(), dir, sync, testStore.config().postgresql());
            // SQLite's numbers for FULL and NORMAL; PostgreSQL's synchronous_commit, the server's own (on) unless normal
            String query = kind == StoreKind.SQLITE ? "PRAGMA synchronous" : "SHOW synchronous_commit";
            String expected = kind == StoreKind.SQLITE ? (sync == Database.Sync.FULL ? "2" : "1") : (sync == Database.Sync.FULL ? "on" : "off");
            try (JdbcStore opened = new JdbcStore(Database.open(config)); var s = opened.database().connection().createStatement();
                 var rs = s.executeQuery(query)) {
                rs.next();
                assertEquals(expected, rs.getString(1), sync.name());
                ingest(opened, at(sync.ordinal() + 1, 100));
            }
        }
        try (JdbcStore store = testStore.openStore()) {
            assertEquals(2, store.device("pc-1").await().orElseThrow().reporting().lastSequence());
        }
    }

    @Test
    void storesReportsAndKeepsThemAcrossReopening() {
        try (JdbcStore store = testStore.openStore()) {
            ingest(store, at(1, 100));
            ingest(store, at(2, 700));
            ingest(store, at(3, 1_300));
        }
        try (JdbcStore store = testStore.openStore()) {
            var device = store.device("pc-1").await().orElseThrow();
            assertEquals(3, device.reporting().lastSequence());
            assertEquals(1_200, device.counted().energyJoulesTotal(), 1e-9);
            assertEquals(1, store.devices().await().size());
            Map<String, List<UptimeSpan>> spans = store.spansSince(0).await();
            assertEquals(List.of(new UptimeSpan(T0.minusSeconds(3600), T0.plusSeconds(45))), spans.get("pc-1"));
            assertEquals(1_200, store.totals("hour", 0, Long.MAX_VALUE).await().itJoules(), 1e-9);
            assertEquals(1_200, store.totals("day", 0, Long.MAX_VALUE).await().itJoules(), 1e-9);
        }
    }

    @Test
    void aStoreMadeByTheFirstSchemaIsMigratedKeepingItsData() throws Exception {
        Dialect dialect = Dialect.valueOf(kind.name());
        try (java.sql.Connection c = testStore.connectWithoutMigrating(); java.sql.Statement st = c.createStatement()) {
            st.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)");
            for (String sql : Schema.MIGRATIONS.get(0)) {
                st.execute(dialect.migration(1, sql));
            }
            st.execute("INSERT INTO schema_version (version) VALUES (1)");
            SamplePartitions.of(dialect).cover(c, 1, 1); // the day of the old sample, on PostgreSQL
            st.execute("INSERT INTO samples (device_id, sequence, ts_ms, received_ms, power_watts, power_source, cpu_ratio, "
                    + "boot_time_ms, energy_joules, carbon_grams) VALUES ('old', 1, 1, 1, 20, 'model', 0.1, 0, 5, 1)");
        }
        try (JdbcStore store = testStore.openStore()) {
            assertEquals(1, store.deviceSeries("old", 0, 10, 10, true).await().size());
            ingest(store, at(1, 100));
            assertEquals(1, store.device("pc-1").await().orElseThrow().reporting().lastSequence());
        }
    }

    @Test
    void aResentReportIsRecognisedAndChangesNothing() {
        try (JdbcStore store = testStore.openStore()) {
            ingest(store, at(1, 100));
            ingest(store, at(2, 700));
            EstateStore.IngestOutcome again = ingest(store, at(2, 700));
            assertTrue(again.duplicate());
            assertEquals(2, again.lastSequence());
            assertEquals(600, store.device("pc-1").await().orElseThrow().counted().energyJoulesTotal(), 1e-9);
            assertEquals(600, store.totals("hour", 0, Long.MAX_VALUE).await().itJoules(), 1e-9);
        }
    }

    @Test
    void aFailingPlanRollsTheWholeReportBack() {
        try (JdbcStore store = testStore.openStore()) {
            ingest(store, at(1, 100));
            Report r = at(2, 700);
            EstateStore.Pending failing = new EstateStore.Pending(r.deviceId(), r.sequence() + 1, r.host().bootTime().toEpochMilli(),
                    r.timestamp().toEpochMilli(), (previous, metered) -> {
                        throw new IllegalStateException("planner failed");
                    });
            // a batch whose second report fails keeps none of it, not even the first
            assertThrows(IllegalStateException.class, () -> store.ingest(List.of(pending(r), failing)).await());
            assertEquals(1, store.device("pc-1").await().orElseThrow().reporting().lastSequence());
            assertFalse(ingest(store, r).duplicate(), "nothing of the failed attempt was kept");
            // nor remembered: the report's energy counts on the row stored before it
            assertEquals(600, store.device("pc-1").await().orElseThrow().counted().energyJoulesTotal(), 1e-9);
            assertEquals(600, store.totals("hour", 0, Long.MAX_VALUE).await().itJoules(), 1e-9);
        }
    }

    @Test
    void aBatchIsStoredInOrderWithEachDeltaOnTheOneBefore() {
        try (JdbcStore store = testStore.openStore()) {
            List<EstateStore.IngestOutcome> outcomes = store.ingest(List.of(pending(at(1, 100)), pending(at(2, 400)), pending(at(2, 400)),
                    pending(at(3, 1_000)))).await();
            assertEquals(List.of(false, false, true, false), outcomes.stream().map(EstateStore.IngestOutcome::duplicate).toList());
            assertEquals(900, store.device("pc-1").await().orElseThrow().counted().energyJoulesTotal(), 1e-9);
        }
    }

    @Test
    void aReportCountsOnTheRowAnotherWriterStoredMeanwhile() {
        try (JdbcStore mine = testStore.openStore(); JdbcStore other = testStore.openStore()) {
            ingest(mine, at(1, 100));
            ingest(mine, at(2, 700));
            ingest(other, at(3, 1_300));
            ingest(mine, at(4, 1_900));
            // on the row this store wrote last (sequence 2) the 600 J of sequence 3 would be counted twice
            assertEquals(1_800, mine.totals("hour", 0, Long.MAX_VALUE).await().itJoules(), 1e-9);
            assertEquals(1_800, mine.device("pc-1").await().orElseThrow().counted().energyJoulesTotal(), 1e-9);
        }
    }

    @Test
    void rowsRememberedAcrossReportsEqualRowsReadFromTheStore() {
        // the same reports for two devices: one through a store kept open, one through a store opened afresh for each
        try (JdbcStore remembering = testStore.openStore()) {
            reportsOfAWorkingDay("pc-1").forEach(r -> assertEquals(null, ingest(remembering, r).rejection(), "report " + r.sequence()));
        }
        for (Report r : reportsOfAWorkingDay("pc-2")) {
            try (JdbcStore reading = testStore.openStore()) {
                var outcome = ingest(reading, r);
                assertEquals(null, outcome.rejection(), "report " + r.sequence());
            }
        }
        try (JdbcStore store = testStore.openStore()) {
            var remembered = store.device("pc-1").await().orElseThrow();
            var read = store.device("pc-2").await().orElseThrow();
            assertEquals(4, read.reporting().lastSequence());
            assertEquals(java.util.Arrays.asList(read.identity(), read.reporting(), read.utilisation(), read.power(), read.counted(), read.agent(),
                    read.inventory(), read.host().bootTimeMs(), read.host().sessions()), java.util.Arrays.asList(remembered.identity(), remembered.reporting(),
                    remembered.utilisation(), remembered.power(), remembered.counted(), remembered.agent(), remembered.inventory(),
                    remembered.host().bootTimeMs(), remembered.host().sessions()));
            assertEquals(store.totals("day", 0, Long.MAX_VALUE).await().itJoules() / 2, remembered.counted().energyJoulesTotal(), 1e-9);
        }
    }

    private static List<Report> reportsOfAWorkingDay(String device) {
        Instant boot = T0.minusSeconds(3600);
        return List.of(
                report().device(device).sequence(1).at(T0).bootedAt(boot).counter(100).sessions(2).label("department", "Finance").build(),
                report().device(device).sequence(2).at(T0.plusSeconds(15)).bootedAt(boot).counter(700).watts(61.5).cpu(0.73).source("rapl").build(),
                report().device(device).sequence(3).at(T0.plusSeconds(30)).bootedAt(boot).counter(1_300).stopping().build(),
                report().device(device).sequence(4).at(T0.plusSeconds(900)).bootedAt(T0.plusSeconds(800)).counterStart(T0.plusSeconds(800)).counter(50).sessions(null).build());
    }

    @Test
    void aRebootStartsANewUptimeSpan() {
        try (JdbcStore store = testStore.openStore()) {
            ingest(store, at(1, 100));
            Instant reboot = T0.plusSeconds(600);
            ingest(store, report().sequence(2).at(reboot.plusSeconds(60)).bootedAt(reboot).counter(200).build());
            assertEquals(2, store.spansSince(0).await().get("pc-1").size());
        }
    }

    @Test
    void seriesAverageSamplesPerBucketAndSumOverDevices() {
        try (JdbcStore store = testStore.openStore()) {
            for (int s = 1; s <= 4; s++) {
                ingest(store, report().device("a").sequence(s).at(T0.plusSeconds(15L * s)).watts(10 * s).counter(s * 100).build());
                ingest(store, report().device("b").sequence(s).at(T0.plusSeconds(15L * s)).watts(100).counter(s * 100).build());
            }
            long from = T0.toEpochMilli();
            List<EstateStore.SeriesPoint> device = store.deviceSeries("a", from, from + 120_000, 60_000, true).await();
            assertEquals(2, device.size());
            assertEquals((10 + 20 + 30) / 3.0, device.get(0).powerWatts(), 1e-9);
            assertEquals(40, device.get(1).powerWatts(), 1e-9);
            List<EstateStore.SeriesPoint> estate = store.estateSeries(from, from + 120_000, 60_000, true).await();
            assertEquals(20 + 100, estate.get(0).powerWatts(), 1e-9);
            List<EstateStore.SeriesPoint> hourly = store.estateSeries(from - 3_600_000, from + 3_600_000, 3_600_000, false).await();
            assertEquals(1, hourly.size());
            assertEquals(600, hourly.get(0).energyJoules(), 1e-9);
        }
    }

    @Test
    void pruneDropsOnlyWhatIsPastRetention() {
        try (JdbcStore store = testStore.openStore()) {
            ingest(store, at(1, 100));
            ingest(store, at(2, 700));
            int deleted = store.prune(T0.plusSeconds(20).toEpochMilli(), 0, 0).await();
            assertEquals(1, deleted);
            assertEquals(600, store.totals("day", 0, Long.MAX_VALUE).await().itJoules(), 1e-9);
            assertEquals(1, store.deviceSeries("pc-1", 0, Long.MAX_VALUE, 1_000, true).await().size());
        }
    }

    @Test
    void pruneDropsWholePastDaysAndTheEarlierPartOfTheCutOffDay() throws Exception {
        try (JdbcStore store = testStore.openStore()) {
            Instant day1 = Instant.parse("2026-03-10T23:59:00Z");
            for (int s = 1; s <= 3; s++) { // 2026-03-10 23:59:00, 23:59:15, 23:59:30
                ingest(store, report().sequence(s).at(day1.plusSeconds(15L * (s - 1))).bootedAt(T0).counter(100 * s).build());
            }
            for (int s = 4; s <= 6; s++) { // 2026-03-11 00:01:00, 00:01:15, 00:01:30
                ingest(store, report().sequence(s).at(day1.plusSeconds(120 + 15L * (s - 4))).bootedAt(T0).counter(100 * s).build());
            }
            assertEquals(4, store.prune(day1.plusSeconds(135).toEpochMilli(), 0, 0).await(), "all of the first day and the first sample of the second");
            assertEquals(2, store.deviceSeries("pc-1", 0, Long.MAX_VALUE, 1_000, true).await().size());
            if (kind == StoreKind.POSTGRESQL) {
                assertEquals(List.of("samples_d20260311"), store.database().query("SELECT c.relname FROM pg_inherits i JOIN pg_class c "
                        + "ON c.oid = i.inhrelid WHERE i.inhparent = 'samples'::regclass", rs -> rs.getString(1)), "the first day's partition is dropped");
            }
            ingest(store, report().sequence(7).at(day1.plusSeconds(600)).bootedAt(T0).counter(700).build());
            assertEquals(3, store.deviceSeries("pc-1", 0, Long.MAX_VALUE, 1_000, true).await().size(), "storing goes on after a prune");
        }
    }

    @Test
    void aPlanMayAlsoCarryInventory() {
        try (JdbcStore store = testStore.openStore()) {
            Report r = at(1, 100);
            store.ingest(List.of(new EstateStore.Pending(r.deviceId(), 1, r.host().bootTime().toEpochMilli(), r.timestamp().toEpochMilli(),
                    (previous, metered) -> accounting.plan(r, previous, 1L, "{\"model\":\"OptiPlex 7010\"}")))).await();
            assertEquals("{\"model\":\"OptiPlex 7010\"}", store.device("pc-1").await().orElseThrow().inventory().json());
        }
    }
}
