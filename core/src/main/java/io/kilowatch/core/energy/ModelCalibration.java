package io.kilowatch.core.energy;

import java.util.List;
import java.util.Optional;

/**
 * Measured against modelled: how far a class's utilisation model is from the devices of that class whose
 * power is measured (RAPL, a battery, an SNMP power reading), and the model fitted to those measurements.
 * The fit is ordinary least squares of W on u, W = a + b u, so idle = a and max = a + b; where that would
 * break the model's rules (a negative slope, or a negative idle) it falls back to the nearest model that
 * keeps them: a flat line at the mean, or a line through zero. Everything works from the sums of the
 * samples, so a store can add millions of readings up in SQL and hand over six numbers.
 */
public final class ModelCalibration {
    private ModelCalibration() {
    }

    /** One measured reading: CPU utilisation 0..1 and the power measured at the wall, W. */
    public record Sample(double utilisation, double watts) {
    }

    /** The sums a least-squares fit and its errors need: count, sum of u, W, u^2, u W and W^2. */
    public record Sums(long n, double u, double w, double uu, double uw, double ww) {
        public static Sums of(List<Sample> samples) {
            Sums s = new Sums(0, 0, 0, 0, 0, 0);
            for (Sample x : samples) {
                s = s.plus(new Sums(1, x.utilisation(), x.watts(), x.utilisation() * x.utilisation(), x.utilisation() * x.watts(),
                        x.watts() * x.watts()));
            }
            return s;
        }

        public Sums plus(Sums o) {
            return new Sums(n + o.n, u + o.u, w + o.w, uu + o.uu, uw + o.uw, ww + o.ww);
        }
    }

    /**
     * How far a model's predictions are from measurements.
     *
     * @param biasRatio (sum predicted - sum measured) / sum measured: the model's error on energy (+0.25 = 25 % too high)
     * @param rmseWatts root mean square error, W
     */
    public record Error(double biasRatio, double rmseWatts) {
    }

    /** @param rSquared share of the measured power's variance the fitted line explains (NaN for a fallback fit) */
    public record Fit(PowerModel model, long samples, double rSquared) {
    }

    /** Errors of W = a + b u against the samples: sum (a + b u - w)^2 expanded into the sums. */
    public static Error error(PowerModel model, Sums s) {
        if (s.n() == 0) {
            throw new IllegalArgumentException("no measured samples to compare the model with");
        }
        double a = model.idleWatts();
        double b = model.maxWatts() - model.idleWatts();
        double predicted = s.n() * a + b * s.u();
        double squares = s.n() * a * a + b * b * s.uu() + s.ww() + 2 * a * b * s.u() - 2 * a * s.w() - 2 * b * s.uw();
        return new Error(s.w() > 0 ? (predicted - s.w()) / s.w() : Double.NaN, Math.sqrt(Math.max(0, squares) / s.n()));
    }

    public static Error error(PowerModel model, List<Sample> samples) {
        return error(model, Sums.of(samples));
    }

    /** The least-squares model, or empty with fewer than two samples or when utilisation never varied. */
    public static Optional<Fit> fit(Sums s) {
        if (s.n() < 2) {
            return Optional.empty();
        }
        double meanU = s.u() / s.n();
        double meanW = s.w() / s.n();
        double sxx = s.uu() - s.n() * meanU * meanU;
        double sxy = s.uw() - s.n() * meanU * meanW;
        double syy = s.ww() - s.n() * meanW * meanW;
        if (!(sxx > 1e-9 * Math.max(1, s.uu()))) {
            return Optional.empty();
        }
        double slope = sxy / sxx;
        double idle = meanW - slope * meanU;
        if (slope < 0) {
            double flat = Math.max(0, meanW);
            return Optional.of(new Fit(new PowerModel(flat, flat), s.n(), Double.NaN));
        }
        if (idle < 0) {
            return Optional.of(new Fit(new PowerModel(0, s.uw() / s.uu()), s.n(), Double.NaN));
        }
        return Optional.of(new Fit(new PowerModel(idle, idle + slope), s.n(), syy > 0 ? sxy * sxy / (sxx * syy) : Double.NaN));
    }

    public static Optional<Fit> fit(List<Sample> samples) {
        return fit(Sums.of(samples));
    }

    /**
     * A modelled reading with the class model swapped for the calibrated one: the reported power moves by
     * the difference of the two models at its utilisation, so what the agent added to the class model
     * (displays, a per-device override) stays. Never below zero.
     */
    public static double recalibratedWatts(double reportedWatts, double utilisation, PowerModel classModel, PowerModel calibrated) {
        return Math.max(0, reportedWatts + calibrated.watts(utilisation) - classModel.watts(utilisation));
    }
}
