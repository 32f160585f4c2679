package io.kilowatch.core.energy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The energy an upstream meter (a PDU outlet, a UPS or PDU inlet feeding known devices) measured of each device it
 * names, from poll to poll: each device's watts at a poll ({@link MeteredLoad#shares}, or its outlets' sum) are
 * integrated by the trapezoid rule with its watts at the previous poll, as {@link EnergyIntegrator} does. A poll that
 * gives a device no watts (the meter could not attribute them) ends its stretch: the time until its next reading is
 * not covered, and the device's own model counts it. Pure; one per meter, owned by its poller.
 */
public final class UpstreamMeter {
    /**
     * Measured energy of one device since the meter's previous poll.
     *
     * @param coveredMillis the time it covers, so the device's report knows how much of its own interval the meter measured
     */
    public record Increment(String deviceId, double joules, long coveredMillis) {
    }

    private record Reading(Instant time, double watts) {
    }

    private final Duration maxGap;
    private Map<String, Reading> last = Map.of();

    /** @param maxGap longer between two polls and the meter's readings are not bridged */
    public UpstreamMeter(Duration maxGap) {
        this.maxGap = maxGap;
    }

    /** Accounts for one poll's watts by device; devices missing from it are not measured until their next two readings. */
    public List<Increment> poll(Instant now, Map<String, Double> wattsByDevice) {
        List<Increment> increments = new ArrayList<>();
        Map<String, Reading> readings = new HashMap<>();
        wattsByDevice.forEach((device, watts) -> {
            if (!(watts >= 0) || Double.isInfinite(watts)) {
                return;
            }
            Reading before = last.get(device);
            if (before != null && now.isAfter(before.time()) && Duration.between(before.time(), now).compareTo(maxGap) <= 0) {
                double seconds = EnergyIntegrator.seconds(before.time(), now);
                increments.add(new Increment(device, (before.watts() + watts) / 2 * seconds, Duration.between(before.time(), now).toMillis()));
            }
            readings.put(device, new Reading(now, watts));
        });
        last = readings;
        return increments;
    }
}
