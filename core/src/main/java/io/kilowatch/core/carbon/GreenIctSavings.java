package io.kilowatch.core.carbon;

import io.kilowatch.core.energy.PowerModel;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Savings found in measured data, the three a Green ICT strategy asks for: devices left on and idle out
 * of hours, under-used servers that could be consolidated, and old or inefficient devices where a
 * replacement's embodied carbon would be paid back by its lower running carbon. Thresholds are the
 * caller's (config); docs/carbon-reporting.md gives the defaults and why.
 */
public final class GreenIctSavings {
    private GreenIctSavings() {
    }

    /** A stretch of a device's operation between two of its reports, with its mean power and CPU. */
    public record Interval(Instant from, Instant to, double watts, double cpuRatio) {
    }

    /**
     * @param seconds time on, idle and out of hours
     * @param joules energy used in that time
     * @param sleepPolicySavedJoules what sleeping through it would have saved (0 for classes that must stay on)
     */
    public record IdleOutOfHours(double seconds, double joules, double sleepPolicySavedJoules) {
    }

    /** Idle means CPU below {@code idleCpuRatio}: nobody is working on it and no job is running. */
    public static IdleOutOfHours idleOutOfHours(List<Interval> intervals, WorkingHours hours, double idleCpuRatio,
                                                Optional<Double> sleepWatts) {
        double seconds = 0;
        double joules = 0;
        double saved = 0;
        for (Interval i : intervals) {
            if (i.cpuRatio() >= idleCpuRatio || !i.to().isAfter(i.from())) {
                continue;
            }
            double s = hours.outOfHoursSeconds(i.from(), i.to());
            seconds += s;
            joules += i.watts() * s;
            if (sleepWatts.isPresent()) {
                saved += Math.max(0, i.watts() - sleepWatts.get()) * s;
            }
        }
        return new IdleOutOfHours(seconds, joules, saved);
    }

    /**
     * A server is a consolidation candidate when both its mean and its 95th-percentile CPU are below the
     * thresholds: its work fits on another host. Moving it saves its power except the extra load its work
     * adds to the host, estimated from its class model as meanCpu x (max - idle). Empty when not a candidate.
     */
    public static OptionalDouble consolidationSavedWatts(double meanCpu, double p95Cpu, double meanWatts, PowerModel model,
                                                         double maxMeanCpu, double maxP95Cpu) {
        if (meanCpu >= maxMeanCpu || p95Cpu >= maxP95Cpu) {
            return OptionalDouble.empty();
        }
        double moved = meanCpu * (model.maxWatts() - model.idleWatts());
        return OptionalDouble.of(Math.max(0, Math.min(meanWatts, meanWatts - moved)));
    }

    /**
     * @param annualKwhSaved running energy a new device would save a year
     * @param annualKgSaved its carbon, kgCO2e a year
     * @param breakEvenYears years until the new device's embodied carbon is paid back; empty if it never is
     * @param replace whether it is paid back within the new device's own expected life
     */
    public record ReplaceOrKeep(double annualKwhSaved, double annualKgSaved, double newEmbodiedKg, OptionalDouble breakEvenYears,
                                boolean replace) {
    }

    /**
     * Operational against embodied break-even: a new device drawing {@code newWatts} instead of
     * {@code meanWatts} saves annualKwh x (1 - newWatts / meanWatts) a year; its embodied carbon is paid
     * back after newEmbodiedKg / (that saving x intensity) years. Replacing wins only if that comes
     * within the new device's life; otherwise keeping the old one is the lower-carbon choice.
     */
    public static ReplaceOrKeep replaceOrKeep(double annualKwhNow, double meanWatts, double newWatts, double gramsPerKwh,
                                              double newEmbodiedKg, int newLifeYears) {
        double kwhSaved = meanWatts > newWatts && meanWatts > 0 ? annualKwhNow * (1 - newWatts / meanWatts) : 0;
        double kgSaved = kwhSaved * gramsPerKwh / 1000;
        OptionalDouble breakEven = kgSaved > 0 ? OptionalDouble.of(newEmbodiedKg / kgSaved) : OptionalDouble.empty();
        return new ReplaceOrKeep(kwhSaved, kgSaved, newEmbodiedKg, breakEven,
                breakEven.isPresent() && breakEven.getAsDouble() <= newLifeYears);
    }
}
