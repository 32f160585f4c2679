package io.kilowatch.core.alerting;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** How urgent an alert is: page someone now, open a ticket for working hours, or just show it. */
public enum Severity {
    PAGE, TICKET, INFO;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Severity> fromLabel(String label) {
        return Arrays.stream(values()).filter(s -> s.label().equals(label)).findFirst();
    }
}
