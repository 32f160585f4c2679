package io.kilowatch.collector.history;

import io.kilowatch.collector.feature.Maths;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kilowatch.collector.CollectorConfig;
import io.kilowatch.collector.store.JdbcHistoryStore;
import io.kilowatch.collector.store.JdbcStore;
import io.kilowatch.collector.store.JdbcSustainabilityStore;
import io.kilowatch.collector.sustainability.SustainabilityApi;
import io.kilowatch.collector.store.StoreKind;
import io.kilowatch.collector.sustainability.SustainabilityService;
import io.kilowatch.core.carbon.IntensitySeries;
import io.kilowatch.core.config.Settings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A council's meter readings from before Kilowatch, across the 2024/2025 year boundary, imported into the
 * real store and read back through the carbon report, the trajectory and the overview's totals; figures
 * worked out by hand in the comments. Time zone Europe/London (UTC+0 in winter). No half-hourly intensity
 * is stored, so every kWh takes its year's DESNZ generation factor (2024: 207.05 g, 2025: 177.00 g) and
 * T&D factor (2024: 18.30 g; 2025: 18.53 g). On SQLite and PostgreSQL.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(StoreKind.class)
class HistoryImportTest {
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    static final String FILE = """
            scope,subject,start,resolution,energy_kwh,org,site,class
            # County Hall's main meter, by month
            site,County Hall,2024-12,month,310,Council A,,
            site,County Hall,2025-01,month,310,Council A,,
            # Council B's supplier gave days
            org,Council B,2024-12-31,day,24,,,
            org,Council B,2025-01-01,day,24,,,
            # a server's PDU outlet, by half-hour, on each side of midnight
            device,srv-old,2024-12-31T23:30:00Z,half_hour,1,Council A,County Hall,server
            device,srv-old,2025-01-01T00:00:00Z,half_hour,1,Council A,County Hall,server
            """;

    @Parameter
    StoreKind kind;
    @TempDir
    Path dataDir;
    private JdbcStore store;
    private HistoryImport history;
    private SustainabilityService sustainability;

