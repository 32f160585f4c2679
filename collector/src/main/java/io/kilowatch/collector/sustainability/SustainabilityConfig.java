package io.kilowatch.collector.sustainability;

import io.kilowatch.core.carbon.ClassFootprints;
import io.kilowatch.core.carbon.WorkingHours;
import io.kilowatch.core.config.ConfigException;
import io.kilowatch.core.config.Settings;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@code sustainability} section: targets, class footprints (embodied carbon, life, off and sleep
 * power), per-model embodied figures, shared services and their partners' shares, working hours per site,
 * and the savings finder's thresholds. Documented in docs/configuration.md and docs/carbon-reporting.md.
 *
 * @param baselineYear the target's baseline year; empty when no target is set
 * @param baselineKg the baseline entered by hand; empty to measure it from Kilowatch's own data
 * @param orgBaselineKg per-organisation baselines entered by hand (others are measured)
 * @param milestoneReductions year to fraction below the baseline
 * @param sharedServices shared organisation label to partner weights
 */
public record SustainabilityConfig(
        Optional<Integer> baselineYear,
        OptionalDouble baselineKg,
        Map<String, Double> orgBaselineKg,
        double annualReduction,
        TreeMap<Integer, Double> milestoneReductions,
        boolean targetIncludesEmbodied,
        ClassFootprints footprints,
        Map<String, ModelFootprint> models,
        Map<String, Map<String, Double>> sharedServices,
        WorkingHours defaultHours,
        Map<String, WorkingHours> siteHours,
        Duration savingsWindow,
        double idleCpuRatio,
        double serverMeanCpuRatio,
        double serverP95CpuRatio,
        int topOffenders) {

    static final String SECTION = "sustainability.";

    /** A device model's own embodied figure (from its maker's product carbon footprint), overriding its class. */
    public record ModelFootprint(double embodiedKgco2e, Optional<Integer> expectedLifeYears) {
    }

    public static SustainabilityConfig from(Settings s, ZoneId collectorZone) {
        String t = SECTION + "targets.";
        int year = s.integer(t + "baseline_year", 0, 0, 2100);
        if (year != 0 && year < 2000) {
            throw new ConfigException(t + "baseline_year must be 0 (no target) or a year from 2000, got " + year);
        }
        OptionalDouble baseline = optionalNumber(s, t + "baseline_kgco2e");
        Map<String, Double> orgBaselines = new LinkedHashMap<>();
        for (String org : s.children(t + "orgs")) {
            optionalNumber(s, t + "orgs." + org + ".baseline_kgco2e").ifPresent(kg -> orgBaselines.put(org, kg));
        }
        TreeMap<Integer, Double> milestones = new TreeMap<>();
        for (String key : s.children(t + "milestones")) {
            int milestoneYear = year(key, t + "milestones." + key);
            if (year != 0 && milestoneYear <= year) {
                throw new ConfigException(t + "milestones." + key + ": a milestone must come after the baseline year " + year);
            }
            milestones.put(milestoneYear, s.number(t + "milestones." + key, 0, 0, 100) / 100);
        }
        double annual = s.number(t + "annual_reduction_percent", 0, 0, 99) / 100;
        boolean includeEmbodied = s.bool(t + "include_embodied", false);

        ZoneId hoursZone = zone(s, SECTION + "working_hours.time_zone", collectorZone);
        WorkingHours defaults = hours(s, SECTION + "working_hours.", WorkingHours.officeHours(hoursZone));
        Map<String, WorkingHours> sites = new LinkedHashMap<>();
        for (String site : s.children(SECTION + "sites")) {
            String key = SECTION + "sites." + site + ".working_hours.";
            WorkingHours base = new WorkingHours(defaults.days(), defaults.start(), defaults.end(), zone(s, key + "time_zone", defaults.zone()));
            sites.put(site, hours(s, key, base));
        }
        return new SustainabilityConfig(
                year == 0 ? Optional.empty() : Optional.of(year),
                baseline,
                orgBaselines,
                annual,
                milestones,
                includeEmbodied,
                ClassFootprints.defaults().with(classes(s)),
                models(s),
                sharedServices(s),
                defaults,
                sites,
                s.duration(SECTION + "savings.window", Duration.ofDays(7), Duration.ofDays(1), Duration.ofDays(90)),
                s.number(SECTION + "savings.idle_cpu_ratio", 0.05, 0, 1),
                s.number(SECTION + "savings.server_mean_cpu_ratio", 0.10, 0, 1),
                s.number(SECTION + "savings.server_p95_cpu_ratio", 0.30, 0, 1),
                s.integer(SECTION + "savings.top_offenders", 10, 1, 1000));
    }

    public WorkingHours hoursFor(String site) {
        return site == null ? defaultHours : siteHours.getOrDefault(site, defaultHours);
    }

    /** Per-class overrides; a class not yet in the table (a label from a newer agent or poller) is added. */
    private static Map<String, ClassFootprints.Footprint> classes(Settings s) {
        ClassFootprints defaults = ClassFootprints.defaults();
        Map<String, ClassFootprints.Footprint> overrides = new LinkedHashMap<>();
        for (String label : s.children(SECTION + "classes")) {
            String key = SECTION + "classes." + label + ".";
            ClassFootprints.Footprint d = defaults.forClass(label);
            OptionalDouble kg = optionalNumber(s, key + "embodied_kgco2e");
            OptionalDouble sleep = optionalNumber(s, key + "sleep_watts");
            overrides.put(label, new ClassFootprints.Footprint(
                    kg.isPresent() ? Optional.of(kg.getAsDouble()) : d.embodiedKgco2e(),
                    s.integer(key + "expected_life_years", d.expectedLifeYears(), 1, 30),
                    s.number(key + "off_watts", d.offWatts(), 0, 1000),
                    sleep.isPresent() ? Optional.of(sleep.getAsDouble()) : d.sleepWatts(),
                    "configured (" + SECTION + "classes." + label + "); defaults: " + d.source()));
        }
        return overrides;
    }

    private static Map<String, ModelFootprint> models(Settings s) {
        Map<String, ModelFootprint> models = new LinkedHashMap<>();
        for (String model : s.children(SECTION + "models")) {
            String key = SECTION + "models." + model + ".";
            OptionalDouble kg = optionalNumber(s, key + "embodied_kgco2e");
            if (kg.isEmpty()) {
                throw new ConfigException(key + "embodied_kgco2e is needed for a model entry");
            }
            int life = s.integer(key + "expected_life_years", 0, 0, 30);
            models.put(model, new ModelFootprint(kg.getAsDouble(), life == 0 ? Optional.empty() : Optional.of(life)));
        }
        return models;
    }

    private static Map<String, Map<String, Double>> sharedServices(Settings s) {
        Map<String, Map<String, Double>> shared = new LinkedHashMap<>();
        for (String org : s.children(SECTION + "shared_services")) {
            Map<String, Double> partners = new LinkedHashMap<>();
            for (String partner : s.children(SECTION + "shared_services." + org)) {
                double weight = s.number(SECTION + "shared_services." + org + "." + partner, 0, 0, 1e9);
                if (!(weight > 0)) {
                    throw new ConfigException(SECTION + "shared_services." + org + "." + partner + " must be a share above 0");
                }
                partners.put(partner, weight);
            }
            if (partners.containsKey(org)) {
                throw new ConfigException(SECTION + "shared_services." + org + ": a shared service cannot be its own partner");
            }
            shared.put(org, partners);
        }
        return shared;
    }

    private static WorkingHours hours(Settings s, String prefix, WorkingHours base) {
        Set<DayOfWeek> days = days(prefix + "days", s.string(prefix + "days", null), base.days());
        LocalTime start = time(prefix + "start", s.string(prefix + "start", null), base.start());
        LocalTime end = time(prefix + "end", s.string(prefix + "end", null), base.end());
        if (!end.isAfter(start)) {
            throw new ConfigException(prefix + "end must be after " + prefix + "start, got " + start + "-" + end);
        }
        return new WorkingHours(days, start, end, base.zone());
    }

    private static final List<String> DAY_NAMES = List.of("mon", "tue", "wed", "thu", "fri", "sat", "sun");

    /** {@code mon-fri}, {@code mon,wed,fri} or {@code mon-fri,sat}. */
    static Set<DayOfWeek> days(String key, String text, Set<DayOfWeek> fallback) {
        if (text == null) {
            return fallback;
        }
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (String part : text.toLowerCase(Locale.ROOT).split(",")) {
            String[] range = part.trim().split("-");
            int from = DAY_NAMES.indexOf(range[0].trim());
            int to = range.length == 2 ? DAY_NAMES.indexOf(range[1].trim()) : from;
            if (range.length > 2 || from < 0 || to < from) {
                throw new ConfigException(key + " must list days such as mon-fri or mon,tue,thu, got '" + text + "'");
            }
            for (int d = from; d <= to; d++) {
                days.add(DayOfWeek.of(d + 1));
            }
        }
        return days;
    }

    private static LocalTime time(String key, String text, LocalTime fallback) {
        if (text == null) {
            return fallback;
        }
        try {
            return LocalTime.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw new ConfigException(key + " must be a local time such as 08:00, got '" + text + "'");
        }
    }

    private static ZoneId zone(Settings s, String key, ZoneId fallback) {
        String id = s.string(key, null);
        if (id == null) {
            return fallback;
        }
        try {
            return ZoneId.of(id);
        } catch (DateTimeException e) {
            throw new ConfigException(key + " must be an IANA time zone such as Europe/London, got '" + id + "'");
        }
    }

    private static int year(String text, String key) {
        try {
            int y = Integer.parseInt(text);
            if (y >= 2000 && y <= 2100) {
                return y;
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new ConfigException(key + ": the key must be a year such as 2030");
    }

    private static OptionalDouble optionalNumber(Settings s, String key) {
        String raw = s.string(key, null);
        if (raw == null || raw.isBlank()) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(s.number(key, 0, 0, 1e12));
    }
}
