package io.kilowatch.core.energy;

/** Conversion factors between the base units Kilowatch stores (joules, grams, seconds) and display units. */
public final class Units {
    public static final double JOULES_PER_KWH = 3_600_000.0;
    public static final double MICROJOULES_PER_JOULE = 1_000_000.0;

    private Units() {
    }

    public static double joulesToKwh(double joules) {
        return joules / JOULES_PER_KWH;
    }
}
