package io.kilowatch.collector.sustainability;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Green ICT savings found in a window of samples, each annualised; figures rounded as reported, lists the largest
 * first, at most {@code sustainability.savings.top_offenders} long. Written by {@link SustainabilityApi}.
 *
 * @param priceGbpPerKwh the window's mean price; empty without a tariff, and so every pound figure
 * @param method how the figures are worked out, in words
 */
public record SavingsReport(Instant windowFrom, Instant windowTo, double windowHours, OptionalDouble priceGbpPerKwh,
                            IdleOutOfHours idleOutOfHours, UnderusedServers underusedServers, List<ReplaceOrKeep> replaceOrKeep,
                            KeepLonger keepLonger, String method) {

    /** A saving a year: energy, carbon, and its cost where a tariff gives prices. */
    public record Annual(double kwh, double kg, OptionalDouble gbp) {
    }

    public record IdleOutOfHours(double idleCpuRatioBelow, Annual annual, Annual sleepPolicy, List<IdleDevice> worstOffenders) {
    }

    /** @param sleepPolicy what sleeping when idle out of hours would save */
    public record IdleDevice(DeviceIdentity device, double idleHours, Annual annual, Annual sleepPolicy) {
    }

    public record UnderusedServers(double meanCpuRatioBelow, double p95CpuRatioBelow, Annual annual, List<Server> candidates) {
    }

    /** @param annual what consolidating it onto another host saves */
    public record Server(DeviceIdentity device, double meanCpuRatio, double p95CpuRatio, double meanWatts, double savedWatts, Annual annual) {
    }

    /**
     * A device a new one of its class would use less energy than.
     *
     * @param replace whether the saving pays back the new device's embodied carbon within its expected life
     */
    public record ReplaceOrKeep(DeviceIdentity device, LocalDate inService, String inServiceSource, double ageYears,
                                boolean pastExpectedLife, double meanWatts, double newDeviceWatts, Annual saved, double newEmbodiedKg,
                                OptionalDouble breakEvenYears, boolean replace) {
    }

    /** What keeping every device with an embodied figure one year longer would cut from the annual embodied charge. */
    public record KeepLonger(int devices, double annualEmbodiedKg, double annualEmbodiedKgOneYearLonger, double annualKgSaved) {
    }
}
