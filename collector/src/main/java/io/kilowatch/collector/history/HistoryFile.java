package io.kilowatch.collector.history;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Historical energy as CSV (docs/carbon-reporting.md#importing-history): one row per device, site meter
 * or organisation and half-hour, local day or local month. Checked whole before anything is stored: the
 * first bad line is named and the file is refused.
 */
public final class HistoryFile {
    /** Who a row's energy belongs to. */
    public enum Scope {
        DEVICE, SITE, ORG;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How long a row's period is; day and month are local (collector {@code time_zone}). */
    public enum Resolution {
        HALF_HOUR, DAY, MONTH;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One row: energy over [start, end). Labels are null where the file does not give them. */
    public record Row(int line, Scope scope, String subject, Resolution resolution, Instant start, Instant end, double joules,
                      String org, String site, String deviceClass) {
    }

    private static final Set<String> REQUIRED = Set.of("scope", "subject", "start", "resolution", "energy_kwh");
    private static final Set<String> OPTIONAL = Set.of("org", "site", "class");
    /** More than any meter reads in a month (1 GWh): a larger figure is a unit mistake (Wh for kWh). */
    private static final double MAX_KWH = 1_000_000;
    private static final long HALF_HOUR_MS = Duration.ofMinutes(30).toMillis();

    private HistoryFile() {
    }

    public static List<Row> parse(String text, ZoneId zone) {
        // Spreadsheets save "CSV UTF-8" with a byte order mark, which would otherwise become part of the first column's name.
        String[] lines = (text.startsWith("\uFEFF") ? text.substring(1) : text).split("\r?\n", -1);
        Map<String, Integer> columns = null;
        List<Row> rows = new ArrayList<>();
        for (int n = 1; n <= lines.length; n++) {
            String line = lines[n - 1].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] fields = Arrays.stream(line.split(",", -1)).map(String::strip).toArray(String[]::new);
            if (columns == null) {
                columns = header(fields, n);
            } else if (fields.length != columns.size()) {
                throw new HistoryFormatException("line " + n + ": " + fields.length + " fields, the header has " + columns.size());
            } else {
                rows.add(row(n, fields, columns, zone));
            }
        }
        if (rows.isEmpty()) {
            throw new HistoryFormatException("line 1: no rows; the file needs a header scope,subject,start,resolution,energy_kwh and at least one row");
        }
        checkOverlaps(rows);
        return rows;
    }

    private static Map<String, Integer> header(String[] fields, int n) {
        Map<String, Integer> columns = new HashMap<>();
        for (int i = 0; i < fields.length; i++) {
            String name = fields[i].toLowerCase(Locale.ROOT);
            if (!REQUIRED.contains(name) && !OPTIONAL.contains(name) || columns.put(name, i) != null) {
                throw new HistoryFormatException("line " + n + ": unknown or repeated column '" + fields[i]
                        + "'; columns are scope, subject, start, resolution, energy_kwh and optionally org, site, class");
            }
        }
        if (!columns.keySet().containsAll(REQUIRED)) {
            throw new HistoryFormatException("line " + n + ": the header must name the columns scope, subject, start, resolution, energy_kwh");
        }
        return columns;
    }

    private static Row row(int n, String[] fields, Map<String, Integer> columns, ZoneId zone) {
        String where = "line " + n;
        Scope scope = choice(Scope.class, fields[columns.get("scope")], where + ", field scope");
        String subject = fields[columns.get("subject")];
        if (subject.isEmpty() || subject.length() > 255) {
            throw new HistoryFormatException(where + ", field subject: a device id, site or organisation of 1 to 255 characters");
        }
        Resolution resolution = choice(Resolution.class, fields[columns.get("resolution")], where + ", field resolution");
        String startText = fields[columns.get("start")];
        Instant start;
        Instant end;
        try {
            switch (resolution) {
                case HALF_HOUR -> {
                    start = OffsetDateTime.parse(startText).toInstant();
                    if (start.toEpochMilli() % HALF_HOUR_MS != 0) {
                        throw new HistoryFormatException(where + ", field start: a half-hour starts on a UTC half-hour (:00 or :30), got " + startText);
                    }
                    end = start.plusMillis(HALF_HOUR_MS);
                }
                case DAY -> {
                    LocalDate day = LocalDate.parse(startText);
                    start = day.atStartOfDay(zone).toInstant();
                    end = day.plusDays(1).atStartOfDay(zone).toInstant();
                }
                default -> {
                    YearMonth month = YearMonth.parse(startText);
                    start = month.atDay(1).atStartOfDay(zone).toInstant();
                    end = month.plusMonths(1).atDay(1).atStartOfDay(zone).toInstant();
                }
            }
        } catch (DateTimeException e) {
            throw new HistoryFormatException(where + ", field start: for " + resolution.label() + " give "
                    + switch (resolution) {
                        case HALF_HOUR -> "a time with offset such as 2024-12-31T23:30Z";
                        case DAY -> "a local date such as 2024-12-31";
                        case MONTH -> "a month such as 2024-12";
                    } + ", got '" + startText + "'");
        }
        String kwhText = fields[columns.get("energy_kwh")];
        double kwh;
        try {
            kwh = Double.parseDouble(kwhText);
        } catch (NumberFormatException e) {
            throw new HistoryFormatException(where + ", field energy_kwh: not a number: '" + kwhText + "'");
        }
        if (!(kwh >= 0) || kwh > MAX_KWH) {
            throw new HistoryFormatException(where + ", field energy_kwh: must be between 0 and " + (long) MAX_KWH + " kWh, got " + kwhText);
        }
        String org = optional(fields, columns, "org");
        String site = optional(fields, columns, "site");
        // A site meter's site is its subject, an organisation's org is its subject.
        return new Row(n, scope, subject, resolution, start, end, kwh * 3_600_000, scope == Scope.ORG ? subject : org,
                scope == Scope.SITE ? subject : site, optional(fields, columns, "class"));
    }

    private static String optional(String[] fields, Map<String, Integer> columns, String column) {
        Integer i = columns.get(column);
        return i == null || fields[i].isEmpty() ? null : fields[i];
    }

    private static <E extends Enum<E>> E choice(Class<E> type, String text, String where) {
        for (E e : type.getEnumConstants()) {
            if (e.name().toLowerCase(Locale.ROOT).equals(text.toLowerCase(Locale.ROOT))) {
                return e;
            }
        }
        throw new HistoryFormatException(where + ": must be one of " + Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT)).toList() + ", got '" + text + "'");
    }

    /** Two rows of the same subject covering the same time would count its energy twice. */
    private static void checkOverlaps(List<Row> rows) {
        List<Row> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparing((Row r) -> r.scope()).thenComparing(Row::subject).thenComparing(Row::start));
        for (int i = 1; i < sorted.size(); i++) {
            Row a = sorted.get(i - 1);
            Row b = sorted.get(i);
            if (a.scope() == b.scope() && a.subject().equals(b.subject()) && b.start().isBefore(a.end())) {
                Row later = a.line() > b.line() ? a : b;
                Row earlier = later == a ? b : a;
                throw new HistoryFormatException("line " + later.line() + ": overlaps line " + earlier.line() + " (" + a.scope().label() + " "
                        + a.subject() + "): the same time would be counted twice");
            }
        }
    }
}
