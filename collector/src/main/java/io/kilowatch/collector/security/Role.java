package io.kilowatch.collector.security;

import java.util.Locale;
import java.util.Optional;

/** What a person or a token may do: viewers read the dashboard, API and metrics; admins also change things. */
public enum Role {
    VIEWER, ADMIN;

    public boolean allows(Role needed) {
        return this == ADMIN || needed == VIEWER;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> fromLabel(String label) {
        return switch (label) {
            case "viewer" -> Optional.of(VIEWER);
            case "admin" -> Optional.of(ADMIN);
            default -> Optional.empty();
        };
    }
}
