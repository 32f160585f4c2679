package io.kilowatch.core.alerting;

import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One test on an alert's label, as Alertmanager writes them: {@code name="value"}, {@code !=},
 * {@code =~} (regular expression, anchored at both ends), {@code !~}. The name {@code rule} (or
 * {@code alertname}) matches the rule; a label the alert lacks has the value "".
 */
public record LabelMatcher(String name, Op op, String value) {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    public enum Op {
        EQUAL("="), NOT_EQUAL("!="), REGEX("=~"), NOT_REGEX("!~");

        public final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        public static Op fromSymbol(String symbol) {
            for (Op op : values()) {
                if (op.symbol.equals(symbol)) {
                    return op;
                }
            }
            throw new IllegalArgumentException("a matcher's operator must be =, !=, =~ or !~, got '" + symbol + "'");
        }
    }

    /** Refuses a bad label name or regular expression with a message that says which. */
    public LabelMatcher {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(value, "value");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a matcher's label name must match [a-zA-Z_][a-zA-Z0-9_]*, got '" + name + "'");
        }
        if (op == Op.REGEX || op == Op.NOT_REGEX) {
            try {
                Pattern.compile(value);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("matcher " + name + op.symbol + " has a bad regular expression: " + e.getDescription());
            }
        }
    }

    public boolean matches(Alert alert) {
        String actual = alert.label(name);
        return switch (op) {
            case EQUAL -> actual.equals(value);
            case NOT_EQUAL -> !actual.equals(value);
            case REGEX -> actual.matches(value);
            case NOT_REGEX -> !actual.matches(value);
        };
    }

    @Override
    public String toString() {
        return name + op.symbol + "\"" + value + "\"";
    }
}
