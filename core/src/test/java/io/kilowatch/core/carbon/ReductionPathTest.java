package io.kilowatch.core.carbon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.time.YearMonth;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Trajectory and projection maths against figures worked by hand. */
class ReductionPathTest {
    private static TreeMap<Integer, Double> milestones() {
        return new TreeMap<>(Map.of(2030, 0.20, 2035, 0.30));
    }

    @Test
    void threePercentAYearIsTheStricterPathEarlyOn() {
        ReductionPath path = new ReductionPath(2020, 1000, 0.03, milestones());
        assertEquals(1000, path.targetKg(2019), 1e-9);
        assertEquals(1000, path.targetKg(2020), 1e-9);
        // 2021: 1000 x 0.97 = 970 against the milestone path's 1000 x (1 - 0.02) = 980.
        assertEquals(970, path.targetKg(2021), 1e-9);
        assertEquals(858.734, path.targetKg(2025), 1e-3); // 1000 x 0.97^5
        assertEquals(737.424, path.targetKg(2030), 1e-3); // 0.97^10 beats 800
    }

    @Test
    void milestonesBindWhenTheAnnualRateIsGentle() {
        ReductionPath path = new ReductionPath(2020, 1000, 0.01, milestones());
        assertEquals(800, path.targetKg(2030), 1e-9);   // 0.99^10 = 904.4 is not enough for -20 %
        assertEquals(740, path.targetKg(2033), 1e-9);   // 20 % + 10 % x 3/5 = 26 %
        assertEquals(700, path.targetKg(2035), 1e-9);
        assertEquals(700, path.targetKg(2040), 1e-9);   // held at -30 % (0.99^20 = 817.9)
        assertEquals(900, new ReductionPath(2020, 1000, 0, milestones()).targetKg(2025), 1e-9); // 10 % halfway to 2030
    }

    @Test
    void aMonthsTargetIsItsShareOfTheYearByDays() {
        ReductionPath path = new ReductionPath(2023, 3660, 0, new TreeMap<>());
        assertEquals(3660.0 * 29 / 366, path.targetKg(YearMonth.of(2024, 2)), 1e-9);
        assertEquals(3660.0 * 31 / 365, path.targetKg(YearMonth.of(2025, 1)), 1e-9);
    }

    @Test
    void yearEndIsProjectedFromCompletedDaysAndTheLastFourWeeksRunRate() {
        Map<LocalDate, Double> daily = new HashMap<>();
        for (LocalDate d = LocalDate.of(2026, 1, 1); d.isBefore(LocalDate.of(2026, 2, 1)); d = d.plusDays(1)) {
            daily.put(d, 10.0);
        }
        for (LocalDate d = LocalDate.of(2026, 2, 1); d.isBefore(LocalDate.of(2026, 3, 2)); d = d.plusDays(1)) {
            daily.put(d, 20.0); // 1 March (today) is partial and ignored
        }
        // Completed: 31 x 10 + 28 x 20 = 870; run rate: the 28 days of February, 20 a day; 306 days to go.
        assertEquals(870 + 20.0 * 306, ReductionPath.projectYearEnd(LocalDate.of(2026, 3, 1), daily).getAsDouble(), 1e-9);
        assertTrue(ReductionPath.projectYearEnd(LocalDate.of(2026, 1, 1), daily).isEmpty());
        // On 2 January only 1 January is complete: 10 + 10 x 364.
        assertEquals(10 + 10.0 * 364, ReductionPath.projectYearEnd(LocalDate.of(2026, 1, 2), daily).getAsDouble(), 1e-9);
    }

    @Test
    void badTargetsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ReductionPath(2020, 1000, 1.0, new TreeMap<>()));
        assertThrows(IllegalArgumentException.class, () -> new ReductionPath(2020, 1000, 0.03, new TreeMap<>(Map.of(2019, 0.2))));
        assertThrows(IllegalArgumentException.class, () -> new ReductionPath(2020, -1, 0.03, new TreeMap<>()));
    }
}
