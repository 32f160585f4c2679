package io.kilowatch.collector.sustainability;

import io.kilowatch.collector.estate.CarbonPolicy;
import io.kilowatch.core.carbon.Apportionment;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;

/**
 * The carbon report for a year or a quarter: totals by scope, by organisation (with shared services
 * apportioned to partners), site and class, against the target, with method notes and factor sources.
 * The JSON and the CSV carry the same rounded figures, so a printed page, a spreadsheet and the API agree.
 */
final class CarbonReport {
    /** A calendar year or quarter in the collector's zone. */
    record Period(int year, Integer quarter, ZoneId zone) {
        LocalDate firstDay() {
            return quarter == null ? LocalDate.of(year, 1, 1) : LocalDate.of(year, 3 * quarter - 2, 1);
        }

        LocalDate endDay() {
            return quarter == null ? firstDay().plusYears(1) : firstDay().plusMonths(3);
        }

        Instant from() {
            return firstDay().atStartOfDay(zone).toInstant();
        }

        Instant to() {
            return endDay().atStartOfDay(zone).toInstant();
        }

        String label() {
            return quarter == null ? Integer.toString(year) : year + " Q" + quarter;
        }

        /** The period's share of its year by days, for a quarter's share of the annual target. */
        double shareOfYear() {
            return (double) (endDay().toEpochDay() - firstDay().toEpochDay()) / firstDay().lengthOfYear();
        }
    }

    private static final List<String> COLUMNS = List.of("energy_kwh", "it_energy_kwh", "off_energy_kwh", "overhead_energy_kwh",
            "fallback_energy_kwh", "measured_energy_kwh", "modelled_energy_kwh", "imported_energy_kwh", "unknown_energy_kwh",
            "scope2_kg", "scope2_overhead_kg", "scope3_td_kg", "operational_kg", "scope3_wtt_kg", "embodied_kg", "cost_gbp");

    private CarbonReport() {
    }

    static JsonObject json(Period period, CarbonLedger ledger, SustainabilityConfig config, CarbonPolicy carbon,
                           Optional<Trajectory.Target> target, Trajectory trajectory, Instant now) {
        Figures total = ledger.total();
        Map<String, Figures> byOrg = ledger.groupBy(CarbonLedger.Group::org);
        JsonObject json = new JsonObject()
                .put("period", new JsonObject().put("label", period.label()).put("year", period.year()).put("quarter", period.quarter())
                        .put("from", period.from().toString()).put("to", period.to().toString()).put("time_zone", period.zone().getId())
                        .put("complete", !now.isBefore(period.to())))
                .put("generated", now.toString())
                .put("totals", total.toJson())
                .put("scopes", scopes(total))
                .put("by_org", orgs(byOrg, config))
                .put("shared_services", shared(byOrg, config))
                .put("by_site", rows("site", ledger.groupBy(CarbonLedger.Group::site)))
                .put("by_class", rows("class", ledger.groupBy(CarbonLedger.Group::deviceClass)))
                .put("target", target.map(t -> target(period, t, trajectory, total, config, now)).orElse(null))
                .put("method", methodNotes(config))
                .put("factor_sources", factorSources(ledger, carbon, period));
        return json;
    }

    private static JsonArray scopes(Figures total) {
        Map<String, BigDecimal> r = total.rounded();
        return new JsonArray()
                .add(new JsonObject().put("scope", "2").put("category", "electricity generation, location-based, incl. PUE overhead")
                        .put("kind", "operational").put("kg", r.get("scope2_kg").doubleValue()))
                .add(new JsonObject().put("scope", "3").put("category", "electricity transmission and distribution losses")
                        .put("kind", "operational").put("kg", r.get("scope3_td_kg").doubleValue()))
                .add(new JsonObject().put("scope", "3").put("category", "embodied carbon of ICT equipment (purchased goods), amortised")
                        .put("kind", "embodied").put("kg", r.get("embodied_kg").doubleValue()))
                .add(new JsonObject().put("scope", "3").put("category", "electricity well-to-tank, generation and T&D (where WTT factors are configured)")
                        .put("kind", "upstream").put("kg", r.get("scope3_wtt_kg").doubleValue()));
    }

    private static JsonArray rows(String key, Map<String, Figures> groups) {
        JsonArray rows = new JsonArray();
        groups.forEach((name, f) -> rows.add(f.toJson().put(key, name)));
        return rows;
    }

