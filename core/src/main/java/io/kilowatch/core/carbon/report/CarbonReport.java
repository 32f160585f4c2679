package io.kilowatch.core.carbon.report;

import io.kilowatch.core.carbon.CarbonPolicy;
import io.kilowatch.core.carbon.EnergyFootprint;
import io.kilowatch.core.carbon.ReductionPath;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The carbon report for a year or a quarter: totals by scope, by organisation (with shared services
 * apportioned to partners), site and class, against the target, with method notes and factor sources.
 * Every figure is rounded here, once, so the JSON, the CSV and a printed page carry the same numbers.
 *
 * @param complete whether the period has ended
 * @param totals the whole estate, named by the period's label
 * @param byOrg organisations (shared services apart, in {@code sharedServices}), sorted by name
 * @param bySite sites, sorted, unset ones as "(none)"
 * @param byClass device classes, sorted, unset ones as "(none)"
 * @param target empty where no target is configured or its baseline has no data
 */
public record CarbonReport(ReportPeriod period, boolean complete, Instant generated, Row totals, List<Scope> scopes, List<OrgRow> byOrg,
                           List<SharedService> sharedServices, List<Row> bySite, List<Row> byClass, Optional<Target> target,
                           List<String> method, List<String> factorSources) {
    /** One group's figures. */
    public record Row(String name, ReportFigures figures, int devices) {
        static Row of(String name, DeviceGroup group) {
            return new Row(name, ReportFigures.of(group.footprint()), group.devices());
        }
    }

    /** A line of the GHG Protocol breakdown. */
    public record Scope(String scope, String category, String kind, BigDecimal kg) {
    }

    /** An organisation's own figures, its share of the shared services it is a partner of, and both together. */
    public record OrgRow(String org, ReportFigures own, ReportFigures shared, ReportFigures total, int devices) {
    }

    /** A shared service's figures and each partner's part of them; the parts add up to the total exactly. */
    public record SharedService(String org, ReportFigures total, int devices, List<Part> partners) {
    }

    /** @param share the partner's weight over the sum of the weights */
    public record Part(String partner, ReportFigures figures, double share) {
    }

    public enum Status {
        MET, MISSED, ON_TRACK, OFF_TRACK, IN_PROGRESS;

        /** The name in the JSON and the CSV. */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Where the period stands against the target, kg rounded to 3 places, the reduction to 1. */
    public record Target(int baselineYear, double baselineKg, String baselineSource, double targetKg, double actualKg,
                         OptionalDouble projectedYearEndKg, OptionalDouble reductionVsBaselinePercent, boolean includesEmbodied, Status status) {
    }

    /**
     * The estate's figures for the period.
     *
     * @param byOrg by org label: organisations and shared services
     */
    public record Groups(DeviceGroup total, Map<String, DeviceGroup> byOrg, Map<String, DeviceGroup> bySite, Map<String, DeviceGroup> byClass) {
    }

    /**
     * A reduction target as configured, and how to project a year's end from a day.
     *
     * @param projectYearEnd the year-end projected on a day of the year, from the actuals so far (empty when there are too few)
     */
    public record TargetPlan(ReductionPath path, String baselineSource, boolean includesEmbodied,
                             Function<LocalDate, OptionalDouble> projectYearEnd) {
    }

    /**
     * @param sharedServices shared service (an org label) to partner to weight, in order
     * @param targetConfigured whether a target is configured, for the method notes (even where its baseline has no data)
     * @param factorSources from {@link #factorSources}
     */
    public static CarbonReport of(ReportPeriod period, Instant now, Groups groups, Map<String, Map<String, Double>> sharedServices,
                                  boolean targetConfigured, Optional<TargetPlan> target, List<String> factorSources) {
        EnergyFootprint total = groups.total().footprint();
        ReportFigures rounded = ReportFigures.of(total);
        return new CarbonReport(period, !now.isBefore(period.to()), now, Row.of(period.label(), groups.total()), scopes(rounded),
                orgs(groups.byOrg(), sharedServices), shared(groups.byOrg(), sharedServices), rows(groups.bySite()), rows(groups.byClass()),
                target.map(t -> target(period, t, total, now)), methodNotes(targetConfigured), List.copyOf(factorSources));
    }

    private static List<Scope> scopes(ReportFigures r) {
        return List.of(
                new Scope("2", "electricity generation, location-based, incl. PUE overhead", "operational", r.get(ReportColumn.SCOPE2_KG)),
                new Scope("3", "electricity transmission and distribution losses", "operational", r.get(ReportColumn.SCOPE3_TD_KG)),
                new Scope("3", "embodied carbon of ICT equipment (purchased goods), amortised", "embodied", r.get(ReportColumn.EMBODIED_KG)),
                new Scope("3", "electricity well-to-tank, generation and T&D (where WTT factors are configured)", "upstream",
                        r.get(ReportColumn.SCOPE3_WTT_KG)));
    }

    private static List<Row> rows(Map<String, DeviceGroup> groups) {
        List<Row> rows = new ArrayList<>();
        groups.forEach((name, g) -> rows.add(Row.of(name, g)));
        return rows;
    }

    /**
     * Each organisation's own figures plus its apportioned share of every shared service it is a partner of.
     * Shared services themselves are listed apart, not as organisations.
     */
    private static List<OrgRow> orgs(Map<String, DeviceGroup> byOrg, Map<String, Map<String, Double>> sharedServices) {
        Map<String, ReportFigures> own = new TreeMap<>();
        byOrg.forEach((org, g) -> {
            if (!sharedServices.containsKey(org)) {
                own.put(org, ReportFigures.of(g.footprint()));
            }
        });
        Map<String, ReportFigures> sharedParts = new TreeMap<>();
        splits(byOrg, sharedServices).values().forEach(partners -> partners.forEach((partner, part) -> {
            own.putIfAbsent(partner, ReportFigures.ZERO);
            sharedParts.merge(partner, part, ReportFigures::plus);
        }));
        List<OrgRow> rows = new ArrayList<>();
        own.forEach((org, figures) -> {
            ReportFigures shared = sharedParts.getOrDefault(org, ReportFigures.ZERO);
            rows.add(new OrgRow(org, figures, shared, figures.plus(shared), byOrg.getOrDefault(org, DeviceGroup.EMPTY).devices()));
        });
        return rows;
    }

    private static List<SharedService> shared(Map<String, DeviceGroup> byOrg, Map<String, Map<String, Double>> sharedServices) {
        List<SharedService> rows = new ArrayList<>();
        splits(byOrg, sharedServices).forEach((org, partners) -> {
            Map<String, Double> weights = sharedServices.get(org);
            double weightSum = weights.values().stream().mapToDouble(Double::doubleValue).sum();
            List<Part> parts = new ArrayList<>();
            partners.forEach((partner, figures) -> parts.add(new Part(partner, figures, weights.get(partner) / weightSum)));
            DeviceGroup g = byOrg.getOrDefault(org, DeviceGroup.EMPTY);
            rows.add(new SharedService(org, ReportFigures.of(g.footprint()), g.devices(), parts));
        });
        return rows;
    }

    /** Shared service to partner to its part of the service's rounded figures. */
    private static Map<String, Map<String, ReportFigures>> splits(Map<String, DeviceGroup> byOrg, Map<String, Map<String, Double>> sharedServices) {
        Map<String, Map<String, ReportFigures>> result = new LinkedHashMap<>();
        sharedServices.forEach((org, weights) ->
                result.put(org, ReportFigures.of(byOrg.getOrDefault(org, DeviceGroup.EMPTY).footprint()).split(weights)));
        return result;
    }

    private static Target target(ReportPeriod period, TargetPlan t, EnergyFootprint total, Instant now) {
        double target = t.path().targetKg(period.year()) * period.shareOfYear();
        double actual = (total.operationalGrams() + (t.includesEmbodied() ? total.embodiedGrams() : 0)) / 1000;
        boolean complete = !now.isBefore(period.to());
        LocalDate today = now.atZone(period.zone()).toLocalDate();
        // A year-end projection only means something for the year still running.
        OptionalDouble projected = period.quarter() == null && today.getYear() == period.year()
                ? t.projectYearEnd().apply(today) : OptionalDouble.empty();
        Status status = complete ? (actual <= target ? Status.MET : Status.MISSED)
                : projected.isPresent() ? (projected.getAsDouble() <= target ? Status.ON_TRACK : Status.OFF_TRACK) : Status.IN_PROGRESS;
        double baselineKg = t.path().baselineKg();
        return new Target(t.path().baselineYear(), kg(baselineKg), t.baselineSource(), kg(target), kg(actual),
                projected.isPresent() ? OptionalDouble.of(kg(projected.getAsDouble())) : OptionalDouble.empty(),
                baselineKg > 0 ? OptionalDouble.of(ReportFigures.round(100 * (1 - actual / (baselineKg * period.shareOfYear())), 1).doubleValue())
                        : OptionalDouble.empty(),
                t.includesEmbodied(), status);
    }

    /** Kilograms as reported: to 3 places. */
    public static double kg(double kg) {
        return ReportFigures.round(kg, 3).doubleValue();
    }

    private static List<String> methodNotes(boolean targetConfigured) {
        return List.of(
                "Operational carbon is location-based: energy x grid intensity of the year (and half-hour, where imported) it was used, "
                        + "scope 2 for generation including the site's PUE overhead, scope 3 for transmission and distribution losses.",
                "Off energy: time a device is known to be off (between two boot sessions) at its class's off power; it gets its "
                        + "site's factors, intensity, PUE and tariff over its local day, like metered energy.",
                "Embodied carbon (scope 3, purchased goods) is each device's manufacturing figure (its model's, else its class's, "
                        + "plus 64.7 kg per display) spread evenly over its expected life from its purchase date, else its firmware "
                        + "release date, else the day Kilowatch first saw it. It is never added into operational figures.",
                "fallback_energy_kwh is energy whose carbon used the annual factor because no half-hourly intensity covered it.",
                "scope3_wtt_kg: well-to-tank of the electricity's generation and T&D losses (facility energy x the configured "
                        + "WTT factors of its year), scope 3 category 3, reported apart and not part of operational_kg or any target.",
                "Data quality: measured energy came from a meter (RAPL, battery, SNMP power readings), modelled from a power "
                        + "model or a class's off power, imported from history files (device, site meter or organisation); "
                        + "unknown is energy recorded before Kilowatch kept that split.",
                "Shared services are apportioned to partners by fixed shares (largest-remainder rounding, so parts add up to the "
                        + "total exactly); organisations' totals include their shares.",
                targetConfigured ? "A quarter's target is the annual target times the quarter's share of the year's days."
                        : "No reduction target is configured (sustainability.targets.baseline_year).");
    }

    /**
     * How the figures were made: each site's method for the year (once per distinct line), then each distinct
     * source of embodied figures.
     *
     * @param deviceSites the devices' sites in order, null for a device without one
     * @param embodiedSources the devices' embodied figures' sources, in order
     */
    public static List<String> factorSources(CarbonPolicy policy, int year, List<String> deviceSites, List<String> embodiedSources) {
        Set<String> sources = new LinkedHashSet<>();
        for (String site : new LinkedHashSet<>(deviceSites)) {
            sources.add((site == null ? "(no site)" : site) + ": " + policy.method(site, year));
        }
        embodiedSources.forEach(s -> sources.add("embodied, " + s));
        return List.copyOf(sources);
    }
}
