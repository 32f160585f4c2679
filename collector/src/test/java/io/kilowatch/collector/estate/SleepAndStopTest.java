package io.kilowatch.collector.estate;

import static io.kilowatch.collector.estate.Reports.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.collector.alerting.DeviceDownSource;
import io.kilowatch.collector.carbon.IntensityCache;
import io.kilowatch.core.carbon.AnnualGridFactors;
import io.kilowatch.core.carbon.CarbonPolicy;
import io.kilowatch.core.carbon.ClassFootprints;
import io.kilowatch.core.carbon.SiteCarbon;
import io.kilowatch.core.carbon.WorkingHours;
import io.kilowatch.collector.store.JdbcStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sleep and clean stops through the estate: a desktop asleep or stopped is not down (no device_down, its
 * availability not charged); a server asleep is down; a desktop silent in working hours without a clean
 * stop is down.
 */
class SleepAndStopTest {
    private static final ZoneId LONDON = ZoneId.of("Europe/London");
    private final ReportAccounting accounting = new ReportAccounting(new CarbonPolicy(new SiteCarbon(AnnualGridFactors.ukDesnz(),
            AnnualGridFactors.ukDesnzTdLosses(), "national", 1.0, null), Map.of(), LONDON), LONDON, new IntensityCache());
    private final Estate estate = new Estate(3);
    private final DeviceDownSource deviceDown = new DeviceDownSource(estate);

    SleepAndStopTest() {
        ClassFootprints footprints = ClassFootprints.defaults();
        estate.sleepPolicy(new Estate.SleepPolicy(c -> footprints.forClass(c).sleepWatts().isPresent(), site -> WorkingHours.officeHours(LONDON)));
    }

    /** Stores a report as ingest would and returns the plan. */
    private IngestPlan store(Reports r) {
        var report = r.build();
        DeviceRow previous = estate.row(report.deviceId());
        IngestPlan plan = accounting.plan(report, previous, report.timestamp().toEpochMilli(), null);
        estate.update(plan);
        return plan;
    }

    private List<String> down(Instant now) {
        return deviceDown.conditionsAt(now).stream().map(c -> c.labels().get("device")).sorted().toList();
    }

    @Test
    void aCleanStopIsExpectedForADesktopAndDownForAServer() {
        Instant boot = Instant.parse("2026-03-10T07:00:00Z");
        Instant t = Instant.parse("2026-03-10T12:00:00Z"); // a Tuesday, in working hours
        for (String device : List.of("pc-1", "srv-1", "pc-2")) {
            String cls = device.startsWith("srv") ? "server" : "desktop";
            store(report().device(device).label("class", cls).bootedAt(boot).at(t).counter(0));
            Reports last = report().device(device).label("class", cls).bootedAt(boot).sequence(2).at(t.plusSeconds(15)).counter(100);
            store(device.equals("pc-2") ? last : last.stopping());
        }
        Instant later = t.plus(Duration.ofMinutes(30));
        assertEquals(List.of("pc-2", "srv-1"), down(later), "a server that stops is down; so is a desktop silent in hours without a clean stop");
        assertTrue(estate.silenceExpected(estate.row("pc-1"), later));
        assertFalse(estate.silenceExpected(estate.row("srv-1"), later));

        Instant night = Instant.parse("2026-03-10T22:00:00Z");
        assertEquals(List.of("srv-1"), down(night), "out of hours a silent desktop is presumed asleep or off");
        double desktop = estate.availability(estate.row("pc-1"), Duration.ofHours(24), later).orElseThrow();
        double server = estate.availability(estate.row("srv-1"), Duration.ofHours(24), later).orElseThrow();
        assertEquals(1.0, desktop, 1e-9, "stopped cleanly: its off time is not charged");
        assertEquals((5 * 3600 + 15) / (5.5 * 3600), server, 1e-9, "the server is down from its stop, with no allowance after it");

        // the desktop boots again next morning: the stop closes at the new boot and is still not charged
        Instant morning = Instant.parse("2026-03-11T08:00:00Z");
        store(report().device("pc-1").bootedAt(morning).sequence(3).at(morning.plusSeconds(60)).counter(0).counterStart(morning));
        assertFalse(estate.silenceExpected(estate.row("pc-1"), morning.plusSeconds(60)));
        assertEquals(1.0, estate.availability(estate.row("pc-1"), Duration.ofHours(24), morning.plusSeconds(60)).orElseThrow(), 1e-9);
    }

