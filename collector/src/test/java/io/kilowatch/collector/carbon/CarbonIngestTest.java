package io.kilowatch.collector.carbon;

import static io.kilowatch.collector.estate.Reports.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kilowatch.collector.CollectorConfig;
import io.kilowatch.collector.carbon.IntensityFile.Format;
import io.kilowatch.collector.estate.ReportAccounting;
import io.kilowatch.collector.store.JdbcCarbonStore;
import io.kilowatch.collector.store.JdbcStore;
import io.kilowatch.collector.store.StoreKind;
import io.kilowatch.collector.estate.EstateStore;
import io.kilowatch.core.carbon.CarbonPolicy;
import io.kilowatch.core.config.Settings;
import io.kilowatch.core.report.Report;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Ingest into the real embedded store fills the rollups' carbon columns with hand-computed figures, and
 * intensity imported after the energy recomputes them; a malformed import changes nothing. On SQLite and PostgreSQL.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(StoreKind.class)
class CarbonIngestTest {
    private static final double KWH = 3_600_000;
    private static final ZoneId LONDON = ZoneId.of("Europe/London");
    private static final Instant T0 = Instant.parse("2024-06-03T10:00:00Z");
    private static final long HOUR_10 = T0.toEpochMilli();
    private static final long DAY = Instant.parse("2024-06-02T23:00:00Z").toEpochMilli();

    @Parameter
    StoreKind kind;
    @TempDir
    Path dir;
    private StoreKind.TestStore testStore;

    @BeforeEach
    void freshStore() {
        testStore = kind.fresh(dir);
    }

    private final CarbonPolicy policy = CollectorConfig.from(Settings.empty("test").override("time_zone", "Europe/London")
            .override("sites.Leeds DC.pue", "1.5").override("sites.Leeds DC.region", "London")
            .override("sites.Leeds DC.tariff.gbp_per_kwh", "0.20")).carbon();
    private final IntensityCache cache = new IntensityCache();
    private final ReportAccounting accounting = new ReportAccounting(policy, LONDON, cache);
    private final RollupRecompute recompute = RollupRecompute.afterImport(policy, accounting::dayStart);

    private void ingest(EstateStore store, Report r) {
        store.ingest(List.of(new EstateStore.Pending(r.deviceId(), r.sequence(), r.host().bootTime().toEpochMilli(), r.timestamp().toEpochMilli(),
                (previous, metered) -> accounting.plan(r, previous, r.timestamp().toEpochMilli(), null)))).await();
    }

    /** Two devices, each using 2 kWh over 10:00-11:00 UTC on 3 June 2024: one in Leeds DC (London region), one in an office. */
    private void twoHoursOfEnergy(EstateStore store) {
        for (String device : List.of("dc-1", "pc-1")) {
            String site = device.equals("dc-1") ? "Leeds DC" : "County Hall";
            ingest(store, report().device(device).label("site", site).at(T0).bootedAt(T0.minusSeconds(600)).counter(0).build());
            ingest(store, report().device(device).label("site", site).sequence(2).at(T0.plusSeconds(3600)).bootedAt(T0.minusSeconds(600))
                    .counter(2 * KWH).build());
        }
    }

    /** London's half-hours with the 10:30 gap imported first, then the two devices' energy ingested. */
    private CarbonStore londonDataThenEnergy(JdbcStore store) {
        CarbonStore carbon = new JdbcCarbonStore(store.database());
        carbon.importIntensity(IntensityFile.parse(Recordings.read("regional-intensity-regionid-13-2024-06-03.json"), Format.NESO, null, null),
                1L, recompute).await();
        cache.replaceAll(carbon.intensity().await());
        twoHoursOfEnergy(store);
        return carbon;
    }

