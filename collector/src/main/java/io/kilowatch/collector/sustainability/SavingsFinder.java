package io.kilowatch.collector.sustainability;

import io.kilowatch.collector.sustainability.SustainabilityStore.DeviceHour;
import io.kilowatch.core.carbon.CarbonPolicy;
import io.kilowatch.core.carbon.EmbodiedCarbon;
import io.kilowatch.core.carbon.EnergyFootprint;
import io.kilowatch.core.carbon.GreenIctSavings;
import io.kilowatch.core.carbon.IntensitySeries;
import io.kilowatch.core.carbon.report.ReportFigures;
import io.kilowatch.core.energy.DeviceClass;
import io.kilowatch.core.energy.PowerModel;
import io.kilowatch.core.energy.Units;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.ToDoubleFunction;

/**
 * Green ICT savings found in the last {@code sustainability.savings.window} of raw samples (summarised per
 * device and hour): idle out of hours, under-used servers, replace or keep; each annualised (x 365 days /
 * window) and shown in kWh, kgCO2e and, where a tariff gives prices, pounds.
 */
final class SavingsFinder {
    private static final double HOURS_PER_YEAR = 8760;

    private SavingsFinder() {
    }

    /**
     * @param gbpPerKwh the window's mean price from the rollups' cost; empty when no tariff is configured
     */
    static SavingsReport find(List<DeviceProfile> devices, List<DeviceHour> hours, SustainabilityConfig config, CarbonPolicy carbon,
                              OptionalDouble gbpPerKwh, Instant windowStart, Instant now, ZoneId zone) {
        double windowHours = Duration.between(windowStart, now).toMillis() / 3_600_000.0;
        double annualise = HOURS_PER_YEAR / windowHours;
        Map<String, List<DeviceHour>> byDevice = new LinkedHashMap<>();
        hours.forEach(h -> byDevice.computeIfAbsent(h.deviceId(), k -> new ArrayList<>()).add(h));

        List<SavingsReport.IdleDevice> idle = new ArrayList<>();
        List<SavingsReport.Server> servers = new ArrayList<>();
        List<SavingsReport.ReplaceOrKeep> replace = new ArrayList<>();
        double idleKwh = 0;
        double idleKg = 0;
        double sleepKwh = 0;
        double sleepKg = 0;
        double serverKwh = 0;
        double serverKg = 0;
        for (DeviceProfile p : devices) {
            List<DeviceHour> deviceHours = byDevice.getOrDefault(p.row().deviceId(), List.of());
            if (deviceHours.isEmpty()) {
                continue;
            }
            // Annualised savings take the year's annual factors (not today's half-hours): scope 2 with PUE, plus T&D.
            EnergyFootprint perKwh = carbon.footprint(Units.JOULES_PER_KWH, now, now, p.row().identity().site(), region -> IntensitySeries.empty());
            double gramsPerKwh = perKwh.carbonGrams() + perKwh.tdCarbonGrams();
            List<GreenIctSavings.Interval> intervals = new ArrayList<>();
            double joules = 0;
            double cpuSum = 0;
            List<Double> cpus = new ArrayList<>();
            for (DeviceHour h : deviceHours) {
                Instant start = Instant.ofEpochMilli(h.hourStartMs());
                Instant end = start.plus(1, ChronoUnit.HOURS);
                Instant from = start.isBefore(windowStart) ? windowStart : start;
                Instant to = end.isAfter(now) ? now : end;
                double seconds = Duration.between(from, to).toMillis() / 1000.0;
                if (seconds <= 0) {
                    continue;
                }
                intervals.add(new GreenIctSavings.Interval(from, to, h.energyJoules() / seconds, h.meanCpuRatio()));
                joules += h.energyJoules();
                cpuSum += h.meanCpuRatio();
                cpus.add(h.meanCpuRatio());
            }
            if (cpus.isEmpty()) {
                continue;
            }
            // Only classes that can sleep: servers and network gear are meant to run round the clock (idle
            // servers are the consolidation finder's business).
            GreenIctSavings.IdleOutOfHours waste = p.footprint().sleepWatts().isEmpty() ? null
                    : GreenIctSavings.idleOutOfHours(intervals, config.hoursFor(p.row().identity().site()), config.idleCpuRatio(),
                            p.footprint().sleepWatts());
            if (waste != null && waste.joules() > 0) {
                double kwh = Units.joulesToKwh(waste.joules()) * annualise;
                double savedKwh = Units.joulesToKwh(waste.sleepPolicySavedJoules()) * annualise;
                idleKwh += kwh;
                idleKg += kwh * gramsPerKwh / 1000;
                sleepKwh += savedKwh;
                sleepKg += savedKwh * gramsPerKwh / 1000;
                idle.add(new SavingsReport.IdleDevice(DeviceIdentity.of(p), round(waste.seconds() / 3600, 1),
                        annual(kwh, kwh * gramsPerKwh / 1000, gbpPerKwh), annual(savedKwh, savedKwh * gramsPerKwh / 1000, gbpPerKwh)));
            }
            double observedHours = intervals.stream().mapToDouble(i -> Duration.between(i.from(), i.to()).toMillis() / 3_600_000.0).sum();
            double meanWatts = joules / 3600 / observedHours;
            double meanCpu = cpuSum / cpus.size();
            if ("server".equals(p.row().identity().deviceClass())) {
                double p95 = percentile95(cpus);
                OptionalDouble saved = GreenIctSavings.consolidationSavedWatts(meanCpu, p95, meanWatts, DeviceClass.SERVER.defaultModel(),
                        config.serverMeanCpuRatio(), config.serverP95CpuRatio());
                if (saved.isPresent()) {
                    double kwh = saved.getAsDouble() * HOURS_PER_YEAR / 1000;
                    serverKwh += kwh;
                    serverKg += kwh * gramsPerKwh / 1000;
                    servers.add(new SavingsReport.Server(DeviceIdentity.of(p), round(meanCpu, 4), round(p95, 4), round(meanWatts, 1),
                            round(saved.getAsDouble(), 1), annual(kwh, kwh * gramsPerKwh / 1000, gbpPerKwh)));
                }
            }
            Optional<DeviceClass> known = DeviceClass.fromLabel(p.row().identity().deviceClass());
            Optional<Double> newEmbodied = p.footprint().embodiedKgco2e();
            if (known.isPresent() && newEmbodied.isPresent()) {
                PowerModel typical = known.get().defaultModel();
                double newWatts = typical.watts(meanCpu);
                double annualKwh = Units.joulesToKwh(joules) * annualise;
                GreenIctSavings.ReplaceOrKeep verdict = GreenIctSavings.replaceOrKeep(annualKwh, meanWatts, newWatts, gramsPerKwh,
                        newEmbodied.get(), p.footprint().expectedLifeYears());
                if (verdict.annualKwhSaved() > 0) {
                    LocalDate today = now.atZone(zone).toLocalDate();
                    replace.add(new SavingsReport.ReplaceOrKeep(DeviceIdentity.of(p), p.inService(), p.inServiceSource(),
                            round((today.toEpochDay() - p.inService().toEpochDay()) / 365.25, 1),
                            EmbodiedCarbon.fullyAmortised(p.inService(), p.lifeYears(), now, zone), round(meanWatts, 1), round(newWatts, 1),
                            annual(verdict.annualKwhSaved(), verdict.annualKgSaved(), gbpPerKwh), verdict.newEmbodiedKg(),
                            verdict.breakEvenYears().isPresent() ? OptionalDouble.of(round(verdict.breakEvenYears().getAsDouble(), 2))
                                    : OptionalDouble.empty(),
                            verdict.replace()));
                }
            }
        }
        int top = config.topOffenders();
        return new SavingsReport(windowStart, now, round(windowHours, 2),
                gbpPerKwh.isPresent() ? OptionalDouble.of(round(gbpPerKwh.getAsDouble(), 4)) : OptionalDouble.empty(),
                new SavingsReport.IdleOutOfHours(config.idleCpuRatio(), annual(idleKwh, idleKg, gbpPerKwh), annual(sleepKwh, sleepKg, gbpPerKwh),
                        largest(idle, d -> d.annual().kwh(), top)),
                new SavingsReport.UnderusedServers(config.serverMeanCpuRatio(), config.serverP95CpuRatio(), annual(serverKwh, serverKg, gbpPerKwh),
                        largest(servers, s -> s.annual().kwh(), top)),
                largest(replace, r -> r.saved().kg(), top),
                keepLonger(devices),
                "Annualised from the window (x " + round(annualise, 3) + "). Idle: hourly mean CPU below "
                        + config.idleCpuRatio() + ", out of each site's working hours in its own time zone; a sleep policy saves the "
                        + "difference to the class's sleep power. Under-used server: mean and 95th-percentile hourly CPU below the "
                        + "thresholds; consolidating saves its power less the load its work adds to a host (mean CPU x (max - idle) "
                        + "of the server model). Replace or keep: a new device of the class's typical power at the same CPU; replace "
                        + "only if its embodied carbon is paid back by the saving within its expected life.");
    }

