package io.kilowatch.core.energy;

/**
 * Linear utilisation power model, as Cloud Carbon Footprint uses it: W = W_idle + u x (W_max - W_idle).
 */
public record PowerModel(double idleWatts, double maxWatts) {
    public PowerModel {
        if (!(idleWatts >= 0) || Double.isInfinite(idleWatts)) {
            throw new IllegalArgumentException("idle watts must be finite and >= 0: " + idleWatts);
        }
        if (!(maxWatts >= idleWatts) || Double.isInfinite(maxWatts)) {
            throw new IllegalArgumentException("max watts must be finite and >= idle watts (" + idleWatts + "): " + maxWatts);
        }
    }

    /** @param utilisation CPU utilisation 0..1; values outside are clamped, NaN counts as idle */
    public double watts(double utilisation) {
        double u = Double.isNaN(utilisation) ? 0 : Math.max(0, Math.min(1, utilisation));
        return idleWatts + u * (maxWatts - idleWatts);
    }
}