    private double[] rollup(String device, String period, long bucket) throws Exception {
        try (Connection c = testStore.connectWithoutMigrating();
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT energy_joules, overhead_joules, carbon_grams, overhead_carbon_grams, td_carbon_grams, "
                     + "fallback_joules, cost_gbp FROM rollups WHERE device_id = '" + device + "' AND period = '" + period
                     + "' AND bucket_start_ms = " + bucket)) {
            rs.next();
            double[] row = new double[7];
            for (int i = 0; i < 7; i++) {
                row[i] = rs.getDouble(i + 1);
            }
            return row;
        }
    }

    private static void assertRow(double[] expected, double[] actual) {
        String[] names = {"energy_joules", "overhead_joules", "carbon_grams", "overhead_carbon_grams", "td_carbon_grams", "fallback_joules", "cost_gbp"};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-6, names[i]);
        }
    }

    @Test
    void rollupsHoldHandComputedFiguresAndFollowIntensityImportedLater() throws Exception {
        try (JdbcStore store = testStore.openStore()) {
            CarbonStore carbon = londonDataThenEnergy(store);

            // Leeds DC: 1 kWh per half-hour, PUE 1.5. 10:00 -> 100 g: 1 x 1.5 x 100 = 150 g; 10:30 has no value: DESNZ 2024
            // 207.05 g: 1 x 1.5 x 207.05 = 310.575 g. Carbon 460.575 g, overhead share 460.575 x 0.5 / 1.5 = 153.525 g;
            // overhead energy 1 kWh; T&D 2 x 1.5 x 18.30 (DESNZ 2024) = 54.9 g; fallback 1 kWh;
            // cost 3 kWh x £0.20 = £0.60.
            double[] leeds = {2 * KWH, KWH, 460.575, 153.525, 54.9, KWH, 0.60};
            assertRow(leeds, rollup("dc-1", "hour", HOUR_10));
            assertRow(leeds, rollup("dc-1", "day", DAY));
            // The office: national region, none imported: 2 x 207.05 = 414.1 g, T&D 2 x 18.30 = 36.6 g, all fallback, no tariff.
            double[] office = {2 * KWH, 0, 414.1, 0, 36.6, 2 * KWH, 0};
            assertRow(office, rollup("pc-1", "hour", HOUR_10));

            // 10:30 for London arrives later (200 g): 150 + 1 x 1.5 x 200 = 450 g, overhead 150 g, no fallback. T&D and cost stay.
            CarbonStore.ImportOutcome later = carbon.importIntensity(IntensityFile.parse(
                    Recordings.read("regional-intensity-2024-06-03T1030.json"), Format.NESO, null, null), 2L, recompute).await();
            assertEquals(1, later.recomputedRollups());
            double[] recomputed = {2 * KWH, KWH, 450, 150, 54.9, 0, 0.60};
            assertRow(recomputed, rollup("dc-1", "hour", HOUR_10));
            assertRow(recomputed, rollup("dc-1", "day", DAY));
            assertRow(office, rollup("pc-1", "hour", HOUR_10));
            // The device's running counter keeps the carbon known at ingest (a Prometheus counter must not go down).
            assertEquals(460.575, store.device("dc-1").await().orElseThrow().counted().carbonGramsTotal(), 1e-9);

            List<CarbonStore.Breakdown> bySite = carbon.breakdown("day", DAY, DAY + 86_400_000L, null).await();
            assertEquals(List.of("County Hall", "Leeds DC"), bySite.stream().map(CarbonStore.Breakdown::site).toList());
            assertEquals(450, bySite.get(1).totals().carbonGrams(), 1e-9);
            assertEquals(0.60, bySite.get(1).totals().costGbp(), 1e-12);
            assertEquals(414.1, bySite.get(0).totals().carbonGrams(), 1e-9);
            assertEquals(0.60, store.totals("day", DAY, DAY + 86_400_000L).await().costGbp(), 1e-12);
            assertEquals(54.9 + 36.6, store.totals("hour", HOUR_10, HOUR_10 + 1).await().tdCarbonGrams(), 1e-9);

            String before = carbon.intensityVersion().await();
            IntensityFormatException bad = assertThrows(IntensityFormatException.class, () -> carbon.importIntensity(
                    IntensityFile.parse(Recordings.read("malformed-regional-regionid-13.json"), Format.NESO, null, null), 3L, recompute).await());
            assertEquals("$.data[0].data[3].intensity.forecast: expected a number, got n/a", bad.getMessage());
            assertEquals(before, carbon.intensityVersion().await());
            assertRow(recomputed, rollup("dc-1", "hour", HOUR_10));
        }
    }

    @Test
    void recomputingWithNewSettingsReworksEveryPartOfTheChosenDaysOnly() throws Exception {
        try (JdbcStore store = testStore.openStore()) {
            CarbonStore carbon = londonDataThenEnergy(store);
            // Another 2024 generation factor is configured (say 0.150), County Hall turns out to have a PUE of 1.2, and a tariff of £0.30 is agreed.
            CarbonPolicy revised = CollectorConfig.from(Settings.empty("test").override("time_zone", "Europe/London")
                    .override("carbon.grid_factors_kgco2e_per_kwh.2024", "0.150").override("tariff.gbp_per_kwh", "0.30")
                    .override("sites.County Hall.pue", "1.2")
                    .override("sites.Leeds DC.pue", "1.5").override("sites.Leeds DC.region", "London")
                    .override("sites.Leeds DC.tariff.gbp_per_kwh", "0.20")).carbon();
            RollupRecompute withRevised = RollupRecompute.withCurrentSettings(revised, accounting::dayStart);
            assertEquals(0, carbon.recomputeRollups(DAY + 86_400_000L, DAY + 2 * 86_400_000L, withRevised).await(), "another day: nothing to do");
            assertEquals(2, carbon.recomputeRollups(DAY, DAY + 86_400_000L, withRevised).await());

            // County Hall: 2 kWh, PUE 1.2: overhead 0.4 kWh; 2.4 x 150 = 360 g, overhead 0.4 x 150 = 60 g; T&D 2.4 x 18.30 = 43.92 g;
            // all fallback (no national data); cost 2.4 x 0.30 = £0.72.
            double[] office = {2 * KWH, 0.4 * KWH, 360, 60, 43.92, 2 * KWH, 0.72};
            assertRow(office, rollup("pc-1", "hour", HOUR_10));
            assertRow(office, rollup("pc-1", "day", DAY));
            // Leeds DC: 1 kWh x 1.5 x 100 + 1 kWh x 1.5 x 150 (the new fallback) = 375 g, overhead a third: 125 g; T&D and cost as before.
            double[] leeds = {2 * KWH, KWH, 375, 125, 54.9, KWH, 0.60};
            assertRow(leeds, rollup("dc-1", "hour", HOUR_10));
            assertRow(leeds, rollup("dc-1", "day", DAY));
        }
    }

    @Test
    void aFailingImportStoresNoneOfItsHalfHours() throws Exception {
        try (JdbcStore store = testStore.openStore()) {
            CarbonStore carbon = new JdbcCarbonStore(store.database());
            twoHoursOfEnergy(store);
            var points = IntensityFile.parse(Recordings.read("regional-intensity-2024-06-03T1030.json"), Format.NESO, null, null);
            CarbonStore.Recomputer failing = (rows, series) -> {
                throw new IllegalStateException("disk full");
            };
            assertThrows(IllegalStateException.class, () -> carbon.importIntensity(points, 1L, failing).await());
            assertEquals(0, carbon.intensity().await().size());
            assertEquals("0@0", carbon.intensityVersion().await());
        }
    }

    @Test
    void aLaterForecastNeverReplacesAStoredActual() {
        try (JdbcStore store = testStore.openStore()) {
            CarbonStore carbon = new JdbcCarbonStore(store.database());
            carbon.importIntensity(IntensityFile.parse(Recordings.read("national-2024-06-03.json"), Format.NESO, null, null), 1L, recompute).await();
            CarbonStore.ImportOutcome forecast = carbon.importIntensity(IntensityFile.parse(
                    "from,to,gco2e_per_kwh,kind\n2024-06-03T09:00Z,2024-06-03T09:30Z,999,forecast\n2024-06-03T11:00Z,2024-06-03T11:30Z,111,forecast\n",
                    Format.CSV, "national", null), 2L, recompute).await();
            assertEquals(1, forecast.stored());
            assertEquals(137, carbon.intensity().await().get("national").at(Instant.parse("2024-06-03T09:00:00Z")).orElseThrow().gramsPerKwh());
            assertEquals(111, carbon.intensity().await().get("national").at(Instant.parse("2024-06-03T11:00:00Z")).orElseThrow().gramsPerKwh());
        }
    }
    /** Data quality: each rollup keeps its IT energy by provenance, from the reporting agent's power source. */
    @Test
    void rollupsKeepMeasuredAndModelledEnergyApart() throws Exception {
        try (JdbcStore store = testStore.openStore()) {
            for (String source : List.of("rapl", "model")) {
                String device = source.equals("rapl") ? "measured-1" : "modelled-1";
                ingest(store, report().device(device).source(source).at(T0).bootedAt(T0.minusSeconds(600)).counter(0).build());
                ingest(store, report().device(device).source(source).sequence(2).at(T0.plusSeconds(3600)).bootedAt(T0.minusSeconds(600))
                        .counter(2 * KWH).build());
            }
        }
        try (Connection c = testStore.connectWithoutMigrating();
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT device_id, period, measured_joules, modelled_joules, energy_joules FROM rollups ORDER BY device_id, period")) {
            int rows = 0;
            while (rs.next()) {
                boolean measured = rs.getString(1).equals("measured-1");
                assertEquals(measured ? 2 * KWH : 0, rs.getDouble(3), 1e-6, rs.getString(1) + " " + rs.getString(2));
                assertEquals(measured ? 0 : 2 * KWH, rs.getDouble(4), 1e-6, rs.getString(1) + " " + rs.getString(2));
                assertEquals(2 * KWH, rs.getDouble(5), 1e-6);
                rows++;
            }
            assertEquals(4, rows, "an hour and a day rollup each");
        }
    }
}