    /** What keeping every device one year longer would cut from the annual embodied charge. */
    private static SavingsReport.KeepLonger keepLonger(List<DeviceProfile> devices) {
        double now = 0;
        double saved = 0;
        int counted = 0;
        for (DeviceProfile p : devices) {
            if (p.embodiedKg().isPresent()) {
                now += p.embodiedKg().get() / p.lifeYears();
                saved += EmbodiedCarbon.annualKgSavedByOneMoreYear(p.embodiedKg().get(), p.lifeYears());
                counted++;
            }
        }
        return new SavingsReport.KeepLonger(counted, round(now, 3), round(now - saved, 3), round(saved, 3));
    }

    /** The rounded figures of a saving a year: kWh to the watt-hour, kg to the gram, pounds to the penny where there is a price. */
    private static SavingsReport.Annual annual(double kwh, double kg, OptionalDouble gbpPerKwh) {
        return new SavingsReport.Annual(round(kwh, 3), round(kg, 3),
                gbpPerKwh.isPresent() ? OptionalDouble.of(round(kwh * gbpPerKwh.getAsDouble(), 2)) : OptionalDouble.empty());
    }

    /** The {@code limit} largest by {@code key} (rounded, as shown), in order; equal ones keep the order they were found in. */
    private static <T> List<T> largest(List<T> rows, ToDoubleFunction<T> key, int limit) {
        Comparator<T> order = Comparator.comparingDouble(key);
        rows.sort(order.reversed());
        return List.copyOf(rows.subList(0, Math.min(limit, rows.size())));
    }

    /** Nearest-rank 95th percentile. */
    static double percentile95(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int rank = (int) Math.ceil(0.95 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    private static double round(double value, int places) {
        return ReportFigures.round(value, places).doubleValue();
    }
}
