package io.kilowatch.collector.sustainability;

import static io.kilowatch.collector.estate.Reports.report;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kilowatch.collector.CollectorConfig;
import io.kilowatch.collector.estate.EstateStore;
import io.kilowatch.collector.estate.Reports;
import io.kilowatch.collector.estate.ReportAccounting;
import io.kilowatch.collector.feature.Maths;
import io.kilowatch.collector.store.JdbcCalibrationStore;
import io.kilowatch.collector.store.JdbcStore;
import io.kilowatch.collector.store.JdbcSustainabilityStore;
import io.kilowatch.collector.store.StoreKind;
import io.kilowatch.core.carbon.EnergyFootprint;
import io.kilowatch.core.carbon.IntensitySeries;
import io.kilowatch.core.config.Settings;
import io.kilowatch.core.energy.UpstreamMeter;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Data quality follows where each interval's power came from: two modelled desktops over one day (15 January 2025,
 * Europe/London, UTC+0 then), one of them on a PDU outlet for 18 hours of it. The stores' real ingest path, the
 * carbon report and the summary; figures worked out by hand in the comments. No half-hourly intensity: 2025's DESNZ
 * factors, 177.00 g generation and 18.53 g T&D per kWh. On SQLite and PostgreSQL.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(StoreKind.class)
class UpstreamMeteredShareTest {
    private static final Instant DAY = Instant.parse("2025-01-15T00:00:00Z");
    private static final Instant NEXT_DAY = Instant.parse("2025-01-16T00:00:00Z");
    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private static final double KWH = 3_600_000;

    @Parameter
    StoreKind kind;
    @TempDir
    Path dataDir;
    private JdbcStore store;
    private JdbcCalibrationStore meters;
    private ReportAccounting accounting;
    private SustainabilityService sustainability;

