package io.kilowatch.core.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Picks devices by their labels, as Prometheus selectors do: {@code site=County Hall,class=server} or
 * {@code class!=printer}. Every term must hold.
 */
public record LabelSelector(List<Term> terms) {
    public static final Set<String> LABELS = Set.of("device", "hostname", "org", "site", "department", "class", "os");

    public record Term(String label, String value, boolean equal) {
    }

    public static LabelSelector parse(String text) {
        List<Term> terms = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int ne = p.indexOf("!=");
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("selector term '" + p + "' must be label=value or label!=value");
            }
            boolean equal = ne < 0;
            String label = (equal ? p.substring(0, eq) : p.substring(0, ne)).trim();
            String value = p.substring(eq + 1).trim();
            if (!LABELS.contains(label)) {
                throw new IllegalArgumentException("selector label '" + label + "' must be one of " + new java.util.TreeSet<>(LABELS));
            }
            terms.add(new Term(label, value, equal));
        }
        if (terms.isEmpty()) {
            throw new IllegalArgumentException("a selector needs at least one label=value term");
        }
        return new LabelSelector(List.copyOf(terms));
    }

    public boolean matches(Map<String, String> labels) {
        return terms.stream().allMatch(t -> t.value.equals(labels.getOrDefault(t.label, "")) == t.equal);
    }
}
