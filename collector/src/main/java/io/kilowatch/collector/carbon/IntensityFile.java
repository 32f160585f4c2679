package io.kilowatch.collector.carbon;

import io.kilowatch.core.carbon.IntensitySeries;
import io.kilowatch.core.carbon.NesoRegions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads half-hourly intensity files into points by region key. All or nothing: the first problem
 * throws {@link IntensityFormatException} naming where it is, and nothing is returned.
 * <ul>
 * <li>NESO Carbon Intensity API JSON, any of its shapes: national ({@code /intensity/...}: {@code data[]} of
 * {@code from, to, intensity{forecast, actual}}; the actual is used where present), regional by time
 * ({@code /regional}, {@code /regional/intensity/...}: {@code data[].regions[]}) and one region
 * ({@code /regional/regionid/N}, {@code /regional/intensity/{from}/{to}/regionid/N}, {@code /regional/postcode/...}:
 * {@code data} (one object or an array) of {@code regionid, data[]}).</li>
 * <li>CSV with a header: {@code from,to,gco2e_per_kwh} and optional {@code region} and {@code kind}
 * ({@code actual} or {@code forecast}, default actual) columns; times ISO 8601 with an offset; {@code #} comments.</li>
 * </ul>
 */
public final class IntensityFile {
    public static final String NESO_NATIONAL = "NESO Carbon Intensity API national";
    public static final String NESO_REGIONAL = "NESO Carbon Intensity API regional";

    public enum Format {
        NESO, CSV;

        public static Format of(String name) {
            for (Format f : values()) {
                if (f.name().equalsIgnoreCase(name)) {
                    return f;
                }
            }
            throw new IntensityFormatException("format must be neso or csv, got '" + name + "'");
        }
    }

    private IntensityFile() {
    }

    /**
     * @param region only this region (id or name) from a file with several, or the region of CSV rows without a
     *     region column; null to take every region in the file
     * @param source the data set's name for CSV rows, or null for "CSV import"
     */
    public static Map<String, List<IntensitySeries.Point>> parse(String text, Format format, String region, String source) {
        String key = region == null ? null : regionKey(region, "region");
        Map<String, List<IntensitySeries.Point>> points = format == Format.NESO ? neso(text) : csv(text, key, source);
        if (key != null) {
            points.keySet().retainAll(List.of(key));
        }
        if (points.values().stream().allMatch(List::isEmpty)) {
            throw new IntensityFormatException(key == null ? "the file holds no half-hours" : "the file holds no half-hours for region " + region);
        }
        return points;
    }

    private static Map<String, List<IntensitySeries.Point>> neso(String text) {
        JsonObject root;
        try {
            root = new JsonObject(text);
        } catch (DecodeException e) {
            throw new IntensityFormatException("not NESO Carbon Intensity JSON: " + e.getMessage());
        }
        // One region over a time range comes as a single object in data, everything else as an array.
        JsonArray data = root.getValue("data") instanceof JsonObject one ? new JsonArray().add(one) : array(root, "data", "$");
        Map<String, List<IntensitySeries.Point>> points = new LinkedHashMap<>();
        for (int i = 0; i < data.size(); i++) {
            String path = "$.data[" + i + "]";
            JsonObject entry = object(data.getValue(i), path);
            if (entry.containsKey("regions")) {
                Instant from = halfHour(entry, path);
                JsonArray regions = array(entry, "regions", path);
                for (int j = 0; j < regions.size(); j++) {
                    String p = path + ".regions[" + j + "]";
                    JsonObject r = object(regions.getValue(j), p);
                    String k = nesoRegion(r, p);
                    add(points, k, regional(from, object(r.getValue("intensity"), p + ".intensity"), p + ".intensity", k));
                }
            } else if (entry.containsKey("regionid")) {
                String k = nesoRegion(entry, path);
                JsonArray halves = array(entry, "data", path);
                for (int j = 0; j < halves.size(); j++) {
                    String p = path + ".data[" + j + "]";
                    JsonObject h = object(halves.getValue(j), p);
                    add(points, k, regional(halfHour(h, p), object(h.getValue("intensity"), p + ".intensity"), p + ".intensity", k));
                }
            } else if (entry.containsKey("intensity")) {
                Instant from = halfHour(entry, path);
                JsonObject intensity = object(entry.getValue("intensity"), path + ".intensity");
                boolean measured = intensity.getValue("actual") != null;
                double grams = number(intensity, measured ? "actual" : "forecast", path + ".intensity");
                add(points, NesoRegions.NATIONAL, point(from, grams, measured ? IntensitySeries.ACTUAL : IntensitySeries.FORECAST,
                        NESO_NATIONAL, path + ".intensity"));
            } else {
                throw new IntensityFormatException(path + ": expected a half-hour with intensity, regions, or regionid and data");
            }
        }
        return points;
    }

    private static IntensitySeries.Point regional(Instant from, JsonObject intensity, String path, String region) {
        return point(from, number(intensity, "forecast", path), IntensitySeries.FORECAST,
                NESO_REGIONAL + ", " + NesoRegions.describe(region), path);
    }

    private static Map<String, List<IntensitySeries.Point>> csv(String text, String region, String source) {
        Map<String, List<IntensitySeries.Point>> points = new LinkedHashMap<>();
        String[] lines = text.split("\r?\n", -1);
        List<String> header = null;
        for (int n = 1; n <= lines.length; n++) {
            String line = lines[n - 1].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            List<String> cells = List.of(line.split(",", -1)).stream().map(String::strip).toList();
            if (header == null) {
                header = cells.stream().map(c -> c.toLowerCase(Locale.ROOT)).toList();
                for (String required : List.of("from", "to", "gco2e_per_kwh")) {
                    if (!header.contains(required)) {
                        throw new IntensityFormatException("line " + n + ": the header must name the columns from, to, gco2e_per_kwh "
                                + "(and optionally region, kind); got '" + line + "'");
                    }
                }
                if (region == null && !header.contains("region")) {
                    throw new IntensityFormatException("line " + n + ": the file has no region column, so the region must be given");
                }
                continue;
            }
            if (cells.size() != header.size()) {
                throw new IntensityFormatException("line " + n + ": " + cells.size() + " fields, the header has " + header.size());
            }
            String where = "line " + n;
            Instant from = instant(cell(header, cells, "from"), where + ", field from");
            Instant to = instant(cell(header, cells, "to"), where + ", field to");
            checkHalfHour(from, to, where);
            String value = cell(header, cells, "gco2e_per_kwh");
            double grams;
            try {
                grams = Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new IntensityFormatException(where + ", field gco2e_per_kwh: not a number: '" + value + "'");
            }
            String kind = header.contains("kind") ? cell(header, cells, "kind").toLowerCase(Locale.ROOT) : IntensitySeries.ACTUAL;
            String k = header.contains("region") ? regionKey(cell(header, cells, "region"), where + ", field region") : region;
            String name = source != null ? source : "CSV import, " + NesoRegions.describe(k);
            add(points, k, point(from, grams, kind, name, where));
        }
        if (header == null) {
            throw new IntensityFormatException("line 1: the file is empty; it needs a header from,to,gco2e_per_kwh");
        }
        return points;
    }

    private static String cell(List<String> header, List<String> cells, String column) {
        return cells.get(header.indexOf(column));
    }

    private static void add(Map<String, List<IntensitySeries.Point>> points, String region, IntensitySeries.Point p) {
        points.computeIfAbsent(region, k -> new ArrayList<>()).add(p);
    }

    private static IntensitySeries.Point point(Instant from, double grams, String kind, String source, String where) {
        try {
            return new IntensitySeries.Point(from, grams, kind, source);
        } catch (IllegalArgumentException e) {
            throw new IntensityFormatException(where + ": " + e.getMessage());
        }
    }

    private static Instant halfHour(JsonObject o, String path) {
        Instant from = instant(string(o, "from", path), path + ".from");
        Instant to = instant(string(o, "to", path), path + ".to");
        checkHalfHour(from, to, path);
        return from;
    }

    private static void checkHalfHour(Instant from, Instant to, String where) {
        if (!to.equals(from.plus(IntensitySeries.HALF_HOUR))) {
            throw new IntensityFormatException(where + ": from " + from + " to " + to + " is not one half-hour");
        }
    }

    private static Instant instant(String text, String where) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new IntensityFormatException(where + ": not an ISO 8601 time with offset such as 2024-06-03T10:00Z: '" + text + "'");
        }
    }

    private static String nesoRegion(JsonObject o, String path) {
        Object id = o.getValue("regionid");
        if (!(id instanceof Number n) || n.doubleValue() != n.intValue()) {
            throw new IntensityFormatException(path + ".regionid: expected a whole number, got " + id);
        }
        return regionKey(Integer.toString(n.intValue()), path + ".regionid");
    }

    private static String regionKey(String given, String where) {
        try {
            return NesoRegions.key(given).orElseThrow(() -> new IntensityFormatException(where + ": 'none' is no region to import"));
        } catch (IllegalArgumentException e) {
            throw new IntensityFormatException(where + ": " + e.getMessage());
        }
    }

    private static JsonObject object(Object value, String path) {
        if (value instanceof JsonObject o) {
            return o;
        }
        throw new IntensityFormatException(path + ": expected an object, got " + value);
    }

    private static JsonArray array(JsonObject o, String field, String path) {
        if (o.getValue(field) instanceof JsonArray a) {
            return a;
        }
        throw new IntensityFormatException(path + "." + field + ": expected an array, got " + o.getValue(field));
    }

    private static String string(JsonObject o, String field, String path) {
        if (o.getValue(field) instanceof String text) {
            return text;
        }
        throw new IntensityFormatException(path + "." + field + ": expected a string, got " + o.getValue(field));
    }

    private static double number(JsonObject o, String field, String path) {
        if (o.getValue(field) instanceof Number n) {
            return n.doubleValue();
        }
        throw new IntensityFormatException(path + "." + field + ": expected a number, got " + o.getValue(field));
    }
}
