package io.kilowatch.core.carbon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.core.service.Span;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Oracle figures worked by hand in the comments; the recorded NESO forecast is checked in CarbonWindowsApiTest. */
class CarbonWindowsTest {
    // Half-hours from 10:00 UTC: 200, 100, 50, 300, 80 gCO2e/kWh, then nothing known.
    private static final IntensitySeries SERIES = IntensitySeries.of(List.of(
            p("10:00", 200), p("10:30", 100), p("11:00", 50), p("11:30", 300), p("12:00", 80)));

    private static IntensitySeries.Point p(String hhmm, double grams) {
        return new IntensitySeries.Point(t(hhmm), grams, IntensitySeries.FORECAST, "test");
    }

    private static Instant t(String hhmm) {
        return Instant.parse("2026-03-10T" + hhmm + ":00Z");
    }

    /** 1 kWh: one hour at 1000 W. */
    private static CarbonWindows.Job job(Span allowed, String deadline, String defaultStart) {
        return new CarbonWindows.Job("patching", Duration.ofHours(1), 1000, List.of(allowed), t("10:00"), t(deadline), t(defaultStart));
    }

    @Test
    void picksTheLowestCarbonHourBeforeTheDeadline() {
        // 10:00 (200+100)/2 = 150 g; 10:30 (100+50)/2 = 75 g; 11:00 (50+300)/2 = 175 g; 11:30 (300+80)/2 = 190 g;
        // 12:00 would end at 13:00, after the 12:30 deadline. Best 10:30 at 75 g; by default (10:00) 150 g: 75 g saved.
        CarbonWindows.Plan plan = CarbonWindows.plan(job(Span.of(t("10:00"), t("13:00")), "12:30", "10:00"), SERIES, 200, "region 13 London");
        CarbonWindows.Slot best = plan.best().orElseThrow();
        assertEquals(t("10:30"), best.start());
        assertEquals(t("11:30"), best.end());
        assertEquals(75, best.grams(), 1e-9);
        assertEquals(75, best.meanGramsPerKwh(plan.job()), 1e-9);
        assertEquals(150, plan.atDefault().grams(), 1e-9);
        assertEquals(75, plan.savingGrams(), 1e-9);
        assertTrue(plan.forecast());
        assertEquals("half-hourly forecast for region 13 London", plan.basis());
    }

    @Test
    void aWindowOffTheHalfHourStartsAtItsOwnStartThenOnHalfHours() {
        // Allowed 10:15-12:00: starts 10:15, 10:30, 11:00. 10:15 is 1/4 h at 200, 1/2 h at 100, 1/4 h at 50 = 112.5 g.
        CarbonWindows.Job job = job(Span.of(t("10:15"), t("12:00")), "12:30", "10:15");
        assertEquals(List.of(t("10:15"), t("10:30"), t("11:00")), CarbonWindows.starts(job));
        CarbonWindows.Plan plan = CarbonWindows.plan(job, SERIES, 200, "national");
        assertEquals(112.5, plan.atDefault().grams(), 1e-9);
        assertEquals(t("10:30"), plan.best().orElseThrow().start());
        assertEquals(37.5, plan.savingGrams(), 1e-9);
    }

    @Test
    void aDefaultStartPastTheForecastTakesTheAnnualFactorThereAndSaysSo() {
        // Default 12:00: 1/2 kWh at 80 + 1/2 kWh at the annual 200 = 140 g; best still 10:30 (75 g): 65 g saved.
        CarbonWindows.Plan plan = CarbonWindows.plan(job(Span.of(t("10:00"), t("13:00")), "13:00", "12:00"), SERIES, 200, "national");
        assertEquals(140, plan.atDefault().grams(), 1e-9);
        assertFalse(plan.atDefault().forecastCovered());
        assertEquals(65, plan.savingGrams(), 1e-9);
        assertTrue(plan.basis().contains("partly past the forecast, taken at the annual factor 200.0 gCO2e/kWh"), plan.basis());
    }

    @Test
    void withoutAForecastFallsBackToTheAnnualFactorAndSavesNothing() {
        // 1 kWh at the DESNZ 2024 factor, 207.05 g/kWh, whenever it runs.
        CarbonWindows.Plan plan = CarbonWindows.plan(job(Span.of(t("10:00"), t("13:00")), "13:00", "10:00"), IntensitySeries.empty(),
                207.05, "region 13 London");
        assertFalse(plan.forecast());
        assertEquals(t("10:00"), plan.best().orElseThrow().start());
        assertEquals(207.05, plan.best().orElseThrow().grams(), 1e-9);
        assertEquals(0, plan.savingGrams(), 1e-12);
        assertTrue(plan.basis().startsWith("no half-hourly forecast for region 13 London covers a start: annual factor 207.1 gCO2e/kWh"),
                plan.basis());
    }

    @Test
    void noStartWhenTheJobCannotFinishByItsDeadline() {
        CarbonWindows.Plan plan = CarbonWindows.plan(job(Span.of(t("10:00"), t("13:00")), "10:45", "10:00"), SERIES, 200, "national");
        assertTrue(plan.best().isEmpty());
        assertEquals(0, plan.savingGrams());
        assertEquals("no allowed start lets the job finish by its deadline", plan.basis());
    }
}
