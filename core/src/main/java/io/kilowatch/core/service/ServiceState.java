package io.kilowatch.core.service;

import java.util.Locale;

/** What one evaluation found a service or component to be. */
public enum ServiceState {
    UP,
    DOWN,
    /** Nothing to judge by: a device never seen, a probe without a fresh result, a gap in history. */
    NO_DATA,
    /** Down only because of parts in planned maintenance, or the whole service in maintenance: counts neither way. */
    MAINTENANCE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ServiceState fromLabel(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }
}