    @Test
    void aReportedSleepIsNotUpAndCountsDownOnlyForAServer() {
        Instant boot = Instant.parse("2026-03-10T07:00:00Z");
        Instant t = Instant.parse("2026-03-10T09:00:00Z");
        for (String cls : List.of("desktop", "server")) {
            String device = cls + "-1";
            store(report().device(device).label("class", cls).bootedAt(boot).at(t).counter(0));
            store(report().device(device).label("class", cls).bootedAt(boot).sequence(2).at(t.plus(Duration.ofHours(2))).counter(50)
                    .slept(t.plusSeconds(15), t.plus(Duration.ofHours(1)).plusSeconds(15)));
        }
        Instant now = t.plus(Duration.ofHours(2));
        assertEquals(1.0, estate.availability(estate.row("desktop-1"), Duration.ofHours(24), now).orElseThrow(), 1e-9);
        assertEquals(3.0 / 4.0, estate.availability(estate.row("server-1"), Duration.ofHours(24), now).orElseThrow(), 1e-9,
                "observed from boot (07:00) to 11:00: 4 h, one of them asleep");
        assertEquals(4.0 * 3600, estate.row("desktop-1").counted().energyJoulesTotal() - 50, 1e-6, "an hour at the desktop's 4 W sleep power");
    }

    @Test
    void cleanStopsAndSleepsAreKeptInTheStoreAndSurviveARestart(@TempDir Path dir) {
        Instant boot = Instant.parse("2026-03-10T07:00:00Z");
        Instant t = Instant.parse("2026-03-10T09:00:00Z"); // working hours: a silent desktop is down unless it stopped cleanly
        try (JdbcStore store = JdbcStore.sqlite(dir)) {
            for (Reports r : List.of(
                    report().device("pc-1").bootedAt(boot).at(t).counter(0),
                    report().device("pc-1").bootedAt(boot).sequence(2).at(t.plus(Duration.ofHours(2))).counter(50)
                            .slept(t.plusSeconds(15), t.plus(Duration.ofHours(1)).plusSeconds(15)),
                    report().device("pc-1").bootedAt(boot).sequence(3).at(t.plus(Duration.ofHours(2)).plusSeconds(15)).counter(60).stopping())) {
                var report = r.build();
                store.ingest(List.of(new EstateStore.Pending(report.deviceId(), report.sequence(), report.host().bootTime().toEpochMilli(),
                        report.timestamp().toEpochMilli(), (previous, metered) -> accounting.plan(report, previous, report.timestamp().toEpochMilli(), null)))).await();
            }
        }
        Instant later = t.plus(Duration.ofHours(3));
        Estate restarted = new Estate(3);
        ClassFootprints footprints = ClassFootprints.defaults();
        restarted.sleepPolicy(new Estate.SleepPolicy(c -> footprints.forClass(c).sleepWatts().isPresent(), site -> WorkingHours.officeHours(LONDON)));
        try (JdbcStore store = JdbcStore.sqlite(dir)) {
            restarted.load(store.changesSince(0, 0).await());
        }
        DeviceRow pc = restarted.row("pc-1");
        assertEquals(Estate.State.EXPECTED_OFF, restarted.state(pc, later), "stopped cleanly before the restart: still not down");
        assertEquals(1.0, restarted.availability(pc, Duration.ofHours(24), later).orElseThrow(), 1e-9,
                "neither the sleep nor the time since the stop is charged");
        assertTrue(new DeviceDownSource(restarted).conditionsAt(later).isEmpty());
    }
}
