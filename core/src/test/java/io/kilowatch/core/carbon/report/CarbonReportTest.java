package io.kilowatch.core.carbon.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.core.carbon.AnnualGridFactors;
import io.kilowatch.core.carbon.CarbonPolicy;
import io.kilowatch.core.carbon.EnergyFootprint;
import io.kilowatch.core.carbon.ReductionPath;
import io.kilowatch.core.carbon.SiteCarbon;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The carbon report worked out from groups' figures: shares that add up, targets judged on the period, the CSV to the byte. */
class CarbonReportTest {
    private static final ZoneId LONDON = ZoneId.of("Europe/London");
    private static final double KWH = 3_600_000;

    /** IT energy with its generation and T&D carbon (grams) and cost, as rollups hold it. */
    private static DeviceGroup group(double kwh, double grams, double tdGrams, double gbp, int devices) {
        return new DeviceGroup(EnergyFootprint.ofRollups(kwh * KWH, grams, 0, 0, tdGrams, 0, gbp, kwh * KWH, 0, 0), devices);
    }

    private static CarbonReport.Groups groups() {
        Map<String, DeviceGroup> byOrg = new TreeMap<>();
        byOrg.put("Council A", group(1, 200, 20, 0.25, 1));
        byOrg.put("Shared ICT", group(10, 3590.01, 0, 4.00, 2));
        DeviceGroup total = byOrg.values().stream().reduce(DeviceGroup.EMPTY, DeviceGroup::plus);
        return new CarbonReport.Groups(total, byOrg, Map.of("(none)", total), Map.of("desktop", total));
    }

    private static Map<String, Map<String, Double>> sharedIct() {
        Map<String, Double> weights = new LinkedHashMap<>();
        weights.put("Council A", 2.0);
        weights.put("Council B", 1.0);
        return Map.of("Shared ICT", weights);
    }

    private static CarbonReport report(ReportPeriod period, Instant now, Optional<CarbonReport.TargetPlan> target) {
        return CarbonReport.of(period, now, groups(), sharedIct(), target.isPresent(), target, List.of("=site: location-based"));
    }

    @Test
    void sharedServicesAreSplitExactlyAndOrganisationsCarryTheirShares() {
        CarbonReport r = report(new ReportPeriod(2025, null, LONDON), Instant.parse("2026-01-05T00:00:00Z"), Optional.empty());
        CarbonReport.SharedService ict = r.sharedServices().get(0);
        assertEquals("Shared ICT", ict.org());
        assertEquals(2, ict.devices());
        for (ReportColumn c : ReportColumn.values()) {
            BigDecimal sum = ict.partners().stream().map(p -> p.figures().get(c)).reduce(BigDecimal.ZERO, BigDecimal::add);
            assertEquals(0, ict.total().get(c).compareTo(sum), c.key());
        }
        // 3590.01 g rounds to 3.590 kg; in thirds 2393.33 and 1196.67 g: the spare gram goes to the larger remainder, B.
        assertEquals(new BigDecimal("2.393"), ict.partners().get(0).figures().get(ReportColumn.SCOPE2_KG));
        assertEquals(new BigDecimal("1.197"), ict.partners().get(1).figures().get(ReportColumn.SCOPE2_KG));
        assertEquals(2.0 / 3, ict.partners().get(0).share(), 1e-15);

        assertEquals(List.of("Council A", "Council B"), r.byOrg().stream().map(CarbonReport.OrgRow::org).toList(), "the service is no org");
        CarbonReport.OrgRow a = r.byOrg().get(0);
        assertEquals(new BigDecimal("0.200"), a.own().get(ReportColumn.SCOPE2_KG));
        assertEquals(new BigDecimal("2.593"), a.total().get(ReportColumn.SCOPE2_KG));
        assertEquals(new BigDecimal("0.220"), a.own().get(ReportColumn.OPERATIONAL_KG));
        CarbonReport.OrgRow b = r.byOrg().get(1);
        assertEquals(0, b.devices(), "a partner with no devices of its own");
        assertEquals(0, b.own().get(ReportColumn.ENERGY_KWH).signum());
        assertEquals(new BigDecimal("1.197"), b.total().get(ReportColumn.SCOPE2_KG));

        assertEquals("2025", r.totals().name());
        assertEquals(3, r.totals().devices());
        assertEquals(new BigDecimal("3.790"), r.scopes().get(0).kg());
        assertTrue(r.complete());
        assertTrue(r.method().get(r.method().size() - 1).startsWith("No reduction target is configured"));
    }

