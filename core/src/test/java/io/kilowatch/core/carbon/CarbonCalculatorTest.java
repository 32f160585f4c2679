package io.kilowatch.core.carbon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CarbonCalculatorTest {
    private static final double ONE_KWH = 3_600_000;
    private final CarbonCalculator calculator = new CarbonCalculator(ZoneId.of("Europe/London"));
    private final AnnualGridFactors desnz = AnnualGridFactors.ukDesnz();

    @Test
    void oneKwhIn2023UsesThe2023DesnzFactor() {
        Instant from = Instant.parse("2023-05-01T10:00:00Z");
        double grams = calculator.grams(ONE_KWH, from, from.plusSeconds(3600), desnz, 1.0);
        assertEquals(207.07, grams, 1e-9);
    }

    @Test
    void pueScalesToFacilityEnergy() {
        Instant from = Instant.parse("2022-05-01T10:00:00Z");
        double grams = calculator.grams(10 * ONE_KWH, from, from.plusSeconds(3600), desnz, 1.58);
        assertEquals(10 * 193.38 * 1.58, grams, 1e-9);
    }

    @Test
    void anIntervalAcrossNewYearIsSplitByTime() {
        // 2 kWh over 23:00 .. 01:00 London time across 2022 -> 2023: half at each year's factor
        Instant from = Instant.parse("2022-12-31T23:00:00Z");
        Instant to = Instant.parse("2023-01-01T01:00:00Z");
        double grams = calculator.grams(2 * ONE_KWH, from, to, desnz, 1.0);
        assertEquals(193.38 + 207.07, grams, 1e-9);
    }

    @Test
    void yearsAfterTheNewestSetUseItAndSaySo() {
        assertEquals(177.0, desnz.gramsPerKwh(2031), 1e-9);
        assertTrue(desnz.source(2031).contains("2025"), desnz.source(2031));
        assertEquals(255.6, desnz.gramsPerKwh(2010), 1e-9);
    }

    @Test
    void configuredFactorsOverrideAndBadOnesAreRejected() {
        AnnualGridFactors fr = AnnualGridFactors.fromKgPerKwh(Map.of(2024, 0.033), "Electricity Maps FR");
        Instant from = Instant.parse("2024-07-01T00:00:00Z");
        assertEquals(33.0, calculator.grams(ONE_KWH, from, from.plusSeconds(60), fr, 1.0), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> AnnualGridFactors.fromKgPerKwh(Map.of(2024, -1.0), "x"));
        assertThrows(IllegalArgumentException.class, () -> calculator.grams(ONE_KWH, from, from, fr, 0.9));
    }
}
