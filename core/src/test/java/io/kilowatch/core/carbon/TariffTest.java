package io.kilowatch.core.carbon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Time-of-use oracle tests across band edges and both clock changes of 2025 in London. */
class TariffTest {
    private static final double ONE_KWH = 3_600_000;
    private static final ZoneId LONDON = ZoneId.of("Europe/London");
    // Night 00:00-07:00 every day at 0.15; weekend daytime 07:00-24:00 at 0.20; otherwise (weekday daytime) 0.30.
    private static final Tariff TOU = new Tariff("economy", 0.30, List.of(
            new Tariff.Band("night", EnumSet.allOf(DayOfWeek.class), LocalTime.MIDNIGHT, LocalTime.of(7, 0), 0.15),
            new Tariff.Band("weekend", EnumSet.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY), LocalTime.of(7, 0), LocalTime.MIDNIGHT, 0.20)),
            LONDON);
    private final CarbonCalculator calculator = new CarbonCalculator(LONDON);
    private final SiteCarbon office = new SiteCarbon(AnnualGridFactors.ukDesnz(), null, null, 1.0, TOU);

    private double cost(double kwh, String from, String to) {
        return calculator.footprint(kwh * ONE_KWH, Instant.parse(from), Instant.parse(to), office, null).costGbp();
    }

    @Test
    void springForwardShortensTheNight() {
        // 12 kWh evenly over Sat 29 Mar 22:00Z .. Sun 30 Mar 10:00Z (1 kWh an hour); clocks go 01:00 GMT -> 02:00 BST.
        // Sat 22:00-24:00 GMT weekend: 2 kWh x 0.20 = 0.40; night 00:00 GMT .. 07:00 BST = 00:00Z..06:00Z, 6 h: 6 x 0.15 = 0.90;
        // Sun 06:00Z..10:00Z weekend: 4 x 0.20 = 0.80. Total 2.10 (a clock-blind 7 h night would give 2.05).
        assertEquals(2.10, cost(12, "2025-03-29T22:00:00Z", "2025-03-30T10:00:00Z"), 1e-12);
    }

    @Test
    void fallBackLengthensTheNight() {
        // 10 kWh over Sat 25 Oct 22:00Z (23:00 BST) .. Sun 26 Oct 08:00Z (08:00 GMT); clocks go 02:00 BST -> 01:00 GMT.
        // 22:00Z..23:00Z weekend 1 x 0.20; night 00:00 BST (23:00Z) .. 07:00 GMT (07:00Z) = 8 h x 0.15 = 1.20;
        // 07:00Z..08:00Z weekend 1 x 0.20. Total 1.60.
        assertEquals(1.60, cost(10, "2025-10-25T22:00:00Z", "2025-10-26T08:00:00Z"), 1e-12);
    }

    @Test
    void weekdayBandEdgesSplitEnergyByTime() {
        // Mon 31 Mar 2025 05:00..09:00 BST = 04:00Z..08:00Z, 4 kWh: 2 h night (0.30) + 2 h weekday day (0.60) = 0.90
        assertEquals(0.90, cost(4, "2025-03-31T04:00:00Z", "2025-03-31T08:00:00Z"), 1e-12);
        assertEquals(0.30, TOU.gbpPerKwhAt(Instant.parse("2025-03-31T11:00:00Z")));
        assertEquals(0.15, TOU.gbpPerKwhAt(Instant.parse("2025-03-31T05:59:00Z")));
    }

    @Test
    void aBandMayWrapPastMidnight() {
        Tariff e7 = new Tariff("e7", 0.30, List.of(new Tariff.Band("night", EnumSet.allOf(DayOfWeek.class),
                LocalTime.of(23, 0), LocalTime.of(7, 0), 0.12)), ZoneId.of("UTC"));
        assertEquals(0.12, e7.gbpPerKwhAt(Instant.parse("2025-01-06T23:30:00Z")));
        assertEquals(0.12, e7.gbpPerKwhAt(Instant.parse("2025-01-06T06:59:00Z")));
        assertEquals(0.30, e7.gbpPerKwhAt(Instant.parse("2025-01-06T07:00:00Z")));
        assertEquals(Instant.parse("2025-01-06T23:00:00Z"), e7.nextChangeAfter(Instant.parse("2025-01-06T12:00:00Z")));
    }

    @Test
    void overlappingBandsAndBadRatesAreRefused() {
        IllegalArgumentException overlap = assertThrows(IllegalArgumentException.class, () -> new Tariff("x", 0.3, List.of(
                new Tariff.Band("a", EnumSet.of(DayOfWeek.MONDAY), LocalTime.of(6, 0), LocalTime.of(9, 0), 0.1),
                new Tariff.Band("b", EnumSet.of(DayOfWeek.MONDAY), LocalTime.of(8, 0), LocalTime.of(10, 0), 0.2)), LONDON));
        assertTrue(overlap.getMessage().contains("monday at 08:00"), overlap.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tariff.flat("x", -0.1));
        assertThrows(IllegalArgumentException.class, () -> new Tariff.Band("z", EnumSet.of(DayOfWeek.MONDAY),
                LocalTime.of(6, 0), LocalTime.of(6, 0), 0.1));
    }
}
