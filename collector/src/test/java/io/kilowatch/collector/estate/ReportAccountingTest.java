package io.kilowatch.collector.estate;

import static io.kilowatch.collector.estate.Reports.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.collector.carbon.IntensityCache;
import io.kilowatch.core.carbon.AnnualGridFactors;
import io.kilowatch.core.carbon.CarbonPolicy;
import io.kilowatch.core.carbon.IntensitySeries;
import io.kilowatch.core.carbon.SiteCarbon;
import io.kilowatch.core.carbon.Tariff;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportAccountingTest {
    private static final ZoneId LONDON = ZoneId.of("Europe/London");
    private static final double KWH = 3_600_000;
    private static final SiteCarbon OFFICE = new SiteCarbon(AnnualGridFactors.ukDesnz(), AnnualGridFactors.ukDesnzTdLosses(), "13", 1.0,
            Tariff.flat("contract", 0.25));
    private final CarbonPolicy carbon = new CarbonPolicy(OFFICE, Map.of("Leeds DC", new SiteCarbon(AnnualGridFactors.ukDesnz(),
            AnnualGridFactors.ukDesnzTdLosses(), "national", 1.5, null)), LONDON);
    private final IntensityCache intensity = new IntensityCache();
    private final ReportAccounting accounting = new ReportAccounting(carbon, LONDON, intensity);

    @Test
    void theFirstReportSetsTheBaselineAndCountsNothing() {
        IngestPlan plan = accounting.plan(report().counter(5_000).build(), null, 1L, null);
        assertTrue(plan.newest());
        assertEquals(0, plan.device().counted().energyJoulesTotal());
        assertEquals(5_000, plan.device().power().counterJoules());
        assertEquals(List.of(), plan.rollups());
    }

    @Test
    void energyIsTheCounterIncreaseAndCarbonUsesTheYearsFactor() {
        Instant t0 = Instant.parse("2024-03-10T09:00:00Z");
        IngestPlan first = accounting.plan(report().at(t0).counter(1_000).build(), null, 1L, null);
        IngestPlan second = accounting.plan(report().sequence(2).at(t0.plusSeconds(15)).counter(1_000 + KWH).build(), first.device(), 2L, null);
        assertEquals(KWH, second.device().counted().energyJoulesTotal(), 1e-6);
        assertEquals(207.05, second.device().counted().carbonGramsTotal(), 1e-6);
        assertEquals(KWH, second.sample().energyJoules(), 1e-6);
        assertEquals(1_000 + KWH, second.device().power().counterJoules());
    }

    @Test
    void timeAsleepIsChargedAtTheClassesSleepPowerInTheHoursItSlept() {
        Instant evening = Instant.parse("2024-03-11T18:00:00Z");
        Instant morning = Instant.parse("2024-03-12T08:00:00Z");
        IngestPlan first = accounting.plan(report().at(evening).counter(1_000).build(), null, 1L, null);
        // the agent counted 600 J awake around the sleep; ENERGY STAR desktop sleep is 4 W (docs/carbon-reporting.md)
        IngestPlan woke = accounting.plan(report().sequence(2).at(morning.plusSeconds(15)).counter(1_600).slept(evening, morning).build(),
                first.device(), 2L, null);
        double asleep = 4.0 * 14 * 3600;
        assertEquals(600 + asleep, woke.device().counted().energyJoulesTotal(), 1e-6);
        assertEquals(List.of(new io.kilowatch.core.report.Report.Sleep(evening, morning)), woke.sleeps());
        double hour3 = woke.rollups().stream().filter(r -> r.period().equals(RollupIncrement.HOUR)
                && r.bucketStartMs() == Instant.parse("2024-03-12T03:00:00Z").toEpochMilli()).mapToDouble(r -> r.footprint().itJoules()).sum();
        // 4 W asleep in that hour, plus its share of the awake counter's 600 J, spread as ever over the whole gap
        assertEquals(4.0 * 3600 + 600.0 * 3600 / (14 * 3600 + 15), hour3, 1e-6, "in the night's hours, at 4 W");
        assertEquals(600 + asleep, woke.rollups().stream().filter(r -> r.period().equals(RollupIncrement.DAY))
                .mapToDouble(r -> r.footprint().itJoules()).sum(), 1e-6);

        // a server never sleeps by design: asleep it is charged at its off power, 0 W by default
        IngestPlan server = accounting.plan(report().device("srv").label("class", "server").at(evening).counter(0).build(), null, 1L, null);
        IngestPlan serverWoke = accounting.plan(report().device("srv").label("class", "server").sequence(2).at(morning.plusSeconds(15))
                .counter(600).slept(evening, morning).build(), server.device(), 2L, null);
        assertEquals(600, serverWoke.device().counted().energyJoulesTotal(), 1e-6);
        assertTrue(accounting.plan(report().sequence(3).at(morning.plusSeconds(30)).counter(1_700).stopping().build(), woke.device(), 3L, null).stopping());
    }

    @Test
    void aDataCentreSitesPueScalesCarbonNotEnergy() {
        Instant t0 = Instant.parse("2023-06-01T12:00:00Z");
        IngestPlan first = accounting.plan(report().label("site", "Leeds DC").at(t0).counter(0).build(), null, 1L, null);
        IngestPlan second = accounting.plan(report().label("site", "Leeds DC").sequence(2).at(t0.plusSeconds(15)).counter(KWH).build(),
                first.device(), 2L, null);
        assertEquals(KWH, second.device().counted().energyJoulesTotal(), 1e-6);
        assertEquals(207.07 * 1.5, second.device().counted().carbonGramsTotal(), 1e-6);
    }

    @Test
    void aCounterResetCountsTheNewCounterFromZero() {
        Instant t0 = Instant.parse("2026-03-10T09:00:00Z");
        IngestPlan first = accounting.plan(report().at(t0).counter(50_000).build(), null, 1L, null);
        IngestPlan reset = accounting.plan(report().sequence(2).at(t0.plusSeconds(15)).counter(300)
                .counterStart(t0.plusSeconds(5)).build(), first.device(), 2L, null);
        assertEquals(300, reset.device().counted().energyJoulesTotal(), 1e-9);
    }

    @Test
    void aCounterGoingBackWithoutANewStartIsRefused() {
        Instant t0 = Instant.parse("2026-03-10T09:00:00Z");
        IngestPlan first = accounting.plan(report().at(t0).counter(50_000).build(), null, 1L, null);
        IngestPlan back = accounting.plan(report().sequence(2).at(t0.plusSeconds(15)).counter(300).build(), first.device(), 2L, null);
        assertTrue(back.rejection().contains("went back"), back.rejection());
        assertEquals(first.device(), back.device());
        assertEquals(List.of(), back.rollups());
    }

    @Test
    void anAbsurdSequenceJumpIsRefused() {
        IngestPlan first = accounting.plan(report().counter(1).build(), null, 1L, null);
        IngestPlan jump = accounting.plan(report().sequence(5_000_000).counter(2).build(), first.device(), 2L, null);
        assertTrue(jump.rejection().contains("jumps"), jump.rejection());
        IngestPlan renumbered = accounting.plan(report().sequence(1_000_001).counter(2).build(), first.device(), 2L, null);
        assertEquals(null, renumbered.rejection());
    }

    @Test
    void aLateReportAddsItsSampleButNoEnergyAndLeavesTheDeviceAsItWas() {
        Instant t0 = Instant.parse("2026-03-10T09:00:00Z");
        IngestPlan first = accounting.plan(report().sequence(5).at(t0).counter(1_000).build(), null, 1L, null);
        IngestPlan late = accounting.plan(report().sequence(3).at(t0.minusSeconds(30)).counter(900).build(), first.device(), 2L, null);
        assertFalse(late.newest());
        assertEquals(first.device(), late.device());
        assertEquals(0, late.sample().energyJoules());
        assertEquals(List.of(), late.rollups());
    }

    @Test
    void energyAfterAGapIsSpreadOverTheHoursItCovers() {
        // 3 kWh reported at 12:00 for a device last heard of at 09:00 London time (GMT in March)
        Instant t0 = Instant.parse("2026-03-10T09:00:00Z");
        IngestPlan first = accounting.plan(report().at(t0).counter(0).build(), null, 1L, null);
        IngestPlan after = accounting.plan(report().sequence(2).at(t0.plusSeconds(3 * 3600)).counter(3 * KWH).build(), first.device(), 2L, null);
        List<RollupIncrement> hours = after.rollups().stream().filter(r -> r.period().equals(RollupIncrement.HOUR)).toList();
        assertEquals(3, hours.size());
        for (RollupIncrement h : hours) {
            assertEquals(KWH, h.energyJoules(), 1e-6);
        }
        List<RollupIncrement> days = after.rollups().stream().filter(r -> r.period().equals(RollupIncrement.DAY)).toList();
        assertEquals(1, days.size());
        assertEquals(Instant.parse("2026-03-10T00:00:00Z").toEpochMilli(), days.get(0).bucketStartMs());
        assertEquals(3 * KWH, days.get(0).energyJoules(), 1e-6);
    }

    @Test
    void daysFollowTheLocalCalendarInSummerTime() {
        // 23:30 UTC on 1 July is 00:30 on 2 July in London: the energy belongs to 2 July
        Instant t0 = Instant.parse("2026-07-01T23:30:00Z");
        IngestPlan first = accounting.plan(report().at(t0).counter(0).build(), null, 1L, null);
        IngestPlan next = accounting.plan(report().sequence(2).at(t0.plusSeconds(600)).counter(1_000).build(), first.device(), 2L, null);
        RollupIncrement day = next.rollups().stream().filter(r -> r.period().equals(RollupIncrement.DAY)).findFirst().orElseThrow();
        assertEquals(Instant.parse("2026-07-01T23:00:00Z").toEpochMilli(), day.bucketStartMs());
    }

    @Test
    void energyIsSplitAtHalfHoursAndEachHalfTakesItsIntensityWithTheRestApart() {
        // 1.5 kWh evenly over 10:15 .. 11:00 UTC, 3 June 2024 (BST), London region 13: 0.5 kWh in 10:15-10:30 at 100 g,
        // 1 kWh in 10:30-11:00 with no half-hourly value: DESNZ 2024 207.05 g. Carbon 50 + 207.05 = 257.05 g;
        // fallback 1 kWh; T&D 1.5 x 18.30 (DESNZ 2024) = 27.45 g; cost 1.5 x 0.25 = £0.375.
        intensity.replace("13", IntensitySeries.of(List.of(new IntensitySeries.Point(Instant.parse("2024-06-03T10:00:00Z"), 100,
                IntensitySeries.FORECAST, "NESO Carbon Intensity API regional, region 13 London"))));
        Instant t0 = Instant.parse("2024-06-03T10:15:00Z");
        IngestPlan first = accounting.plan(report().at(t0).counter(0).build(), null, 1L, null);
        IngestPlan next = accounting.plan(report().sequence(2).at(t0.plusSeconds(2700)).counter(1.5 * KWH).build(), first.device(), 2L, null);
        RollupIncrement hour = next.rollups().stream().filter(r -> r.period().equals(RollupIncrement.HOUR)).findFirst().orElseThrow();
        assertEquals(Instant.parse("2024-06-03T10:00:00Z").toEpochMilli(), hour.bucketStartMs());
        assertEquals(1.5 * KWH, hour.energyJoules(), 1e-6);
        assertEquals(0.5 * KWH, hour.firstHalfHourJoules(), 1e-6);
        assertEquals(257.05, hour.carbonGrams(), 1e-9);
        assertEquals(KWH, hour.footprint().fallbackJoules(), 1e-6);
        assertEquals(27.45, hour.footprint().tdCarbonGrams(), 1e-9);
        assertEquals(0.375, hour.footprint().costGbp(), 1e-12);
        assertEquals(0, hour.footprint().overheadJoules());
        assertEquals(257.05, next.device().counted().carbonGramsTotal(), 1e-9);
        RollupIncrement day = next.rollups().stream().filter(r -> r.period().equals(RollupIncrement.DAY)).findFirst().orElseThrow();
        assertEquals(hour.footprint().carbonGrams(), day.footprint().carbonGrams(), 1e-12);
        assertEquals(null, day.firstHalfHourJoules());
    }
    /**
     * Issue 15: Kathmandu is UTC+05:45, so local midnight of 2024-01-01 is 2023-12-31T18:15Z, inside the
     * half-hour 18:00-18:30Z. One kWh spread evenly over 18:00-19:00Z: a quarter (18:00-18:15) is 2023's last
     * day, three quarters are 2024's first day. Before the fix the whole 18:00-18:30 half-hour went to 2023.
     * Site with annual factors only (no region, no tariff, no T&D): 0.25 kWh x 207.07 g (2023) and
     * 0.75 kWh x 207.05 g (2024).
     */
    @Test
    void energyIsSplitAtLocalMidnightInsideAHalfHour() {
        ZoneId kathmandu = ZoneId.of("Asia/Kathmandu");
        SiteCarbon annual = new SiteCarbon(AnnualGridFactors.ukDesnz(), null, null, 1.0, null);
        ReportAccounting nepal = new ReportAccounting(new CarbonPolicy(annual, Map.of(), kathmandu), kathmandu, intensity);
        List<RollupIncrement> rollups = nepal.spread("d1", KWH, Instant.parse("2023-12-31T18:00:00Z"), Instant.parse("2023-12-31T19:00:00Z"), null, 1.0);
        long dec31 = Instant.parse("2023-12-30T18:15:00Z").toEpochMilli();
        long jan1 = Instant.parse("2023-12-31T18:15:00Z").toEpochMilli();
        Map<Long, RollupIncrement> days = new java.util.HashMap<>();
        rollups.stream().filter(r -> r.period().equals(RollupIncrement.DAY)).forEach(r -> days.put(r.bucketStartMs(), r));
        assertEquals(java.util.Set.of(dec31, jan1), days.keySet());
        assertEquals(KWH / 4, days.get(dec31).energyJoules(), 1e-6);
        assertEquals(KWH * 3 / 4, days.get(jan1).energyJoules(), 1e-6);
        assertEquals(0.25 * 207.07, days.get(dec31).carbonGrams(), 1e-9);
        assertEquals(0.75 * 207.05, days.get(jan1).carbonGrams(), 1e-9);
        // The UTC hour still holds it all, with its first half-hour's energy kept apart for recomputes.
        RollupIncrement hour = rollups.stream().filter(r -> r.period().equals(RollupIncrement.HOUR)).findFirst().orElseThrow();
        assertEquals(KWH, hour.energyJoules(), 1e-6);
        assertEquals(KWH / 2, hour.firstHalfHourJoules(), 1e-6);
    }

    /**
     * India is UTC+05:30 and Newfoundland UTC-03:30 (-02:30 in summer): local midnight also falls inside a half-hour.
     * Lord Howe Island moves by half an hour for summer time (+10:30 to +11:00 at 02:00 on 6 October 2024), so that
     * day is 23.5 hours and the next midnight is 13:00Z where the one before was 13:30Z.
     */
    @Test
    void halfHourOffsetsAlsoSplitAtLocalMidnight() {
        for (String[] c : new String[][] {{"Asia/Kolkata", "2024-03-09T18:00:00Z", "2024-03-09T18:30:00Z"},
                {"America/St_Johns", "2024-03-10T03:00:00Z", "2024-03-10T03:30:00Z"},
                {"Australia/Lord_Howe", "2024-10-06T12:30:00Z", "2024-10-06T13:00:00Z"}}) {
            ZoneId zone = ZoneId.of(c[0]);
            ReportAccounting local = new ReportAccounting(new CarbonPolicy(new SiteCarbon(AnnualGridFactors.ukDesnz(), null, null, 1.0, null),
                    Map.of(), zone), zone, intensity);
            // An hour of energy from 18:00Z (23:30 local) / 03:00Z (23:30 local): half on each local day.
            List<RollupIncrement> days = local.spread("d1", KWH, Instant.parse(c[1]), Instant.parse(c[1]).plusSeconds(3600), null, 0).stream()
                    .filter(r -> r.period().equals(RollupIncrement.DAY)).toList();
            assertEquals(2, days.size(), c[0]);
            assertEquals(Instant.parse(c[2]).toEpochMilli(), days.get(1).bucketStartMs(), c[0] + ": local midnight");
            assertEquals(KWH / 2, days.get(0).energyJoules(), 1e-6, c[0]);
            assertEquals(KWH / 2, days.get(1).energyJoules(), 1e-6, c[0]);
        }
    }

    @Test
    void sessionsAreCountedByLocalDayFromTheAgentsSessionCounts() {
        Instant boot = Instant.parse("2026-03-10T07:00:00Z");
        Instant t = Instant.parse("2026-03-10T09:00:00Z");
        IngestPlan first = accounting.plan(report().bootedAt(boot).at(t).sessions(2).build(), null, 1L, null);
        assertEquals(new SessionIncrement("pc-1", accounting.dayStart(t), 30, 2), first.sessions(), "two users logged in: both sessions begun");
        IngestPlan more = accounting.plan(report().bootedAt(boot).sequence(2).at(t.plusSeconds(15)).counter(10).sessions(3).build(),
                first.device(), 2L, null);
        assertEquals(new SessionIncrement("pc-1", accounting.dayStart(t), 45, 1), more.sessions(), "one more user");
        IngestPlan fewer = accounting.plan(report().bootedAt(boot).sequence(3).at(t.plusSeconds(30)).counter(20).sessions(1).build(),
                more.device(), 3L, null);
        assertEquals(new SessionIncrement("pc-1", accounting.dayStart(t), 15, 0), fewer.sessions(), "users leaving begin nothing");
        Instant reboot = t.plusSeconds(600);
        IngestPlan rebooted = accounting.plan(report().bootedAt(reboot).sequence(4).at(reboot.plusSeconds(60)).counter(0)
                .counterStart(reboot).sessions(1).build(), fewer.device(), 4L, null);
        assertEquals(1, rebooted.sessions().sessionsStarted(), "after a boot every session is a new one");
        assertNull(accounting.plan(report().bootedAt(boot).sequence(5).at(reboot.plusSeconds(75)).counter(5).counterStart(reboot)
                .sessions(null).build(), rebooted.device(), 5L, null).sessions(), "an agent that counts no sessions adds none");
    }

    /** A day's rollup increments of a plan, as {measured, modelled} joules. */
    private static double[] provenance(IngestPlan plan) {
        return plan.rollups().stream().filter(r -> r.period().equals(RollupIncrement.DAY))
                .map(r -> new double[] {r.measuredJoules(), r.modelledJoules()}).reduce(new double[2], (a, b) -> new double[] {a[0] + b[0], a[1] + b[1]});
    }

    /**
     * Each interval's energy counts as measured or modelled by where its power came from: an SNMP device's own power object
     * (a UPS's output, a PDU's inlet: source snmp) is measured, one on its class model is modelled; a modelled device that an
     * upstream meter (a PDU outlet, a UPS feeding it) measured gets the meter's energy for the time it covered.
     */
    @Test
    void provenanceFollowsWhereEachIntervalsPowerCameFrom() {
        Instant t0 = Instant.parse("2025-03-04T10:00:00Z");
        // 60 s at 100 W by the counter: 6,000 J.
        for (String source : List.of("snmp", "model")) {
            IngestPlan first = accounting.plan(report().device("sw-1").label("class", "switch").source(source).at(t0).counter(0).build(), null, 1L, null);
            IngestPlan next = accounting.plan(report().device("sw-1").label("class", "switch").source(source).sequence(2).at(t0.plusSeconds(60))
                    .counter(6_000).build(), first.device(), 2L, null);
            double[] split = provenance(next);
            assertEquals(source.equals("snmp") ? 6_000 : 0, split[0], 1e-9, source);
            assertEquals(source.equals("snmp") ? 0 : 6_000, split[1], 1e-9, source);
        }

        // A modelled desktop whose PDU outlet measured 4,000 J over 30 of its 60 s: 4,000 J measured, plus the model's
        // 6,000 J x 30 / 60 = 3,000 J modelled for the half the outlet did not cover; the device's total and sample follow.
        IngestPlan first = accounting.plan(report().at(t0).counter(0).build(), null, 1L, null);
        IngestPlan metered = accounting.plan(report().sequence(2).at(t0.plusSeconds(60)).counter(6_000).build(), first.device(), 2L, null,
                new MeteredEnergy(4_000, 30_000));
        assertEquals(4_000, provenance(metered)[0], 1e-9);
        assertEquals(3_000, provenance(metered)[1], 1e-9);
        assertEquals(7_000, metered.device().counted().energyJoulesTotal(), 1e-9);
        assertEquals(7_000, metered.sample().energyJoules(), 1e-9);
        // Covered all along: the meter's energy alone.
        IngestPlan covered = accounting.plan(report().sequence(2).at(t0.plusSeconds(60)).counter(6_000).build(), first.device(), 2L, null,
                new MeteredEnergy(4_000, 60_000));
        assertEquals(4_000, provenance(covered)[0], 1e-9);
        assertEquals(0, provenance(covered)[1], 1e-9);
        // A device measuring itself keeps its own reading.
        IngestPlan rapl = accounting.plan(report().source("rapl").sequence(2).at(t0.plusSeconds(60)).counter(6_000).build(), first.device(), 2L,
                null, new MeteredEnergy(4_000, 60_000));
        assertEquals(6_000, provenance(rapl)[0], 1e-9);
        assertEquals(0, provenance(rapl)[1], 1e-9);
        // After a clean stop the interval holds off time, charged apart: the model's energy stands.
        IngestPlan stopping = accounting.plan(report().sequence(2).at(t0.plusSeconds(60)).counter(6_000).stopping().build(), first.device(), 2L, null);
        IngestPlan back = accounting.plan(report().sequence(3).at(t0.plusSeconds(600)).bootedAt(t0.plusSeconds(540)).counterStart(t0.plusSeconds(540))
                .counter(6_000).build(), stopping.device(), 3L, null, new MeteredEnergy(4_000, 60_000));
        assertEquals(0, provenance(back)[0], 1e-9);
    }
}
