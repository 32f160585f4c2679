package io.kilowatch.core.carbon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Oracle tests: every expected figure is worked out by hand in the comment beside it. */
class CarbonCalculatorTest {
    private static final double ONE_KWH = 3_600_000;
    private static final String NESO_LONDON = "NESO Carbon Intensity API regional, region 13 London";
    private final CarbonCalculator calculator = new CarbonCalculator(ZoneId.of("Europe/London"));
    private final SiteCarbon office = new SiteCarbon(AnnualGridFactors.ukDesnz(), AnnualGridFactors.ukDesnzTdLosses(), null, 1.0, null);

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "2023, 207.07, 17.92",
        // DESNZ 2024 v1.1: generation 207.05 g, T&D 18.30 g, both named as the 2024 set
        "2024, 207.05, 18.30"})
    void oneKwhUsesItsYearsDesnzFactors(int year, double generationGrams, double tdGrams) {
        Instant from = Instant.parse(year + "-05-01T10:00:00Z");
        EnergyFootprint f = calculator.footprint(ONE_KWH, from, from.plusSeconds(3600), office, null);
        assertEquals(generationGrams, f.carbonGrams(), 1e-9);
        assertEquals(tdGrams, f.tdCarbonGrams(), 1e-9);
        assertEquals(ONE_KWH, f.fallbackJoules(), 1e-6);
        assertEquals("location-based", f.method());
        assertEquals(List.of("UK DESNZ GHG conversion factors, electricity generation " + year, "UK DESNZ GHG conversion factors, T&D losses " + year),
                f.sources());
    }

    @Test
    void anIntervalAcrossNewYearIsSplitByTimeForGenerationAndTdLosses() {
        // 2 kWh over 23:00 .. 01:00 London time across 2022 -> 2023: 1 kWh at each year's factors
        Instant from = Instant.parse("2022-12-31T23:00:00Z");
        Instant to = Instant.parse("2023-01-01T01:00:00Z");
        EnergyFootprint f = calculator.footprint(2 * ONE_KWH, from, to, office, null);
        assertEquals(193.38 + 207.07, f.carbonGrams(), 1e-9);
        assertEquals(17.69 + 17.92, f.tdCarbonGrams(), 1e-9);
        assertTrue(f.sources().contains("UK DESNZ GHG conversion factors, electricity generation 2022"), f.sources().toString());
        assertTrue(f.sources().contains("UK DESNZ GHG conversion factors, electricity generation 2023"), f.sources().toString());
    }

    @Test
    void newYearIsTakenInTheCollectorsZone() {
        // 23:30 UTC on 31 Dec 2023 is already 2024 in Auckland: 1 kWh at the 2024 factor, not 2023's
        CarbonCalculator auckland = new CarbonCalculator(ZoneId.of("Pacific/Auckland"));
        Instant from = Instant.parse("2023-12-31T23:00:00Z");
        assertEquals(207.05, auckland.footprint(ONE_KWH, from, from.plusSeconds(3600), office, null).carbonGrams(), 1e-9);
    }

    @Test
    void halfHourlyIntensityWithAGapFallsBackToTheAnnualFactorAndSaysSo() {
        // 3 kWh evenly over 10:00 .. 11:30 UTC: 1 kWh per half-hour.
        // 10:00 -> 100 g, 10:30 missing -> DESNZ 2024 207.05 g, 11:00 -> 300 g: 607.05 g, 1 kWh fallback
        IntensitySeries london = IntensitySeries.of(List.of(
                point("2024-06-03T10:00:00Z", 100), point("2024-06-03T11:00:00Z", 300)));
        SiteCarbon site = new SiteCarbon(AnnualGridFactors.ukDesnz(), null, "13", 1.0, null);
        EnergyFootprint f = calculator.footprint(3 * ONE_KWH, Instant.parse("2024-06-03T10:00:00Z"),
                Instant.parse("2024-06-03T11:30:00Z"), site, london);
        assertEquals(100 + 207.05 + 300, f.carbonGrams(), 1e-9);
        assertEquals(ONE_KWH, f.fallbackJoules(), 1e-6);
        assertEquals(0, f.tdCarbonGrams());
        assertEquals(List.of(NESO_LONDON,
                "UK DESNZ GHG conversion factors, electricity generation 2024 (fallback: no half-hourly intensity)"), f.sources());

        // 0.5 kWh over 10:15 .. 10:45: 0.25 kWh at 100 g + 0.25 kWh at 207.05 g = 25 + 51.7625 g
        EnergyFootprint part = calculator.footprint(ONE_KWH / 2, Instant.parse("2024-06-03T10:15:00Z"),
                Instant.parse("2024-06-03T10:45:00Z"), site, london);
        assertEquals(25 + 51.7625, part.carbonGrams(), 1e-9);
        assertEquals(ONE_KWH / 4, part.fallbackJoules(), 1e-6);
    }

    @Test
    void pueOverheadIsShownApartFromItEnergyAndItsCarbon() {
        // 10 kWh IT in 2022 at PUE 1.58: overhead 5.8 kWh; carbon 15.8 kWh x 193.38 = 3055.404 g, of which
        // overhead 5.8 x 193.38 = 1121.604 g; T&D 15.8 x 17.69 = 279.502 g
        SiteCarbon dc = new SiteCarbon(AnnualGridFactors.ukDesnz(), AnnualGridFactors.ukDesnzTdLosses(), null, 1.58, null);
        Instant from = Instant.parse("2022-05-01T10:00:00Z");
        EnergyFootprint f = calculator.footprint(10 * ONE_KWH, from, from.plusSeconds(3600), dc, null);
        assertEquals(10 * ONE_KWH, f.itJoules(), 1e-6);
        assertEquals(5.8 * ONE_KWH, f.overheadJoules(), 1e-3);
        assertEquals(3055.404, f.carbonGrams(), 1e-9);
        assertEquals(1121.604, f.overheadCarbonGrams(), 1e-9);
        assertEquals(279.502, f.tdCarbonGrams(), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> new SiteCarbon(AnnualGridFactors.ukDesnz(), null, null, 0.9, null));
    }

    @Test
    void otherCountriesFactorsComeFromConfig() {
        SiteCarbon paris = new SiteCarbon(AnnualGridFactors.fromKgPerKwh(Map.of(2024, 0.033), "Electricity Maps FR"), null, null, 1.0, null);
        Instant from = Instant.parse("2024-07-01T00:00:00Z");
        EnergyFootprint f = calculator.footprint(ONE_KWH, from, from.plusSeconds(60), paris, null);
        assertEquals(33.0, f.carbonGrams(), 1e-9);
        assertEquals(List.of("Electricity Maps FR 2024"), f.sources());
        assertThrows(IllegalArgumentException.class, () -> AnnualGridFactors.fromKgPerKwh(Map.of(2024, -1.0), "x"));
    }

    @Test
    void yearsAfterTheNewestSetUseItAndSaySo() {
        AnnualGridFactors desnz = AnnualGridFactors.ukDesnz();
        assertEquals(177.0, desnz.gramsPerKwh(2031), 1e-9);
        assertTrue(desnz.source(2031).contains("2025 (nearest set for 2031)"), desnz.source(2031));
        assertEquals(255.6, desnz.gramsPerKwh(2010), 1e-9);
        assertEquals(18.53, AnnualGridFactors.ukDesnzTdLosses().gramsPerKwh(2031), 1e-9);
        assertEquals("UK DESNZ GHG conversion factors, T&D losses 2025 (nearest set for 2031)", AnnualGridFactors.ukDesnzTdLosses().source(2031));
    }

    @Test
    void everyDesnzSetFrom2022HasItsOwnTdLosses() {
        // DESNZ "T&D- UK electricity", g/kWh: 2022 17.69, 2023 17.92, 2024 18.30 (v1.1), 2025 18.53; each year its own set.
        AnnualGridFactors td = AnnualGridFactors.ukDesnzTdLosses();
        Map<Integer, Double> gramsByYear = Map.of(2022, 17.69, 2023, 17.92, 2024, 18.30, 2025, 18.53);
        gramsByYear.forEach((year, grams) -> {
            assertEquals(grams, td.gramsPerKwh(year), 1e-9, "T&D " + year);
            assertEquals("UK DESNZ GHG conversion factors, T&D losses " + year, td.source(year));
        });
    }

    @Test
    void annualOnlyGramsForTheAgentsCounter() {
        // 2 kWh across new year 2022 -> 2023 at PUE 1.5: (193.38 + 207.07) x 1.5 = 600.675 g
        assertEquals(600.675, calculator.grams(2 * ONE_KWH, Instant.parse("2022-12-31T23:00:00Z"), Instant.parse("2023-01-01T01:00:00Z"),
                AnnualGridFactors.ukDesnz(), 1.5), 1e-9);
    }

    @Test
    void flatTariffCostsFacilityEnergy() {
        // 2 kWh IT at PUE 1.5 = 3 kWh bought at 0.25 £/kWh = £0.75
        SiteCarbon dc = new SiteCarbon(AnnualGridFactors.ukDesnz(), null, null, 1.5, Tariff.flat("contract", 0.25));
        Instant from = Instant.parse("2024-02-01T10:00:00Z");
        assertEquals(0.75, calculator.footprint(2 * ONE_KWH, from, from.plusSeconds(7200), dc, null).costGbp(), 1e-12);
    }

    private static IntensitySeries.Point point(String start, double grams) {
        return new IntensitySeries.Point(Instant.parse(start), grams, IntensitySeries.FORECAST, NESO_LONDON);
    }
}