    @BeforeEach
    void open() {
        CollectorConfig config = CollectorConfig.from(Settings.empty("test").override("time_zone", "Europe/London")
                .override("sustainability.targets.baseline_year", "2024").override("sustainability.targets.annual_reduction_percent", "10"));
        store = kind.fresh(dataDir).openStore();
        history = new HistoryImport(new JdbcHistoryStore(store.database()), store, config.carbon(), region -> IntensitySeries.empty(), config.timeZone(),
                Maths.INLINE);
        sustainability = new SustainabilityService(config.sustainability(), store, new JdbcSustainabilityStore(store.database()), config.carbon(),
                region -> IntensitySeries.empty(), config.timeZone(), Maths.INLINE);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private double overviewKwh(String from, String to) {
        return store.totals("day", Instant.parse(from).toEpochMilli(), Instant.parse(to).toEpochMilli()).await().itJoules() / 3_600_000;
    }

    @Test
    void lastYearsMeterReadingsAcrossTheYearBoundaryAreReportedAsImported() {
        HistoryImport.Outcome outcome = history.run(FILE, NOW.toEpochMilli()).await();
        assertEquals(6, outcome.rows());
        assertEquals(670.0, outcome.energyKwh(), 1e-9);
        // December's month is 31 local days and January's 31: 62 day parts, plus 2 days and 2 half-hours.
        assertEquals(66, outcome.days());

        // 2024: 310 + 24 + 1 = 335 kWh. Scope 2: 335 x 207.05 g = 69,361.75 g. T&D: 335 x 18.30 g = 6,130.5 g.
        JsonObject y2024 = SustainabilityApi.json(sustainability.report(2024, null, NOW).await()).getJsonObject("totals");
        assertEquals(335.0, y2024.getDouble("energy_kwh"), 1e-9);
        assertEquals(335.0, y2024.getDouble("imported_energy_kwh"), 1e-9);
        assertEquals(69.362, y2024.getDouble("scope2_kg"), 1e-9);
        assertEquals(6.131, y2024.getDouble("scope3_td_kg"), 1e-9);
        assertEquals(75.492, y2024.getDouble("operational_kg"), 1e-9);
        assertEquals(1.0, y2024.getJsonObject("data_quality").getDouble("imported_ratio"));
        assertEquals(0.0, y2024.getJsonObject("data_quality").getDouble("measured_ratio"));
        // 2025: 310 + 24 + 1 = 335 kWh at 177.00 g: 59,295 g; T&D 335 x 18.53 g = 6,207.55 g.
        JsonObject y2025 = SustainabilityApi.json(sustainability.report(2025, null, NOW).await()).getJsonObject("totals");
        assertEquals(335.0, y2025.getDouble("energy_kwh"), 1e-9);
        assertEquals(59.295, y2025.getDouble("scope2_kg"), 1e-9);
        assertEquals(6.208, y2025.getDouble("scope3_td_kg"), 1e-9);
        // By organisation in 2024: Council A 310 + 1 = 311 kWh, Council B 24 kWh; the server by its class.
        JsonArray byOrg = SustainabilityApi.json(sustainability.report(2024, null, NOW).await()).getJsonArray("by_org");
        assertEquals(311.0, byOrg.getJsonObject(0).getJsonObject("total").getDouble("energy_kwh"), 1e-9);
        assertEquals("Council B", byOrg.getJsonObject(1).getString("org"));
        assertEquals(24.0, byOrg.getJsonObject(1).getJsonObject("total").getDouble("energy_kwh"), 1e-9);

        // The baseline is measured from the imported year: 75.49225 kg, not typed in.
        JsonObject trajectory = SustainabilityApi.json(sustainability.trajectory(2025, null, NOW).await());
        assertEquals(75.492, trajectory.getDouble("baseline_kg"), 1e-3, trajectory.encode());
        assertEquals("measured by Kilowatch in 2024 (including 335.000 kWh of imported history)", trajectory.getString("baseline_source"));

        // The overview's day totals hold the same energy.
        assertEquals(335.0, overviewKwh("2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z"), 1e-9);
        assertEquals(1.0 + 24 + 10, overviewKwh("2024-12-31T00:00:00Z", "2025-01-01T00:00:00Z"), 1e-9, "31 December: its tenth of the month");

        // Importing the same file again replaces it: nothing counts twice.
        history.run(FILE, NOW.toEpochMilli()).await();
        assertEquals(335.0, overviewKwh("2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z"), 1e-9);
    }

    /**
     * Well-to-tank lines, configured (test figures, not DESNZ's: 50 g/kWh for generation, 5 g for T&D, in
     * 2024), are scope 3 apart: 2024's 335 kWh gives 335 x 55 g = 18.425 kg, and operational stays 75.492 kg.
     * A site on another grid (its own factors) gets none: Paris's 10 kWh adds no WTT.
     */
    @Test
    void wellToTankIsReportedApartWhereConfigured() {
        CollectorConfig config = CollectorConfig.from(Settings.empty("test").override("time_zone", "Europe/London")
                .override("carbon.wtt_generation_kgco2e_per_kwh.2024", "0.05").override("carbon.wtt_td_kgco2e_per_kwh.2024", "0.005")
                .override("sites.Paris.grid_factors_kgco2e_per_kwh.2024", "0.033"));
        HistoryImport withWtt = new HistoryImport(new JdbcHistoryStore(store.database()), store, config.carbon(), region -> IntensitySeries.empty(),
                config.timeZone(), Maths.INLINE);
        withWtt.run(FILE + "site,Paris,2024-06,month,10,Council A,,\n", NOW.toEpochMilli()).await();
        SustainabilityService service = new SustainabilityService(config.sustainability(), store, new JdbcSustainabilityStore(store.database()),
                config.carbon(), region -> IntensitySeries.empty(), config.timeZone(), Maths.INLINE);
        JsonObject report = SustainabilityApi.json(service.report(2024, null, NOW).await());
        JsonObject totals = report.getJsonObject("totals");
        assertEquals(18.425, totals.getDouble("scope3_wtt_kg"), 1e-9);
        // Operational: 75.492 kg as before, plus Paris's 10 kWh x 33 g = 0.33 kg (no UK T&D there).
        assertEquals(75.822, totals.getDouble("operational_kg"), 1e-9);
        assertEquals(18.425, report.getJsonArray("scopes").getJsonObject(3).getDouble("kg"));
        assertEquals("upstream", report.getJsonArray("scopes").getJsonObject(3).getString("kind"));
    }

    /**
     * Months with a clock change in Europe/London: March 2025 has 743 hours (30 March has 23), October 745
     * (26 October has 25). A month's energy is spread evenly over its hours, so 743 kWh gives 1 kWh an hour:
     * 23 kWh on 30 March, 24 on the day before and 24 on 31 March, whose local day ends at 23:00 UTC.
     */
    @Test
    void aMonthAcrossAClockChangeIsSpreadOverItsHours() {
        history.run("""
                scope,subject,start,resolution,energy_kwh
                site,Depot,2025-03,month,743
                site,Depot,2025-10,month,745
                """, NOW.toEpochMilli()).await();
        assertEquals(24.0, overviewKwh("2025-03-29T00:00:00Z", "2025-03-30T00:00:00Z"), 1e-9);
        assertEquals(23.0, overviewKwh("2025-03-30T00:00:00Z", "2025-03-30T23:00:00Z"), 1e-9);
        assertEquals(24.0, overviewKwh("2025-03-30T23:00:00Z", "2025-03-31T23:00:00Z"), 1e-9);
        assertEquals(743.0, overviewKwh("2025-03-01T00:00:00Z", "2025-03-31T23:00:00Z"), 1e-9);
        assertEquals(25.0, overviewKwh("2025-10-25T23:00:00Z", "2025-10-27T00:00:00Z"), 1e-9);
        assertEquals(745.0 + 743.0, overviewKwh("2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z"), 1e-9);
    }

    @Test
    void aMalformedFileImportsNothingAndNamesTheLine() {
        String bad = FILE.replace("org,Council B,2025-01-01,day,24", "org,Council B,2025-01-01,day,24 kWh");
        HistoryFormatException e = assertThrows(HistoryFormatException.class, () -> history.run(bad, NOW.toEpochMilli()).await());
        assertEquals("line 7, field energy_kwh: not a number: '24 kWh'", e.getMessage());
        assertEquals(0.0, overviewKwh("2020-01-01T00:00:00Z", "2026-01-01T00:00:00Z"));
    }

    @Test
    void aRowOverlappingStoredHistoryOfTheSameSubjectImportsNothing() {
        history.run(FILE, NOW.toEpochMilli()).await();
        String days = """
                scope,subject,start,resolution,energy_kwh
                site,Depot,2024-12-14,day,5
                site,County Hall,2024-12-15,day,10
                """;
        HistoryFormatException e = assertThrows(HistoryFormatException.class, () -> history.run(days, NOW.toEpochMilli()).await());
        assertEquals("line 3: overlaps the month from 2024-12-01T00:00:00Z already imported for the same subject; import it at one "
                + "resolution only (a row with the same start and resolution replaces the stored one)", e.getMessage());
        assertEquals(335.0, overviewKwh("2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z"), 1e-9, "the Depot's row was not stored either");

        // The other way round: a month over days already stored names the earliest of them.
        history.run("scope,subject,start,resolution,energy_kwh\nsite,Depot,2025-02-20,day,5\nsite,Depot,2025-02-10,day,5\n", NOW.toEpochMilli()).await();
        e = assertThrows(HistoryFormatException.class, () -> history.run("scope,subject,start,resolution,energy_kwh\nsite,Depot,2025-02,month,300\n",
                NOW.toEpochMilli()).await());
        assertEquals("line 2: overlaps the day from 2025-02-10T00:00:00Z already imported for the same subject; import it at one "
                + "resolution only (a row with the same start and resolution replaces the stored one)", e.getMessage());
    }
}
