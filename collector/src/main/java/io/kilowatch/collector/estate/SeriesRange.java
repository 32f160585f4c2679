package io.kilowatch.collector.estate;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * The ranges the API serves series for, with a step that gives a chart a few hundred points at most.
 * Short ranges read raw samples; long ones read hourly rollups, which are kept far longer.
 */
enum SeriesRange {
    HOUR_1("1h", Duration.ofHours(1), Duration.ofSeconds(30), true),
    HOURS_6("6h", Duration.ofHours(6), Duration.ofMinutes(2), true),
    HOURS_24("24h", Duration.ofHours(24), Duration.ofMinutes(10), true),
    DAYS_7("7d", Duration.ofDays(7), Duration.ofHours(1), false),
    DAYS_30("30d", Duration.ofDays(30), Duration.ofHours(6), false),
    DAYS_365("365d", Duration.ofDays(365), Duration.ofDays(1), false);

    final String label;
    final Duration length;
    final Duration step;
    final boolean fromRaw;

    SeriesRange(String label, Duration length, Duration step, boolean fromRaw) {
        this.label = label;
        this.length = length;
        this.step = step;
        this.fromRaw = fromRaw;
    }

    static Optional<SeriesRange> of(String label) {
        return Arrays.stream(values()).filter(r -> r.label.equals(label)).findFirst();
    }

    static String labels() {
        return String.join(", ", Arrays.stream(values()).map(r -> r.label).toList());
    }
}
