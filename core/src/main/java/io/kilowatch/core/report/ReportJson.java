package io.kilowatch.core.report;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link Report} as JSON without Jackson, byte for byte what {@link ReportCodec}'s mapper writes
 * (snake_case names in record order, nulls left out, RFC 3339 instants, Jackson's string escapes;
 * {@code ReportJsonTest} compares the two). The agent writes every report through this class alone, so it
 * never loads Jackson (some 600 classes and several MiB of its memory: docs/agent-install.md, footprint);
 * reading JSON stays with {@link ReportCodec}.
 */
public final class ReportJson {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private ReportJson() {
    }

    public static String toJson(Report report) {
        StringBuilder out = new StringBuilder(1024);
        write(out, report);
        return out.toString();
    }

    public static String toJson(Inventory inventory) {
        StringBuilder out = new StringBuilder(512);
        write(out, inventory);
        return out.toString();
    }

    /** A batch as agents send their backlog, {@code {"reports": [report, ...]}}, from reports already written as JSON. */
    public static String batchOfJson(List<String> reportsJson) {
        StringBuilder out = new StringBuilder(16 + reportsJson.stream().mapToInt(String::length).sum() + reportsJson.size());
        out.append("{\"reports\":[");
        for (int i = 0; i < reportsJson.size(); i++) {
            out.append(i == 0 ? "" : ",").append(reportsJson.get(i));
        }
        return out.append("]}").toString();
    }

    /** A JSON string literal with Jackson's escapes, for the few other bodies the agent writes. */
    public static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2);
        string(out, text);
        return out.toString();
    }

    private static void write(StringBuilder out, Report r) {
        Fields f = new Fields(out);
        f.value("schema_version", r.schemaVersion());
        f.value("device_id", r.deviceId());
        f.value("sequence", r.sequence());
        f.value("timestamp", r.timestamp());
        f.value("interval_seconds", r.intervalSeconds());
        if (r.labels() != null) {
            f.name("labels");
            labels(out, r.labels());
        }
        if (r.host() != null) {
            Report.Host h = r.host();
            Fields host = f.object("host");
            host.value("hostname", h.hostname());
            host.value("os", h.os());
            host.value("boot_time", h.bootTime());
            host.value("uptime_seconds", h.uptimeSeconds());
            host.value("sessions", h.sessions());
            host.end();
        }
        if (r.utilisation() != null) {
            Report.Utilisation u = r.utilisation();
            Fields utilisation = f.object("utilisation");
            utilisation.value("cpu_ratio", u.cpuRatio());
            utilisation.value("memory_used_bytes", u.memoryUsedBytes());
            utilisation.value("memory_total_bytes", u.memoryTotalBytes());
            utilisation.end();
        }
        if (r.power() != null) {
            Report.Power p = r.power();
            Fields power = f.object("power");
            power.value("watts", p.watts());
            power.value("source", p.source());
            power.value("energy_joules_total", p.energyJoulesTotal());
            power.value("counter_start", p.counterStart());
            power.end();
        }
        if (r.agent() != null) {
            Report.AgentSelf a = r.agent();
            Fields agent = f.object("agent");
            agent.value("version", a.version());
            agent.value("cpu_ratio", a.cpuRatio());
            agent.value("rss_bytes", a.rssBytes());
            agent.value("backlog_reports", a.backlogReports());
            agent.value("dropped_reports_total", a.droppedReportsTotal());
            agent.end();
        }
        if (r.inventory() != null) {
            f.name("inventory");
            write(out, r.inventory());
        }
        if (r.sleeps() != null) {
            f.name("sleeps");
            list(out, r.sleeps(), s -> {
                Fields sleep = new Fields(out);
                sleep.value("start", s.start());
                sleep.value("end", s.end());
                sleep.end();
            });
        }
        f.value("stopping", r.stopping());
        f.end();
    }

    private static void write(StringBuilder out, Inventory inv) {
        Fields f = new Fields(out);
        f.value("manufacturer", inv.manufacturer());
        f.value("model", inv.model());
        f.value("serial", inv.serial());
        f.value("hardware_uuid", inv.hardwareUuid());
        if (inv.firmware() != null) {
            Fields firmware = f.object("firmware");
            firmware.value("manufacturer", inv.firmware().manufacturer());
            firmware.value("version", inv.firmware().version());
            firmware.value("release_date", inv.firmware().releaseDate());
            firmware.end();
        }
        if (inv.cpu() != null) {
            Fields cpu = f.object("cpu");
            cpu.value("model", inv.cpu().model());
            cpu.value("physical_cores", inv.cpu().physicalCores());
            cpu.value("logical_cores", inv.cpu().logicalCores());
            cpu.end();
        }
        f.value("memory_bytes", inv.memoryBytes());
        if (inv.disks() != null) {
            f.name("disks");
            list(out, inv.disks(), d -> {
                Fields disk = new Fields(out);
                disk.value("model", d.model());
                disk.value("serial", d.serial());
                disk.value("size_bytes", d.sizeBytes());
                disk.end();
            });
        }
        if (inv.displays() != null) {
            f.name("displays");
            list(out, inv.displays(), d -> {
                Fields display = new Fields(out);
                display.value("manufacturer", d.manufacturer());
                display.value("product_code", d.productCode());
                display.value("serial", d.serial());
                display.value("name", d.name());
                display.value("width_cm", d.widthCm());
                display.value("height_cm", d.heightCm());
                display.value("watts", d.watts());
                display.end();
            });
        }
        f.end();
    }

    /** A label whose value is null is left out, as the mapper's NON_NULL inclusion does for map entries too. */
    private static void labels(StringBuilder out, Map<String, String> labels) {
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, String> e : labels.entrySet()) {
            if (e.getValue() != null) {
                out.append(first ? "" : ",");
                first = false;
                string(out, e.getKey());
                out.append(':');
                string(out, e.getValue());
            }
        }
        out.append('}');
    }

    /** A null element is written as null, as Jackson does. */
    private static <T> void list(StringBuilder out, List<T> items, java.util.function.Consumer<T> element) {
        out.append('[');
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            if (items.get(i) == null) {
                out.append("null");
            } else {
                element.accept(items.get(i));
            }
        }
        out.append(']');
    }

    private static void scalar(StringBuilder out, Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            string(out, s);
        } else if (value instanceof Instant instant) {
            string(out, instant.toString());
        } else if (value instanceof Double d && !Double.isFinite(d)) {
            string(out, d.toString()); // Jackson quotes NaN and the infinities (WRITE_NAN_AS_STRINGS)
        } else {
            out.append(value); // Integer, Long, Boolean, finite Double: their toString is Jackson's form
        }
    }

    /** Jackson's escapes: {@code "}, {@code \}, the short forms of \b \t \n \f \r, other controls as {@code \}u00XX; nothing else. */
    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\f' -> out.append("\\f");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** The fields of one object, each written only when not null. */
    private static final class Fields {
        private final StringBuilder out;
        private boolean first = true;

        Fields(StringBuilder out) {
            this.out = out;
            out.append('{');
        }

        void name(String name) {
            if (!first) {
                out.append(',');
            }
            first = false;
            out.append('"').append(name).append("\":");
        }

        void value(String name, Object value) {
            if (value != null) {
                name(name);
                scalar(out, value);
            }
        }

        Fields object(String name) {
            name(name);
            return new Fields(out);
        }

        void end() {
            out.append('}');
        }
    }
}
