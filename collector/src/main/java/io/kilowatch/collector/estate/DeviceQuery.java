package io.kilowatch.collector.estate;

import io.kilowatch.collector.http.QueryParams;

import io.kilowatch.collector.estate.DeviceRow;
import io.kilowatch.collector.estate.Estate;
import io.vertx.core.MultiMap;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What {@code GET /api/v1/devices} was asked for: filters on labels, state and a name search, and a page.
 * Filtering and paging run on the server so a dashboard of tens of thousands of devices receives only
 * the rows it shows. Without {@code limit} and {@code offset} the answer keeps its original shape (every
 * matching device in one array).
 *
 * @param state the devices' state now, or null for any: {@code down} leaves out a desktop asleep or
 *     stopped cleanly, which is {@code expected_off}, as the overview counts it and the dashboard shows it
 * @param search text looked for, case ignored, in the hostname and the device id, or null
 * @param limit page size, or null for no paging
 */
record DeviceQuery(String org, String site, String deviceClass, Estate.State state, String search, Integer limit, int offset) {
    static final int MAX_LIMIT = 1_000;
    private static final Set<String> KNOWN = Set.of("org", "site", "class", "state", "q", "limit", "offset");

    /** The query in a request's parameters; a parameter that is unknown or malformed fails naming it. */
    static DeviceQuery parse(MultiMap params) {
        for (String name : params.names()) {
            if (!KNOWN.contains(name)) {
                throw new IllegalArgumentException("unknown parameter '" + name + "'; known: class, limit, offset, org, q, site, state");
            }
        }
        String q = params.get("q");
        boolean paged = params.contains("limit") || params.contains("offset");
        return new DeviceQuery(params.get("org"), params.get("site"), params.get("class"), state(params.get("state")),
                q == null || q.isBlank() ? null : q.strip(),
                paged ? QueryParams.integer(params.get("limit"), "limit", 100, 1, MAX_LIMIT) : null,
                QueryParams.integer(params.get("offset"), "offset", 0, 0, Integer.MAX_VALUE));
    }

    private static Estate.State state(String value) {
        if (value == null) {
            return null;
        }
        for (Estate.State s : Estate.State.values()) {
            if (s.name().toLowerCase(Locale.ROOT).equals(value)) {
                return s;
            }
        }
        throw new IllegalArgumentException("state must be up, down or expected_off, not '" + value + "'");
    }

    boolean paged() {
        return limit != null;
    }

    /** The matching devices of {@code rows} (in their order), before paging. */
    List<DeviceRow> select(List<DeviceRow> rows, Estate estate, Instant now) {
        return rows.stream().filter(r -> matches(r, estate, now)).toList();
    }

    private boolean matches(DeviceRow r, Estate estate, Instant now) {
        return (org == null || org.equals(r.identity().org())) && (site == null || site.equals(r.identity().site()))
                && (deviceClass == null || deviceClass.equals(r.identity().deviceClass()))
                && (search == null || contains(r.host().hostname()) || contains(r.deviceId()))
                && (state == null || estate.state(r, now) == state);
    }

    /** Whether {@code text} holds the search, case ignored, without copying either (it runs on every row). */
    private boolean contains(String text) {
        if (text == null) {
            return false;
        }
        for (int i = 0; i <= text.length() - search.length(); i++) {
            if (text.regionMatches(true, i, search, 0, search.length())) {
                return true;
            }
        }
        return false;
    }

    /** The page of {@code matching} this query asks for. */
    List<DeviceRow> page(List<DeviceRow> matching) {
        int from = Math.min(offset, matching.size());
        return matching.subList(from, Math.min(matching.size(), from + limit));
    }

    /** Every value each label takes across {@code rows}, sorted: what a filter may choose from. */
    static Map<String, Set<String>> labelValues(List<DeviceRow> rows) {
        Map<String, Set<String>> values = new java.util.TreeMap<>();
        for (String name : List.of("org", "site", "class")) {
            Set<String> set = new TreeSet<>();
            rows.forEach(r -> {
                if (r.label(name) != null) {
                    set.add(r.label(name));
                }
            });
            values.put(name, set);
        }
        return values;
    }
}
