package io.kilowatch.core.energy;

import java.util.List;
import java.util.Optional;

/**
 * Measured against modelled: how far a class's utilisation model is from the devices of that class whose
 * power is measured (RAPL, a battery, an SNMP power reading), and the model fitted to those measurements.
 * The fit is ordinary least squares of W on u, W = a + b u, so idle = a and max = a + b; where that would
 * break the model's rules (a negative slope, or a negative idle) it falls back to the nearest model that
 * keeps them: a flat line at the mean, or a line through zero. Everything works from the sums of the
 * samples, so a store can add millions of readings up in SQL and hand over a few numbers.
 *
 * <p>A meter that measures several devices at once (a UPS feeding them) gives one reading of their total:
 * W = idle x k + (max - idle) x U for k devices whose utilisations sum to U. Single devices are the case k = 1,
 * so both kinds of reading go into one fit ({@link GroupSums}).
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

    /**
     * One reading of a meter that measures several devices of the class together (a UPS's output, a PDU inlet
     * feeding them) or one device alone (a PDU outlet): {@code devices} devices whose utilisations add up to
     * {@code utilisationSum} drew {@code watts} in all. Under the model that is idle x k + (max - idle) x U.
     */
    public record GroupSample(int devices, double utilisationSum, double watts) {
    }

    /**
     * The sums a least-squares fit of W = a k + b U needs, over readings each of k devices with utilisations
     * summing to U: count, and the sums of k, k^2, U, k U, U^2, W, k W, U W, W^2. A device measured alone is k = 1,
     * and then these are the {@link Sums} of its samples.
     */
    public record GroupSums(long n, double k, double kk, double u, double ku, double uu, double w, double kw, double uw, double ww) {
        public static final GroupSums NONE = new GroupSums(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

        /** Samples of single devices: k = 1 in every reading. */
        public static GroupSums of(Sums s) {
            return new GroupSums(s.n(), s.n(), s.n(), s.u(), s.u(), s.uu(), s.w(), s.w(), s.uw(), s.ww());
        }

        public static GroupSums ofGroups(List<GroupSample> samples) {
            GroupSums s = NONE;
            for (GroupSample x : samples) {
                double k = x.devices();
                double u = x.utilisationSum();
                double w = x.watts();
                s = s.plus(new GroupSums(1, k, k * k, u, k * u, u * u, w, k * w, u * w, w * w));
            }
            return s;
        }

        public GroupSums plus(GroupSums o) {
            return new GroupSums(n + o.n, k + o.k, kk + o.kk, u + o.u, ku + o.ku, uu + o.uu, w + o.w, kw + o.kw, uw + o.uw, ww + o.ww);
        }

        /** Sum over the readings of (a k + b U - W)^2, expanded into the sums. */
        double squares(double a, double b) {
            return Math.max(0, a * a * kk + b * b * uu + ww + 2 * a * b * ku - 2 * a * kw - 2 * b * uw);
        }
    }

    /** Errors of W = a + b u against the samples: sum (a + b u - w)^2 expanded into the sums. */
    public static Error error(PowerModel model, Sums s) {
        return error(model, GroupSums.of(s));
    }

    /** Errors of the model on readings of single devices and of groups: bias on their energy, RMSE per reading. */
    public static Error error(PowerModel model, GroupSums s) {
        if (s.n() == 0) {
            throw new IllegalArgumentException("no measured samples to compare the model with");
        }
        double a = model.idleWatts();
        double b = model.maxWatts() - model.idleWatts();
        double predicted = a * s.k() + b * s.u();
        return new Error(s.w() > 0 ? (predicted - s.w()) / s.w() : Double.NaN, Math.sqrt(s.squares(a, b) / s.n()));
    }

    public static Error error(PowerModel model, List<Sample> samples) {
        return error(model, Sums.of(samples));
    }

    /** The least-squares model, or empty with fewer than two samples or when utilisation never varied. */
    public static Optional<Fit> fit(Sums s) {
        return fit(GroupSums.of(s));
    }

    /**
     * The least-squares model over single devices' samples and groups' readings together: a and b solve the
     * normal equations of W = a k + b U (for single devices, the usual line W = a + b u). Empty with fewer than
     * two readings or when U never varied apart from k (a group whose devices' utilisations move together
     * cannot tell idle from slope). Falls back as the class description says.
     */
    public static Optional<Fit> fit(GroupSums s) {
        if (s.n() < 2) {
            return Optional.empty();
        }
        double det = s.kk() * s.uu() - s.ku() * s.ku();
        if (!(det > 1e-9 * s.kk() * Math.max(1, s.uu()))) {
            return Optional.empty();
        }
        double idle = (s.kw() * s.uu() - s.uw() * s.ku()) / det;
        double slope = (s.kk() * s.uw() - s.ku() * s.kw()) / det;
        if (slope < 0) {
            double flat = Math.max(0, s.kw() / s.kk());
            return Optional.of(new Fit(new PowerModel(flat, flat), s.n(), Double.NaN));
        }
        if (idle < 0) {
            return Optional.of(new Fit(new PowerModel(0, s.uw() / s.uu()), s.n(), Double.NaN));
        }
        double total = s.ww() - s.w() * s.w() / s.n();
        return Optional.of(new Fit(new PowerModel(idle, idle + slope), s.n(), total > 0 ? 1 - s.squares(idle, slope) / total : Double.NaN));
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
