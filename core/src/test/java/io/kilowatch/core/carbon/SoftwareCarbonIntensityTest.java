package io.kilowatch.core.carbon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SCI = (E x I + M) per R, worked by hand. */
class SoftwareCarbonIntensityTest {
    private static final ZoneId LONDON = ZoneId.of("Europe/London");

    @Test
    void twoComponentServiceWithASharedDatabase() {
        // Payroll in March: its app server used 100 kWh (x 207.05 g/kWh = 20 705 g) and is charged 20 000 g embodied;
        // its database server (60 kWh, 12 423 g, 20 000 g embodied) also serves HR, so payroll takes half of it.
        // E = 100 + 30 = 130 kWh; E x I = 20 705 + 6 211.5 = 26 916.5 g; M = 20 000 + 10 000 = 30 000 g; total 56 916.5 g.
        // R: 1 month; two probes every 60 s for 31 days = 2 x 44 640 = 89 280 transactions.
        SoftwareCarbonIntensity.Result sci = SoftwareCarbonIntensity.of(List.of(
                new SoftwareCarbonIntensity.Component("app-1", 100, 20_705, 20_000, 1),
                new SoftwareCarbonIntensity.Component("db-1", 60, 12_423, 20_000, 2)),
                Map.of(SoftwareCarbonIntensity.MONTH, 1.0, SoftwareCarbonIntensity.PROBE_TRANSACTION, 89_280.0));
        assertEquals(130, sci.energyKwh(), 1e-9);
        assertEquals(26_916.5, sci.operationalGrams(), 1e-9);
        assertEquals(30_000, sci.embodiedGrams(), 1e-9);
        assertEquals(56_916.5, sci.perUnit(SoftwareCarbonIntensity.MONTH).getAsDouble(), 1e-9);
        // 56 916.5 / 89 280 = 0.637505600...
        assertEquals(0.6375056003584229, sci.perUnit(SoftwareCarbonIntensity.PROBE_TRANSACTION).getAsDouble(), 1e-12);
    }

    @Test
    void noUnitsGiveNoFigureRatherThanInfinity() {
        SoftwareCarbonIntensity.Result sci = SoftwareCarbonIntensity.of(List.of(new SoftwareCarbonIntensity.Component("a", 1, 200, 0, 1)),
                Map.of(SoftwareCarbonIntensity.PROBE_TRANSACTION, 0.0));
        assertTrue(sci.perUnit(SoftwareCarbonIntensity.PROBE_TRANSACTION).isEmpty());
        assertTrue(sci.perUnit(SoftwareCarbonIntensity.MONTH).isEmpty());
    }

    @Test
    void unitsKeepTheCallersOrder() {
        Map<String, Double> units = new java.util.LinkedHashMap<>();
        for (int i = 12; i > 0; i--) {
            units.put("unit-" + i, (double) i);
        }
        SoftwareCarbonIntensity.Result sci = SoftwareCarbonIntensity.of(List.of(), units);
        assertEquals(List.copyOf(units.keySet()), List.copyOf(sci.units().keySet()));
    }

    @Test
    void monthsCountEachCalendarMonthByTheShareCovered() {
        assertEquals(3.0, SoftwareCarbonIntensity.months(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-04-01T00:00:00+01:00"), LONDON), 1e-12);
        // March 2026 in London is 743 hours (clocks go forward on the 29th); its first 15 days are 360 of them.
        assertEquals(360.0 / 743, SoftwareCarbonIntensity.months(Instant.parse("2026-03-01T00:00:00Z"), Instant.parse("2026-03-16T00:00:00Z"), LONDON), 1e-12);
    }
}
