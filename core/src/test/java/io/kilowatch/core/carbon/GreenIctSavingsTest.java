package io.kilowatch.core.carbon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.core.energy.PowerModel;
import java.time.DayOfWeek;
import java.util.EnumSet;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Out-of-hours detection across time zones and daylight saving, and the savings heuristics, against hand-worked figures. */
class GreenIctSavingsTest {
    private static final ZoneId LONDON = ZoneId.of("Europe/London");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final WorkingHours COUNTY_HALL = WorkingHours.officeHours(LONDON);

    private static Instant t(String iso) {
        return Instant.parse(iso);
    }

    @Test
    void aWeekendThatLosesAnHourToSummerTimeHasOneHourLess() {
        // Fri 27 Mar 2026 18:00 GMT to Mon 30 Mar 08:00 BST: 62 hours on the clock, 61 really passed.
        assertEquals(61 * 3600.0, COUNTY_HALL.outOfHoursSeconds(t("2026-03-27T18:00:00Z"), t("2026-03-30T07:00:00Z")), 1e-6);
        // Fri 23 Oct 18:00 BST to Mon 26 Oct 08:00 GMT: the clocks go back, so 63 hours.
        assertEquals(63 * 3600.0, COUNTY_HALL.outOfHoursSeconds(t("2026-10-23T17:00:00Z"), t("2026-10-26T08:00:00Z")), 1e-6);
        // Monday to Monday in January: 168 h less 5 x 10 working hours.
        assertEquals(118 * 3600.0, COUNTY_HALL.outOfHoursSeconds(t("2026-01-05T00:00:00Z"), t("2026-01-12T00:00:00Z")), 1e-6);
        // In summer the working day ends at 17:00 UTC: 16:30Z..18:30Z has 1.5 h out of hours.
        assertEquals(1.5 * 3600, COUNTY_HALL.outOfHoursSeconds(t("2026-06-10T16:30:00Z"), t("2026-06-10T18:30:00Z")), 1e-6);
    }

    @Test
    void eachSiteIsJudgedOnItsOwnClock() {
        WorkingHours newYork = new WorkingHours(EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), LocalTime.of(9, 0), LocalTime.of(17, 0), NEW_YORK);
        // Mon 9 Mar 2026 12:30Z: 12:30 in London (working), 08:30 EDT in New York (US summer time began 8 March).
        assertTrue(COUNTY_HALL.isWorking(t("2026-03-09T12:30:00Z")));
        assertFalse(newYork.isWorking(t("2026-03-09T12:30:00Z")));
        assertTrue(newYork.isWorking(t("2026-03-09T13:00:00Z")));
        // 12:00Z..14:00Z is 08:00..10:00 EDT: one hour before New York's day starts, none in London.
        assertEquals(3600.0, newYork.outOfHoursSeconds(t("2026-03-09T12:00:00Z"), t("2026-03-09T14:00:00Z")), 1e-6);
        assertEquals(0.0, COUNTY_HALL.outOfHoursSeconds(t("2026-03-09T12:00:00Z"), t("2026-03-09T14:00:00Z")), 1e-6);
    }

    @Test
    void idleOutOfHoursCountsOnlyIdleTimeOutsideHoursAndWhatSleepWouldSave() {
        List<GreenIctSavings.Interval> intervals = List.of(
                // 17:00..19:00 local on a Friday in winter, idle at 50 W: one hour out of hours.
                new GreenIctSavings.Interval(t("2026-01-09T17:00:00Z"), t("2026-01-09T19:00:00Z"), 50, 0.01),
                // busy out of hours: a backup, not waste
                new GreenIctSavings.Interval(t("2026-01-09T19:00:00Z"), t("2026-01-09T20:00:00Z"), 90, 0.60));
        GreenIctSavings.IdleOutOfHours desktop = GreenIctSavings.idleOutOfHours(intervals, COUNTY_HALL, 0.05, Optional.of(4.0));
        assertEquals(3600.0, desktop.seconds(), 1e-6);
        assertEquals(50 * 3600.0, desktop.joules(), 1e-6);
        assertEquals(46 * 3600.0, desktop.sleepPolicySavedJoules(), 1e-6); // 50 W less 4 W asleep
        assertEquals(0.0, GreenIctSavings.idleOutOfHours(intervals, COUNTY_HALL, 0.05, Optional.empty()).sleepPolicySavedJoules());
    }

    @Test
    void underUsedServersAreConsolidationCandidates() {
        PowerModel server = new PowerModel(65.8, 367.1);
        // 120 W at 4 % mean CPU: the work adds 0.04 x 301.3 = 12.052 W on a host, so 107.948 W is saved.
        assertEquals(107.948, GreenIctSavings.consolidationSavedWatts(0.04, 0.10, 120, server, 0.10, 0.30).getAsDouble(), 1e-9);
        assertTrue(GreenIctSavings.consolidationSavedWatts(0.20, 0.25, 200, server, 0.10, 0.30).isEmpty());
        assertTrue(GreenIctSavings.consolidationSavedWatts(0.05, 0.50, 200, server, 0.10, 0.30).isEmpty()); // busy peaks
    }

    @Test
    void replacingPaysOnlyWhenTheEmbodiedCarbonIsRecoveredWithinTheNewLife() {
        // 500 kWh a year at 100 W; a 40 W device saves 300 kWh = 60 kg at 200 g/kWh; 277 kg takes 4.62 years > 4: keep.
        GreenIctSavings.ReplaceOrKeep keep = GreenIctSavings.replaceOrKeep(500, 100, 40, 200, 277, 4);
        assertEquals(300, keep.annualKwhSaved(), 1e-9);
        assertEquals(60, keep.annualKgSaved(), 1e-9);
        assertEquals(277 / 60.0, keep.breakEvenYears().getAsDouble(), 1e-9);
        assertFalse(keep.replace());
        // Twice the use: 120 kg a year, paid back in 2.31 years: replace.
        GreenIctSavings.ReplaceOrKeep replace = GreenIctSavings.replaceOrKeep(1000, 100, 40, 200, 277, 4);
        assertEquals(277 / 120.0, replace.breakEvenYears().getAsDouble(), 1e-9);
        assertTrue(replace.replace());
        assertTrue(GreenIctSavings.replaceOrKeep(1000, 30, 40, 200, 277, 4).breakEvenYears().isEmpty());
    }
}
