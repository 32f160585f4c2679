package io.kilowatch.core.snmp;

/** ENTITY-SENSOR-MIB (RFC 3433) arithmetic. */
public final class EntitySensor {
    /** entPhySensorType watts(6). */
    public static final int TYPE_WATTS = 6;
    /** entPhySensorScale units(9): 10^0; each step is a factor of 1000 (yocto(1) .. yotta(17)). */
    static final int SCALE_UNITS = 9;

    private EntitySensor() {
    }

    /** Whether a row's scale and precision are ones the MIB allows (a device's bad row is left out, not fatal). */
    public static boolean valid(int scale, int precision) {
        return scale >= 1 && scale <= 17 && precision >= -8 && precision <= 9;
    }

    /**
     * The reading in base units: value x 10^(3 x (scale - 9)) / 10^precision. A precision is the
     * number of decimal places in the value (-8..9 in the MIB).
     */
    public static double watts(int scale, int precision, long value) {
        if (!valid(scale, precision)) {
            throw new IllegalArgumentException("entPhySensorScale must be 1..17 and entPhySensorPrecision -8..9, got " + scale + ", " + precision);
        }
        return value * Math.pow(10, 3.0 * (scale - SCALE_UNITS) - precision);
    }
}