    /**
     * Each organisation's own figures plus its apportioned share of every shared service it is a partner of.
     * Shared services themselves are listed apart (in shared_services), not as organisations.
     */
    private static JsonArray orgs(Map<String, Figures> byOrg, SustainabilityConfig config) {
        Map<String, Map<String, BigDecimal>> own = new TreeMap<>();
        byOrg.forEach((org, f) -> {
            if (!config.sharedServices().containsKey(org)) {
                own.put(org, f.rounded());
            }
        });
        Map<String, Map<String, BigDecimal>> sharedParts = new TreeMap<>();
        splits(byOrg, config).values().forEach(partners -> partners.forEach((partner, parts) -> {
            own.computeIfAbsent(partner, k -> zero());
            sharedParts.merge(partner, parts, CarbonReport::sum);
        }));
        JsonArray rows = new JsonArray();
        own.forEach((org, figures) -> {
            Map<String, BigDecimal> shared = sharedParts.getOrDefault(org, zero());
            rows.add(new JsonObject().put("org", org)
                    .put("own", toJson(figures))
                    .put("shared", toJson(shared))
                    .put("total", toJson(sum(figures, shared)))
                    .put("devices", byOrg.containsKey(org) ? byOrg.get(org).devices : 0));
        });
        return rows;
    }

    private static JsonArray shared(Map<String, Figures> byOrg, SustainabilityConfig config) {
        JsonArray rows = new JsonArray();
        splits(byOrg, config).forEach((org, partners) -> {
            JsonArray parts = new JsonArray();
            Map<String, Double> weights = config.sharedServices().get(org);
            double weightSum = weights.values().stream().mapToDouble(Double::doubleValue).sum();
            partners.forEach((partner, figures) -> parts.add(toJson(figures).put("partner", partner).put("share", weights.get(partner) / weightSum)));
            Figures f = byOrg.getOrDefault(org, new Figures());
            rows.add(new JsonObject().put("org", org).put("total", toJson(f.rounded())).put("devices", f.devices).put("partners", parts));
        });
        return rows;
    }

    /** Shared service to partner to its part of every figure; parts add up to the service's rounded total exactly. */
    private static Map<String, Map<String, Map<String, BigDecimal>>> splits(Map<String, Figures> byOrg, SustainabilityConfig config) {
        Map<String, Map<String, Map<String, BigDecimal>>> result = new LinkedHashMap<>();
        config.sharedServices().forEach((org, weights) -> {
            Map<String, BigDecimal> total = byOrg.getOrDefault(org, new Figures()).rounded();
            Map<String, Map<String, BigDecimal>> partners = new LinkedHashMap<>();
            weights.keySet().forEach(p -> partners.put(p, new LinkedHashMap<>()));
            total.forEach((column, value) -> Apportionment.split(value, weights)
                    .forEach((partner, part) -> partners.get(partner).put(column, part)));
            result.put(org, partners);
        });
        return result;
    }

    private static Map<String, BigDecimal> zero() {
        Map<String, BigDecimal> m = new LinkedHashMap<>();
        new Figures().rounded().forEach(m::put);
        return m;
    }

    private static Map<String, BigDecimal> sum(Map<String, BigDecimal> a, Map<String, BigDecimal> b) {
        Map<String, BigDecimal> m = new LinkedHashMap<>(a);
        b.forEach((k, v) -> m.merge(k, v, BigDecimal::add));
        return m;
    }

    private static JsonObject toJson(Map<String, BigDecimal> figures) {
        return Figures.toJson(figures);
    }

    private static JsonObject target(Period period, Trajectory.Target t, Trajectory trajectory, Figures total,
                                     SustainabilityConfig config, Instant now) {
        double yearTarget = t.path().targetKg(period.year());
        double target = yearTarget * period.shareOfYear();
        double actual = (total.operationalGrams() + (config.targetIncludesEmbodied() ? total.embodiedGrams : 0)) / 1000;
        boolean complete = !now.isBefore(period.to());
        LocalDate today = now.atZone(period.zone()).toLocalDate();
        OptionalDouble projected = period.quarter() == null && today.getYear() == period.year()
                ? trajectory.projected(t, today) : OptionalDouble.empty();
        String status = complete ? (actual <= target ? "met" : "missed")
                : projected.isPresent() ? (projected.getAsDouble() <= target ? "on_track" : "off_track") : "in_progress";
        return new JsonObject()
                .put("baseline_year", t.path().baselineYear())
                .put("baseline_kg", Trajectory.round(t.path().baselineKg()))
                .put("baseline_source", t.baselineSource())
                .put("target_kg", Trajectory.round(target))
                .put("actual_kg", Trajectory.round(actual))
                .put("projected_year_end_kg", projected.isPresent() ? Trajectory.round(projected.getAsDouble()) : null)
                .put("reduction_vs_baseline_percent", t.path().baselineKg() > 0
                        ? Figures.round(100 * (1 - actual / (t.path().baselineKg() * period.shareOfYear())), 1).doubleValue() : null)
                .put("includes_embodied", config.targetIncludesEmbodied())
                .put("status", status);
    }

