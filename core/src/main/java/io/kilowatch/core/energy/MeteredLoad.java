package io.kilowatch.core.energy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an upstream meter says about the devices it feeds, for calibration (docs/power-sources.md#measured-against-modelled):
 * a UPS's output or a PDU's inlet with {@code feeds}, or one PDU outlet, read at a poll beside the fed devices' latest
 * utilisation. A reading is only made when every watt in it belongs to a known device: a fed device that is unknown or
 * not up (its draw is then anyone's guess) spoils the poll, and fed devices whose own power is measured are taken out
 * of the total, so what remains is the modelled devices' draw; the same total, split between the modelled devices, is
 * their measured energy ({@link #shares}). Pure.
 */
public final class MeteredLoad {
    private MeteredLoad() {
    }

    /** A fed device as the estate knows it at the poll. */
    public record Device(String id, String deviceClass, boolean up, boolean measured, double powerWatts, double utilisation) {
    }

    /** What the meter measured of the modelled devices of one class: k devices, utilisations summing to U, W in all. */
    public record Reading(String deviceClass, int devices, double utilisationSum, double watts) {
        public ModelCalibration.GroupSample sample() {
            return new ModelCalibration.GroupSample(devices, utilisationSum, watts);
        }
    }

    /**
     * @param named how many devices the meter feeds by its configuration
     * @param known those of them the estate knows
     * @return the reading, or empty when the poll cannot be attributed: a device unknown or not up, no modelled device
     * left, modelled devices of more than one class (one total cannot be split between two models), or measured
     * devices that already account for more than the meter read
     */
    public static Optional<Reading> attribute(double meterWatts, int named, List<Device> known) {
        Optional<Double> rest = modelledWatts(meterWatts, named, known);
        List<Device> modelled = known.stream().filter(d -> !d.measured()).toList();
        if (rest.isEmpty() || modelled.stream().map(Device::deviceClass).distinct().count() > 1) {
            return Optional.empty();
        }
        return Optional.of(new Reading(modelled.get(0).deviceClass(), modelled.size(), modelled.stream().mapToDouble(Device::utilisation).sum(),
                rest.get()));
    }

    /**
     * Each modelled device's share of what the meter read, for its energy (docs/power-sources.md#measured-against-modelled):
     * the meter's watts less those of the devices that measure themselves, split between the modelled ones in proportion
     * to the power their models give now. Unlike a calibration reading, modelled devices of several classes may share a
     * meter: the split needs no single model.
     *
     * @return watts by device id, in {@code known}'s order; empty on the same grounds as {@link #attribute} (a device
     * unknown or not up, nothing modelled, measured devices claiming more than the meter read), or when the modelled
     * devices' models give no power to split by
     */
    public static Optional<Map<String, Double>> shares(double meterWatts, int named, List<Device> known) {
        Optional<Double> rest = modelledWatts(meterWatts, named, known);
        List<Device> modelled = known.stream().filter(d -> !d.measured()).toList();
        double modelWatts = modelled.stream().mapToDouble(Device::powerWatts).sum();
        if (rest.isEmpty() || !(modelWatts > 0)) {
            return Optional.empty();
        }
        Map<String, Double> shares = new LinkedHashMap<>();
        modelled.forEach(d -> shares.put(d.id(), rest.get() * d.powerWatts() / modelWatts));
        return Optional.of(shares);
    }

    /** What the meter read less the devices that measure themselves, when every named device is known and up and some are modelled. */
    private static Optional<Double> modelledWatts(double meterWatts, int named, List<Device> known) {
        if (named == 0 || known.size() < named || known.stream().anyMatch(d -> !d.up()) || !(meterWatts >= 0)
                || known.stream().allMatch(Device::measured)) {
            return Optional.empty();
        }
        double watts = meterWatts - known.stream().filter(Device::measured).mapToDouble(Device::powerWatts).sum();
        return watts < 0 ? Optional.empty() : Optional.of(watts);
    }
}