    @Test
    void aQuarterIsJudgedOnItsShareOfTheYearAndOnlyTheRunningYearIsProjected() {
        ReductionPath path = new ReductionPath(2024, 10, 0.5, new TreeMap<>());
        List<LocalDate> asked = new ArrayList<>();
        CarbonReport.TargetPlan plan = new CarbonReport.TargetPlan(path, "measured", false, day -> {
            asked.add(day);
            return OptionalDouble.of(6.0);
        });
        // Q3 2025 has 92 of 365 days: 5 kg x 92/365 = 1.260 kg; actual operational (3790.01 + 20 g) is 3.810 kg.
        CarbonReport q3 = report(new ReportPeriod(2025, 3, LONDON), Instant.parse("2025-11-01T00:00:00Z"), Optional.of(plan));
        CarbonReport.Target t = q3.target().orElseThrow();
        assertEquals(1.260, t.targetKg());
        assertEquals(3.81, t.actualKg());
        assertEquals(CarbonReport.Status.MISSED, t.status());
        assertTrue(t.projectedYearEndKg().isEmpty());
        assertTrue(asked.isEmpty(), "a quarter is never projected");
        // 1 - 3.81001 / (10 x 92/365) = -51.2 %: above the baseline's share.
        assertEquals(-51.2, t.reductionVsBaselinePercent().getAsDouble());

        CarbonReport year = report(new ReportPeriod(2025, null, LONDON), Instant.parse("2025-11-01T00:00:00Z"), Optional.of(plan));
        assertEquals(List.of(LocalDate.of(2025, 11, 1)), asked);
        assertEquals(CarbonReport.Status.OFF_TRACK, year.target().orElseThrow().status(), "6 kg projected against 5");
        assertFalse(year.complete());
    }

    @Test
    void theCsvCarriesTheRoundedFiguresAsTheJsonNumbersAndNeutralisesFormulae() {
        ReductionPath path = new ReductionPath(2024, 10, 0.5, new TreeMap<>());
        CarbonReport r = report(new ReportPeriod(2025, null, LONDON), Instant.parse("2026-01-05T00:00:00Z"),
                Optional.of(new CarbonReport.TargetPlan(path, "measured", false, day -> OptionalDouble.empty())));
        String[] lines = CarbonReportCsv.of(r).split("\n", -1);
        assertEquals("section,name,energy_kwh,it_energy_kwh,off_energy_kwh,overhead_energy_kwh,fallback_energy_kwh,measured_energy_kwh,"
                + "modelled_energy_kwh,imported_energy_kwh,unknown_energy_kwh,scope2_kg,scope2_overhead_kg,scope3_td_kg,operational_kg,"
                + "scope3_wtt_kg,embodied_kg,cost_gbp", lines[0]);
        assertEquals("total,\"2025\",11.0,11.0,0.0,0.0,0.0,11.0,0.0,0.0,0.0,3.79,0.0,0.02,3.81,0.0,0.0,4.25", lines[1]);
        assertEquals("org,\"Council A\",7.667,7.667,0.0,0.0,0.0,7.667,0.0,0.0,0.0,2.593,0.0,0.02,2.613,0.0,0.0,2.92", lines[2]);
        assertEquals("shared_part,\"Shared ICT -> Council B\",3.333,3.333,0.0,0.0,0.0,3.333,0.0,0.0,0.0,1.197,0.0,0.0,1.197,0.0,0.0,1.33",
                lines[10]);
        assertEquals("target,\"status met; target_kg 5.0; actual_kg 3.81; baseline 10.0 kg in 2024, measured\"", lines[13]);
        assertEquals("factor_source,\"'=site: location-based\"", lines[lines.length - 2]);
        assertEquals("", lines[lines.length - 1], "every line ends with a newline");
    }

    @Test
    void figuresRoundHalfEvenAndHaveNoDataQualityWithoutEnergy() {
        // 12.5 Wh of IT energy (5 Wh of it measured) and 1.5 Wh of off energy.
        EnergyFootprint f = EnergyFootprint.ofRollups(45_000, 1.5, 0, 0, 0, 0, 0.125, 18_000, 0, 0)
                .plus(new EnergyFootprint(0, 0, 0, 0, 0, 0, 0, List.of()).asOffEnergy(5_400));
        ReportFigures r = ReportFigures.of(f);
        assertEquals(new BigDecimal("0.014"), r.get(ReportColumn.ENERGY_KWH));
        assertEquals(new BigDecimal("0.012"), r.get(ReportColumn.IT_ENERGY_KWH), "12.5 Wh to even");
        assertEquals(new BigDecimal("0.002"), r.get(ReportColumn.MODELLED_ENERGY_KWH), "off energy is modelled: 1.5 Wh to even");
        assertEquals(new BigDecimal("0.008"), r.get(ReportColumn.UNKNOWN_ENERGY_KWH), "7.5 Wh to even");
        assertEquals(new BigDecimal("0.12"), r.get(ReportColumn.COST_GBP));
        assertEquals(new BigDecimal("0.3571"), r.dataQuality().get("measured"), "5 of 14 Wh as rounded");
        assertNull(ReportFigures.ZERO.dataQuality().get("unknown"));
    }

    @Test
    void factorSourcesNameEachSiteOnceThenEachEmbodiedSource() {
        CarbonPolicy policy = new CarbonPolicy(new SiteCarbon(AnnualGridFactors.ukDesnz(), null, null, 1.0, null),
                Map.of("Leeds DC", new SiteCarbon(AnnualGridFactors.ukDesnz(), null, null, 1.6, null)), LONDON);
        List<String> sources = CarbonReport.factorSources(policy, 2025, java.util.Arrays.asList("Leeds DC", null, "Leeds DC"),
                List.of("class desktop", "class desktop"));
        assertEquals(3, sources.size(), sources.toString());
        assertTrue(sources.get(0).startsWith("Leeds DC: location-based; "), sources.get(0));
        assertTrue(sources.get(0).endsWith("PUE 1.6 (overhead apart)"), sources.get(0));
        assertTrue(sources.get(1).startsWith("(no site): "), sources.get(1));
        assertEquals("embodied, class desktop", sources.get(2));
    }
}
