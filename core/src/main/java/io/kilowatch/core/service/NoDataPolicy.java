package io.kilowatch.core.service;

import java.util.Locale;

/** How time without data counts toward availability. Whatever the policy, it is reported apart. */
public enum NoDataPolicy {
    /** The default: unknown is not proven up, so the SLA charges it (and a separate alert says why). */
    DOWN,
    UP,
    /** Left out of both up and down time, like maintenance. */
    EXCLUDED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
