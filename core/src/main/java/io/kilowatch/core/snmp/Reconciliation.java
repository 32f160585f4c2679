package io.kilowatch.core.snmp;

import java.util.Collection;

/**
 * Measured upstream power against the devices it feeds (docs/snmp.md, "Reconciliation"). A PDU or UPS
 * that names the devices it feeds reports only the part of its measurement those devices do not
 * already account for: its own losses and any load Kilowatch does not know. Every device keeps its own
 * figures, and any sum over devices (a site, the estate) then adds up to the measurement, not to the
 * measurement plus the fed devices again. When the fed devices' figures exceed the measurement (their
 * models are too high) the remainder is zero: the sum is then the fed devices' figures alone.
 */
public final class Reconciliation {
    private Reconciliation() {
    }

    /** @param fedWatts the current power of each fed device that is up */
    public static double remainderWatts(double measuredWatts, Collection<Double> fedWatts) {
        double fed = fedWatts.stream().mapToDouble(Double::doubleValue).sum();
        return Math.max(0, measuredWatts - fed);
    }

    /**
     * Energy of one poll interval: the upstream meter's increase less what the fed devices counted over
     * the same interval (the increase of their totals), never negative.
     */
    public static double remainderJoules(double measuredJoules, double fedJoules) {
        if (!(measuredJoules >= 0) || !(fedJoules >= 0)) {
            throw new IllegalArgumentException("energy increases must be >= 0: measured " + measuredJoules + ", fed " + fedJoules);
        }
        return Math.max(0, measuredJoules - fedJoules);
    }
}
