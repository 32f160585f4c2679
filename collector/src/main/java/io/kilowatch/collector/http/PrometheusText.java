package io.kilowatch.collector.http;

/**
 * Writing the Prometheus text format 0.0.4 by hand, as the client library writes it (names, escaping, numbers), for
 * {@link MetricsExposition.Part}s.
 */
public final class PrometheusText {
    private PrometheusText() {
    }

    /** The HELP and TYPE lines that begin a family; a counter's name ends in {@code _total}. */
    public static void family(StringBuilder text, String name, String type, String help) {
        text.append("# HELP ").append(name).append(' ');
        for (int i = 0; i < help.length(); i++) {
            char c = help.charAt(i);
            switch (c) {
                case '\\' -> text.append("\\\\");
                case '\n' -> text.append("\\n");
                default -> text.append(c);
            }
        }
        text.append("\n# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    /** {@code name="value"}, the value escaped; labels of a sample go in name order, comma-separated. */
    public static void label(StringBuilder text, String name, String value) {
        text.append(name).append("=\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> text.append("\\\\");
                case '"' -> text.append("\\\"");
                case '\n' -> text.append("\\n");
                default -> text.append(c);
            }
        }
        text.append('"');
    }

    /** A sample's value and the line's end: +Inf, -Inf and NaN as Prometheus spells them, else as Java does (1.0, 4.2E9). */
    public static void value(StringBuilder text, double value) {
        text.append(' ');
        if (value == Double.POSITIVE_INFINITY) {
            text.append("+Inf");
        } else if (value == Double.NEGATIVE_INFINITY) {
            text.append("-Inf");
        } else {
            text.append(value);
        }
        text.append('\n');
    }
}
