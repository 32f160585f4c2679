package io.kilowatch.collector.http;

/** Reading an API request's query parameters, each failing with a message that names it. */
public final class QueryParams {
    private QueryParams() {
    }

    /** A whole number from {@code min} to {@code max}, or {@code fallback} when the parameter is absent. */
    public static int integer(String text, String name, int fallback, int min, int max) {
        if (text == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new IllegalArgumentException(name + " must be a whole number from " + min + " to " + max + ", got '" + text + "'");
    }
}