    private static JsonArray methodNotes(SustainabilityConfig config) {
        return new JsonArray()
                .add("Operational carbon is location-based: energy x grid intensity of the year (and half-hour, where imported) it was used, "
                        + "scope 2 for generation including the site's PUE overhead, scope 3 for transmission and distribution losses.")
                .add("Off energy: time a device is known to be off (between two boot sessions) at its class's off power; it gets its "
                        + "site's factors, intensity, PUE and tariff over its local day, like metered energy.")
                .add("Embodied carbon (scope 3, purchased goods) is each device's manufacturing figure (its model's, else its class's, "
                        + "plus 64.7 kg per display) spread evenly over its expected life from its purchase date, else its firmware "
                        + "release date, else the day Kilowatch first saw it. It is never added into operational figures.")
                .add("fallback_energy_kwh is energy whose carbon used the annual factor because no half-hourly intensity covered it.")
                .add("scope3_wtt_kg: well-to-tank of the electricity's generation and T&D losses (facility energy x the configured "
                        + "WTT factors of its year), scope 3 category 3, reported apart and not part of operational_kg or any target.")
                .add("Data quality: measured energy came from a meter (RAPL, battery, SNMP power readings), modelled from a power "
                        + "model or a class's off power, imported from history files (device, site meter or organisation); "
                        + "unknown is energy recorded before Kilowatch kept that split.")
                .add("Shared services are apportioned to partners by fixed shares (largest-remainder rounding, so parts add up to the "
                        + "total exactly); organisations' totals include their shares.")
                .add(config.baselineYear().isPresent() ? "A quarter's target is the annual target times the quarter's share of the year's days."
                        : "No reduction target is configured (sustainability.targets.baseline_year).");
    }

    private static JsonArray factorSources(CarbonLedger ledger, CarbonPolicy carbon, Period period) {
        Set<String> sites = new LinkedHashSet<>();
        ledger.profiles().forEach(p -> sites.add(p.row().site()));
        List<String> sources = new ArrayList<>();
        for (String site : sites) {
            String line = (site == null ? "(no site)" : site) + ": " + carbon.method(site, period.year());
            if (!sources.contains(line)) {
                sources.add(line);
            }
        }
        Set<String> embodied = new LinkedHashSet<>();
        ledger.profiles().forEach(p -> embodied.add("embodied, " + p.embodiedSource()));
        sources.addAll(embodied);
        return new JsonArray(sources);
    }

    /** The same report as CSV: one row per line of every table, the same rounded figures as the JSON. */
    static String csv(JsonObject report) {
        StringBuilder out = new StringBuilder("section,name,").append(String.join(",", COLUMNS)).append('\n');
        String label = report.getJsonObject("period").getString("label");
        row(out, "total", label, report.getJsonObject("totals"));
        for (Object o : report.getJsonArray("by_org")) {
            JsonObject org = (JsonObject) o;
            row(out, "org", org.getString("org"), org.getJsonObject("total"));
            row(out, "org_own", org.getString("org"), org.getJsonObject("own"));
            row(out, "org_shared", org.getString("org"), org.getJsonObject("shared"));
        }
        for (Object o : report.getJsonArray("shared_services")) {
            JsonObject s = (JsonObject) o;
            row(out, "shared_service", s.getString("org"), s.getJsonObject("total"));
            for (Object p : s.getJsonArray("partners")) {
                JsonObject part = (JsonObject) p;
                row(out, "shared_part", s.getString("org") + " -> " + part.getString("partner"), part);
            }
        }
        for (Object o : report.getJsonArray("by_site")) {
            row(out, "site", ((JsonObject) o).getString("site"), (JsonObject) o);
        }
        for (Object o : report.getJsonArray("by_class")) {
            row(out, "class", ((JsonObject) o).getString("class"), (JsonObject) o);
        }
        JsonObject target = report.getJsonObject("target");
        if (target != null) {
            out.append("target,").append(cell("status " + target.getString("status") + "; target_kg " + target.getValue("target_kg")
                    + "; actual_kg " + target.getValue("actual_kg") + "; baseline " + target.getValue("baseline_kg") + " kg in "
                    + target.getValue("baseline_year") + ", " + target.getString("baseline_source"))).append('\n');
        }
        for (Object note : report.getJsonArray("method")) {
            out.append("method,").append(cell(note.toString())).append('\n');
        }
        for (Object source : report.getJsonArray("factor_sources")) {
            out.append("factor_source,").append(cell(source.toString())).append('\n');
        }
        return out.toString();
    }

    private static void row(StringBuilder out, String section, String name, JsonObject figures) {
        out.append(section).append(',').append(cell(name));
        for (String column : COLUMNS) {
            out.append(',').append(BigDecimal.valueOf(figures.getDouble(column)).toPlainString());
        }
        out.append('\n');
    }

    /** A CSV field, quoted, with a leading formula character neutralised so a spreadsheet never runs a label. */
    static String cell(String text) {
        String safe = !text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0 ? "'" + text : text;
        return '"' + safe.replace("\"", "\"\"") + '"';
    }
}
