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
        escaped(text, help, false);
        text.append("\n# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    /** {@code name="value"}, the value escaped; labels of a sample go in name order, comma-separated. */
    public static void label(StringBuilder text, String name, String value) {
        text.append(name).append("=\"");
        escaped(text, value, true);
        text.append('"');
    }

    /** A sample line: {@code name{labels} value}, the labels already written by {@link #label}. */
    public static void sample(StringBuilder text, String name, String labels, double value) {
        text.append(name).append('{').append(labels).append('}');
        value(text, value);
    }

    /** A sample line with one label more, which sorts after {@code labels}. */
    public static void sample(StringBuilder text, String name, String labels, String extraLabel, String extraValue, double value) {
        text.append(name).append('{').append(labels).append(',');
        label(text, extraLabel, extraValue);
        text.append('}');
        value(text, value);
    }

    /** Backslashes and line ends escaped, and in a label value double quotes too (HELP text keeps them). */
    private static void escaped(StringBuilder text, String value, boolean quotes) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\') {
                text.append("\\\\");
            } else if (c == '\n') {
                text.append("\\n");
            } else if (c == '"' && quotes) {
                text.append("\\\"");
            } else {
                text.append(c);
            }
        }
    }

    /** A sample's value and the line's end: +Inf, -Inf and NaN as Prometheus spells them, else as Java does (1.0, 4.2E9). */
    private static void value(StringBuilder text, double value) {
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
