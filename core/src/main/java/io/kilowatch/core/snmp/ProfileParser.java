package io.kilowatch.core.snmp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads one device profile from YAML (format in docs/snmp.md). Strict: unknown fields, missing ones and
 * bad values fail with the file and the field's path, so a typo never silently reads nothing.
 */
public final class ProfileParser {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,63}");
    private static final Pattern METRIC_NAME = Pattern.compile("[a-z][a-z0-9_]{0,99}");
    /** Names the collector's own SNMP metrics use; a profile metric may not shadow them. */
    private static final Set<String> RESERVED = Set.of("poll_duration_seconds", "poll_success", "interface_up", "traps_total");
    private static final Set<String> TOP = Set.of("name", "description", "match", "include", "power_rank", "metrics");
    private static final Set<String> MATCH = Set.of("sys_object_id_prefixes", "probe", "fallback");
    private static final Set<String> METRIC = Set.of("name", "oid", "table", "scale", "unit", "role", "kind", "help", "decimal_digits",
            "filters", "absent_values");
    private static final Set<String> FILTER = Set.of("column", "index_last_arc", "in", "not_in", "matching", "not_matching", "prefer_matching",
            "prefer_within", "at_least_row_value", "thousandths_above");

    private ProfileParser() {
    }

    public static SnmpProfile parse(String yaml, String origin) {
        Object doc;
        try {
            doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        } catch (YAMLException e) {
            throw new ProfileException(origin + ": not valid YAML: " + e.getMessage());
        }
        Map<?, ?> top = mapping(doc, origin, "the document");
        onlyKnown(top, TOP, origin, "");
        String name = text(top, "name", origin, "name", true);
        if (!NAME.matcher(name).matches()) {
            throw new ProfileException(origin + ": name must be lower-case letters, digits, '_' or '-' (1-64), got '" + name + "'");
        }
        String description = text(top, "description", origin, "description", false);
        Map<?, ?> match = top.get("match") == null ? Map.of() : mapping(top.get("match"), origin, "match");
        onlyKnown(match, MATCH, origin, "match.");
        List<String> prefixes = oids(match.get("sys_object_id_prefixes"), origin, "match.sys_object_id_prefixes");
        List<String> probes = oids(match.get("probe"), origin, "match.probe");
        Object fallbackRaw = match.get("fallback");
        if (fallbackRaw != null && !(fallbackRaw instanceof Boolean)) {
            throw new ProfileException(origin + ": match.fallback must be true or false, got '" + fallbackRaw + "'");
        }
        boolean fallback = Boolean.TRUE.equals(fallbackRaw);
        List<String> includes = new ArrayList<>();
        for (Object include : list(top.get("include"), origin, "include")) {
            includes.add(String.valueOf(include));
        }
        List<?> rawMetrics = list(top.get("metrics"), origin, "metrics");
        if (rawMetrics.isEmpty() && includes.isEmpty()) {
            throw new ProfileException(origin + ": metrics must list at least one metric (or include another profile)");
        }
        List<ProfileMetric> metrics = new ArrayList<>();
        for (int i = 0; i < rawMetrics.size(); i++) {
            ProfileMetric m = metric(rawMetrics.get(i), origin, "metrics[" + i + "]");
            // two metrics of one name would be one series, and includes keep only the first
            if (metrics.stream().anyMatch(other -> other.name().equals(m.name()))) {
                throw new ProfileException(origin + ": metrics[" + i + "].name '" + m.name() + "' is already used by another metric of this profile");
            }
            metrics.add(m);
        }
        Object rank = top.get("power_rank");
        if (rank != null && !(rank instanceof Integer)) {
            throw new ProfileException(origin + ": power_rank must be a whole number, got '" + rank + "'");
        }
        return new SnmpProfile(name, origin, description, prefixes, probes, fallback, rank == null ? 0 : (Integer) rank, includes, metrics);
    }

    private static List<String> oids(Object raw, String origin, String path) {
        List<String> out = new ArrayList<>();
        List<?> items = list(raw, origin, path);
        for (int i = 0; i < items.size(); i++) {
            String oid = Oids.normalise(String.valueOf(items.get(i)));
            if (oid == null) {
                throw new ProfileException(origin + ": " + path + "[" + i + "] must be a numeric OID, got '" + items.get(i) + "'");
            }
            out.add(oid);
        }
        return out;
    }

    private static ProfileMetric metric(Object raw, String origin, String path) {
        Map<?, ?> m = mapping(raw, origin, path);
        onlyKnown(m, METRIC, origin, path + ".");
        String name = text(m, "name", origin, path + ".name", true);
        if (!METRIC_NAME.matcher(name).matches()) {
            throw new ProfileException(origin + ": " + path + ".name must be snake_case (a-z, 0-9, _), got '" + name + "'");
        }
        if (RESERVED.contains(name)) {
            throw new ProfileException(origin + ": " + path + ".name '" + name + "' is taken by the collector's own metrics");
        }
        String oidText = text(m, "oid", origin, path + ".oid", true);
        String oid = Oids.normalise(oidText);
        if (oid == null) {
            throw new ProfileException(origin + ": " + path + ".oid must be a numeric OID such as 1.3.6.1.2.1.1.3.0, got '" + oidText + "'");
        }
        Object tableRaw = m.get("table");
        if (tableRaw != null && !(tableRaw instanceof Boolean)) {
            throw new ProfileException(origin + ": " + path + ".table must be true or false, got '" + tableRaw + "'");
        }
        double scale = 1;
        Object scaleRaw = m.get("scale");
        if (scaleRaw != null) {
            if (!(scaleRaw instanceof Number n) || !Double.isFinite(n.doubleValue()) || n.doubleValue() == 0) {
                throw new ProfileException(origin + ": " + path + ".scale must be a non-zero number, got '" + scaleRaw + "'");
            }
            scale = n.doubleValue();
        }
        ProfileMetric.Role role = choice(ProfileMetric.Role.class, m.get("role"), ProfileMetric.Role.NONE, origin, path + ".role");
        ProfileMetric.Kind kind = choice(ProfileMetric.Kind.class, m.get("kind"), ProfileMetric.Kind.VALUE, origin, path + ".kind");
        boolean table = Boolean.TRUE.equals(tableRaw) || kind == ProfileMetric.Kind.ENTITY_SENSOR_WATTS;
        String unit = text(m, "unit", origin, path + ".unit", false);
        String digits = null;
        if (m.get("decimal_digits") != null) {
            digits = oids(List.of(m.get("decimal_digits")), origin, path + ".decimal_digits").get(0);
        }
        List<ProfileMetric.Filter> filters = new ArrayList<>();
        List<?> rawFilters = list(m.get("filters"), origin, path + ".filters");
        for (int i = 0; i < rawFilters.size(); i++) {
            filters.add(filter(rawFilters.get(i), origin, path + ".filters[" + i + "]"));
        }
        if ((digits != null || !filters.isEmpty()) && !table) {
            throw new ProfileException(origin + ": " + path + ": decimal_digits and filters apply to table rows; set table: true");
        }
        for (int i = 0; i < filters.size(); i++) {
            if (oid.equals(filters.get(i).column())) {
                throw new ProfileException(origin + ": " + path + ".filters[" + i + "] tests the metric's own value;"
                        + " list the values that mean none (0, -1) in absent_values");
            }
        }
        Set<Long> absent = numbers(m.get("absent_values"), origin, path + ".absent_values");
        if (!absent.isEmpty() && kind != ProfileMetric.Kind.VALUE) {
            throw new ProfileException(origin + ": " + path + ".absent_values apply to raw values (kind: value), not to kind: "
                    + kind.name().toLowerCase(Locale.ROOT) + "; filter on a column instead");
        }
        return new ProfileMetric(name, oid, table, scale, unit == null ? "" : unit, role, kind, text(m, "help", origin, path + ".help", false),
                digits, filters, absent);
    }

    private static ProfileMetric.Filter filter(Object raw, String origin, String path) {
        Map<?, ?> f = mapping(raw, origin, path);
        onlyKnown(f, FILTER, origin, path + ".");
        boolean onIndex = Boolean.TRUE.equals(f.get("index_last_arc"));
        String column = null;
        if (f.get("column") != null) {
            column = oids(List.of(f.get("column")), origin, path + ".column").get(0);
        }
        if (onIndex == (column != null)) {
            throw new ProfileException(origin + ": " + path + " must test either a column or index_last_arc: true");
        }
        Pattern matching = pattern(f, "matching", origin, path);
        Pattern notMatching = pattern(f, "not_matching", origin, path);
        Pattern preferMatching = pattern(f, "prefer_matching", origin, path);
        Object atLeastRaw = f.get("at_least_row_value");
        if (atLeastRaw != null && !(atLeastRaw instanceof Boolean)) {
            throw new ProfileException(origin + ": " + path + ".at_least_row_value must be true or false, got '" + atLeastRaw + "'");
        }
        boolean atLeast = Boolean.TRUE.equals(atLeastRaw);
        Object thousandthsRaw = f.get("thousandths_above");
        if (thousandthsRaw != null && !(thousandthsRaw instanceof Boolean)) {
            throw new ProfileException(origin + ": " + path + ".thousandths_above must be true or false, got '" + thousandthsRaw + "'");
        }
        boolean thousandths = Boolean.TRUE.equals(thousandthsRaw);
        if (thousandths && !atLeast) {
            throw new ProfileException(origin + ": " + path + ".thousandths_above reads rows above at_least_row_value's column; set at_least_row_value: true");
        }
        if ((preferMatching != null || atLeast) && column == null) {
            throw new ProfileException(origin + ": " + path + (atLeast ? ".at_least_row_value" : ".prefer_matching")
                    + " tests another column of the row; name the column");
        }
        String preferWithin = null;
        if (f.get("prefer_within") != null) {
            if (preferMatching == null) {
                throw new ProfileException(origin + ": " + path + ".prefer_within groups the rows prefer_matching chooses among; add prefer_matching");
            }
            preferWithin = oids(List.of(f.get("prefer_within")), origin, path + ".prefer_within").get(0);
        }
        Set<Long> in = numbers(f.get("in"), origin, path + ".in");
        Set<Long> notIn = numbers(f.get("not_in"), origin, path + ".not_in");
        if (in.isEmpty() && notIn.isEmpty() && matching == null && notMatching == null && preferMatching == null && !atLeast) {
            throw new ProfileException(origin + ": " + path + " needs in (values to keep), not_in (values to drop), matching (a pattern to keep), not_matching (a pattern to drop),"
                    + " prefer_matching (a pattern whose rows, where there are any, are the only ones read) or at_least_row_value: true");
        }
        return new ProfileMetric.Filter(column, in, notIn, matching, notMatching, preferMatching, preferWithin, atLeast, thousandths);
    }

    private static Pattern pattern(Map<?, ?> f, String key, String origin, String path) {
        String pattern = text(f, key, origin, path + "." + key, false);
        if (pattern == null) {
            return null;
        }
        try {
            return Pattern.compile(pattern);
        } catch (java.util.regex.PatternSyntaxException e) {
            throw new ProfileException(origin + ": " + path + "." + key + " is not a regular expression: " + e.getDescription());
        }
    }

    private static Set<Long> numbers(Object raw, String origin, String path) {
        Set<Long> out = new java.util.LinkedHashSet<>();
        for (Object item : list(raw, origin, path)) {
            if (!(item instanceof Integer || item instanceof Long)) {
                throw new ProfileException(origin + ": " + path + " must list whole numbers, got '" + item + "'");
            }
            out.add(((Number) item).longValue());
        }
        return out;
    }

    private static <E extends Enum<E>> E choice(Class<E> type, Object raw, E fallback, String origin, String path) {
        if (raw == null) {
            return fallback;
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().toLowerCase(Locale.ROOT).equals(raw.toString())) {
                return e;
            }
        }
        List<String> allowed = java.util.Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList();
        throw new ProfileException(origin + ": " + path + " must be one of " + String.join(", ", allowed) + ", got '" + raw + "'");
    }

    private static Map<?, ?> mapping(Object raw, String origin, String path) {
        if (!(raw instanceof Map<?, ?> m)) {
            throw new ProfileException(origin + ": " + path + " must be a mapping of fields to values");
        }
        return m;
    }

    private static List<?> list(Object raw, String origin, String path) {
        if (raw == null) {
            return List.of();
        }
        if (!(raw instanceof List<?> l)) {
            throw new ProfileException(origin + ": " + path + " must be a list");
        }
        return l;
    }

    private static String text(Map<?, ?> m, String key, String origin, String path, boolean required) {
        Object raw = m.get(key);
        if (raw == null || raw.toString().isBlank()) {
            if (required) {
                throw new ProfileException(origin + ": " + path + " is required");
            }
            return null;
        }
        if (raw instanceof Map || raw instanceof List) {
            throw new ProfileException(origin + ": " + path + " must be a single value");
        }
        return raw.toString();
    }

    private static void onlyKnown(Map<?, ?> m, Set<String> known, String origin, String prefix) {
        for (Object key : m.keySet()) {
            if (!known.contains(String.valueOf(key))) {
                throw new ProfileException(origin + ": " + prefix + key + " is not a known field; use " + String.join(", ", known.stream().sorted().toList()));
            }
        }
    }
}