    @BeforeEach
    void open() {
        CollectorConfig config = CollectorConfig.from(Settings.empty("test").override("time_zone", "Europe/London")
                .override("sustainability.targets.baseline_year", "2025"));
        store = kind.fresh(dataDir).openStore();
        meters = new JdbcCalibrationStore(store.database());
        accounting = new ReportAccounting(config.carbon(), config.timeZone(), region -> IntensitySeries.empty());
        sustainability = new SustainabilityService(config.sustainability(), store, new JdbcSustainabilityStore(store.database()), config.carbon(),
                region -> IntensitySeries.empty(), config.timeZone(), Maths.INLINE);
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** A desktop's agent reporting its model's 60 W: its counter at {@code at}, counted from the start of the day. */
    private static Reports desktop(String id, long sequence, Instant at) {
        return report().device(id).sequence(sequence).at(at).bootedAt(DAY.minusSeconds(3600)).counterStart(DAY).source("model").watts(60)
                .counter(60.0 * (at.getEpochSecond() - DAY.getEpochSecond()));
    }

    private void ingest(Reports r) {
        var built = r.build();
        store.ingest(List.of(new EstateStore.Pending(built.deviceId(), built.sequence(), built.host().bootTime().toEpochMilli(),
                built.timestamp().toEpochMilli(), (previous, metered) -> accounting.plan(built, previous, NOW.toEpochMilli(), null, metered))))
                .await();
    }

    private EnergyFootprint day(Instant from) {
        return store.totals("day", from.toEpochMilli(), from.plusSeconds(86_400).toEpochMilli()).await();
    }

    @Test
    void aDesktopOnAPduOutletCountsAsMeasuredForTheTimeTheOutletCovered() {
        ingest(desktop("pc-a", 1, DAY));
        ingest(desktop("pc-b", 1, DAY));
        // The PDU's outlet read pc-a at 40 W for 18 of the day's 24 hours, in two stretches of 9 h: 40 x 32,400 s = 1,296,000 J each.
        meters.addMeteredEnergy("pdu-1", DAY.plusSeconds(9 * 3600).toEpochMilli(), List.of(new UpstreamMeter.Increment("pc-a", 1_296_000, 32_400_000)))
                .await();
        meters.addMeteredEnergy("pdu-1", DAY.plusSeconds(18 * 3600).toEpochMilli(), List.of(new UpstreamMeter.Increment("pc-a", 1_296_000, 32_400_000)))
                .await();
        // A UPS that also lists pc-a is ignored: a device counts one meter, and the PDU measured it minutes ago.
        meters.addMeteredEnergy("ups-1", DAY.plusSeconds(18 * 3600 + 60).toEpochMilli(), List.of(new UpstreamMeter.Increment("pc-a", 999_999, 60_000)))
                .await();
        ingest(desktop("pc-a", 2, NEXT_DAY));
        ingest(desktop("pc-b", 2, NEXT_DAY));

        // pc-a: 2,592,000 J measured (0.72 kWh), and its model's 60 W for the 6 hours not covered: 1,296,000 J (0.36 kWh).
        // pc-b: its model's 60 W all day, 5,184,000 J (1.44 kWh). The day: 2.52 kWh, 0.72 measured and 1.80 modelled.
        EnergyFootprint jan15 = day(DAY);
        assertEquals(2.52 * KWH, jan15.itJoules(), 1e-6);
        assertEquals(0.72 * KWH, jan15.measuredJoules(), 1e-6);
        assertEquals(1.80 * KWH, jan15.modelledJoules(), 1e-6);

        // The report's shares: 0.72 / 2.52 = 0.285714... and 1.80 / 2.52 = 0.714285..., to 4 places. Scope 2: 2.52 x 177.00 g =
        // 446.04 g; T&D: 2.52 x 18.53 g = 46.6956 g.
        JsonObject totals = SustainabilityApi.json(sustainability.report(2025, 1, NOW).await()).getJsonObject("totals");
        assertEquals(2.52, totals.getDouble("energy_kwh"), 1e-9);
        assertEquals(0.72, totals.getDouble("measured_energy_kwh"), 1e-9);
        assertEquals(1.8, totals.getDouble("modelled_energy_kwh"), 1e-9);
        assertEquals(0.2857, totals.getJsonObject("data_quality").getDouble("measured_ratio"), 1e-12, totals.encode());
        assertEquals(0.7143, totals.getJsonObject("data_quality").getDouble("modelled_ratio"), 1e-12);
        assertEquals(0.0, totals.getJsonObject("data_quality").getDouble("imported_ratio"), 1e-12);
        assertEquals(0.446, totals.getDouble("scope2_kg"), 1e-9);
        assertEquals(0.047, totals.getDouble("scope3_td_kg"), 1e-9);
        // The same shares in the summary of the year so far, and per class.
        JsonObject summary = SustainabilityApi.json(sustainability.summary(NOW).await()).getJsonObject("totals");
        assertEquals(0.2857, summary.getJsonObject("data_quality").getDouble("measured_ratio"), 1e-12, summary.encode());
        JsonObject desktops = SustainabilityApi.json(sustainability.report(2025, null, NOW).await()).getJsonArray("by_class").getJsonObject(0);
        assertEquals(0.7143, desktops.getJsonObject("data_quality").getDouble("modelled_ratio"), 1e-12, desktops.encode());
        // And in the trajectory: the year asked for and each year of the path (2025, the baseline, measured from these figures).
        JsonObject trajectory = SustainabilityApi.json(sustainability.trajectory(2025, null, NOW).await());
        assertEquals(0.2857, trajectory.getJsonObject("data_quality").getDouble("measured_ratio"), 1e-12, trajectory.encode());
        JsonObject baseline = trajectory.getJsonArray("years").getJsonObject(0);
        assertEquals(2025, baseline.getInteger("year"));
        assertEquals(0.7143, baseline.getJsonObject("data_quality").getDouble("modelled_ratio"), 1e-12);

        // The outlet's energy was used up: pc-a's next minute is its model's again, 60 W x 60 s = 3,600 J, all modelled.
        ingest(desktop("pc-a", 3, NEXT_DAY.plusSeconds(60)));
        EnergyFootprint jan16 = day(NEXT_DAY);
        assertEquals(3_600, jan16.itJoules(), 1e-9);
        assertEquals(0, jan16.measuredJoules(), 1e-9);
        assertEquals(3_600, jan16.modelledJoules(), 1e-9);
    }
}
