package io.kilowatch.core.report;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.databind.deser.std.FromStringDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON form of {@link Report}: snake_case names, RFC 3339 timestamps, unknown fields rejected
 * (a report that does not match its schema version is an error, not silently half-read). Writing is
 * {@link ReportJson}'s, which needs no Jackson; this mapper reads, and is kept as the reference the
 * writer is tested against.
 */
public final class ReportCodec {
    /** Reports are small; anything nested deeper than this is not a report. */
    private static final int MAX_NESTING_DEPTH = 16;

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .addModule(new SimpleModule("instants")
                    .addSerializer(Instant.class, ToStringSerializer.instance)
                    .addDeserializer(Instant.class, new InstantDeserializer()))
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING_DEPTH)
                .maxStringLength(64 * 1024)
                .maxNumberLength(64)
                .build());
    }

    /** Most reports one batch may carry: a day of 15 s reports is 5760, sent as a dozen batches. */
    public static final int MAX_BATCH_REPORTS = 500;

    /** One item of a batch: the report, or what is wrong with it (then {@code report} is null). */
    public record BatchItem(Report report, String problem) {
    }

    private ReportCodec() {
    }

    /** A batch as agents send their backlog: {@code {"reports": [report, ...]}}. */
    public static String batchToJson(List<Report> reports) {
        return ReportJson.batchOfJson(reports.stream().map(ReportJson::toJson).toList());
    }

    /**
     * Parses a batch. A body that is not a batch at all is an exception; a report in it that cannot be
     * read is an item with a problem, so one bad report does not hold back the others.
     */
    public static List<BatchItem> batchFromJson(String json) throws ReportFormatException {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ReportFormatException("malformed batch at " + path(e) + ": " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject() || root.size() != 1 || !root.path("reports").isArray()) {
            throw new ReportFormatException("malformed batch: the body must be {\"reports\": [report, ...]} and nothing else");
        }
        JsonNode reports = root.get("reports");
        if (reports.isEmpty() || reports.size() > MAX_BATCH_REPORTS) {
            throw new ReportFormatException("a batch carries 1 to " + MAX_BATCH_REPORTS + " reports, this one " + reports.size());
        }
        List<BatchItem> items = new ArrayList<>(reports.size());
        for (int i = 0; i < reports.size(); i++) {
            try {
                Report report = MAPPER.treeToValue(reports.get(i), Report.class);
                items.add(report == null ? new BatchItem(null, "$.reports[" + i + "] is null, not a report")
                        : new BatchItem(report, null));
            } catch (UnrecognizedPropertyException e) {
                items.add(new BatchItem(null, "unknown field '" + e.getPropertyName() + "' at $.reports[" + i + "]" + path(e).substring(1)));
            } catch (JsonProcessingException e) {
                items.add(new BatchItem(null, "malformed report at $.reports[" + i + "]" + innerPath(e) + ": " + e.getOriginalMessage()));
            }
        }
        return items;
    }

    public static String toJson(Report report) {
        return ReportJson.toJson(report);
    }

    /** The inventory alone, as the collector stores it beside a device. */
    public static String toJson(Inventory inventory) {
        return ReportJson.toJson(inventory);
    }

    /**
     * The inventory as the collector stores it beside a device. Fields this version does not know are skipped: a
     * stored inventory was checked when its report came in, perhaps by another version.
     */
    public static Inventory inventoryFromJson(String json) throws ReportFormatException {
        try {
            Inventory inventory = MAPPER.readerFor(Inventory.class).without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(json);
            if (inventory == null) {
                throw new ReportFormatException("the inventory is JSON null");
            }
            return inventory;
        } catch (JsonProcessingException e) {
            throw new ReportFormatException("malformed inventory at " + path(e) + ": " + e.getOriginalMessage());
        }
    }

    /** Parses one report; the exception's message says what is wrong and where, for a 400 response. */
    public static Report fromJson(String json) throws ReportFormatException {
        try {
            Report report = MAPPER.readValue(json, Report.class);
            if (report == null) {
                throw new ReportFormatException("the body is JSON null, not a report object");
            }
            return report;
        } catch (UnrecognizedPropertyException e) {
            throw new ReportFormatException("unknown field '" + e.getPropertyName() + "' at " + path(e));
        } catch (JsonProcessingException e) {
            throw new ReportFormatException("malformed report at " + path(e) + ": " + e.getOriginalMessage());
        }
    }

    /** The path below the report, without the leading "$", or nothing when it is not known. */
    private static String innerPath(JsonProcessingException e) {
        String path = path(e);
        return path.startsWith("$") ? path.substring(1) : "";
    }

    private static String path(JsonProcessingException e) {
        if (e instanceof com.fasterxml.jackson.databind.JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            StringBuilder path = new StringBuilder("$");
            for (var ref : mapping.getPath()) {
                path.append(ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]");
            }
            return path.toString();
        }
        return e.getLocation() == null ? "$" : "line " + e.getLocation().getLineNr() + " column " + e.getLocation().getColumnNr();
    }

    private static final class InstantDeserializer extends FromStringDeserializer<Instant> {
        private static final long serialVersionUID = 1L;

        InstantDeserializer() {
            super(Instant.class);
        }

        @Override
        protected Instant _deserialize(String value, com.fasterxml.jackson.databind.DeserializationContext ctxt) {
            try {
                return parseInstant(value);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("not an RFC 3339 UTC timestamp such as 2026-01-31T12:00:00Z: '" + value + "'");
            }
        }
    }

    /**
     * {@link Instant#parse} with a fast path for the form agents write, {@code 2026-01-31T12:00:00[.fraction]Z}: a report has
     * four timestamps, and the formatter's parse was a tenth of what ingest allocated. Anything else, or a field out of
     * range, goes to {@link Instant#parse}, so what is accepted and refused is exactly its.
     */
    static Instant parseInstant(String s) {
        int n = s.length();
        if (n >= 20 && n <= 30 && n != 21 && s.charAt(4) == '-' && s.charAt(7) == '-' && s.charAt(10) == 'T' && s.charAt(13) == ':'
                && s.charAt(16) == ':' && s.charAt(n - 1) == 'Z' && (n == 20 || s.charAt(19) == '.')) {
            int year = digits(s, 0, 4);
            int month = digits(s, 5, 7);
            int day = digits(s, 8, 10);
            int hour = digits(s, 11, 13);
            int minute = digits(s, 14, 16);
            int second = digits(s, 17, 19);
            int fraction = n == 20 ? 0 : digits(s, 20, n - 1);
            if ((year | month | day | hour | minute | second | fraction) >= 0) {
                for (int i = n - 1; i < 29; i++) {
                    fraction *= 10; // to nanoseconds: nine digits
                }
                try {
                    return java.time.LocalDateTime.of(year, month, day, hour, minute, second, n == 20 ? 0 : fraction)
                            .toInstant(java.time.ZoneOffset.UTC);
                } catch (java.time.DateTimeException e) {
                    // out of range (a 30 February, a leap second): as Instant.parse says
                }
            }
        }
        return Instant.parse(s);
    }

    /** The decimal number in s[from, to), or -1 when a character is not a digit. */
    private static int digits(String s, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
