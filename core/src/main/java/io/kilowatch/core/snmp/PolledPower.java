package io.kilowatch.core.snmp;

import io.kilowatch.core.energy.EnergyIntegrator;
import io.kilowatch.core.energy.PowerModel;
import io.kilowatch.core.energy.Units;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One SNMP-polled device's power and energy from poll to poll: which figure its power comes from (what it reports,
 * a model plus what it reports on top, or the model alone), the energy since the last poll (its own meter's count
 * wins over integration), a PDU's or UPS's share left after the devices it feeds, its reboots, and the counter and
 * sequence its reports carry, continued across collector restarts. Pure: the poller does the I/O.
 */
public final class PolledPower {
    /** Devices a PDU or UPS feeds, as the estate knows them now. */
    public record Fed(String deviceId, boolean up, double powerWatts, double energyJoulesTotal) {
    }

    /**
     * What one poll gives a report: its sequence, the device's boot time and whether it restarted, power and the energy counter.
     *
     * @param engineRestarted the restart was seen in the SNMP engine's boot count rather than in sysUpTime going back
     */
    public record Poll(long sequence, Instant bootTime, boolean reboot, boolean engineRestarted, double cpuRatio, double powerWatts,
                       String source, double counterJoules, Instant counterStart) {
    }

    private static final Duration BOOT_TOLERANCE = Duration.ofSeconds(5);

    private final PowerModel model;
    private final EnergyIntegrator integrator;
    private long sequence;
    private final Instant counterStart;
    private double counterJoules;
    private Instant bootTime;
    private long lastTicks = -1;
    private Long engineBoots;
    /** Each meter's last count; a meter not in the last poll starts counting at this one. */
    private Map<String, Double> lastMetersKwh = Map.of();
    private Map<String, Double> lastFedJoules = Map.of();

    /**
     * Continues from what the store last held for the device (its last sequence, counter and boot time), or starts
     * afresh at {@code now} for a device never seen.
     *
     * @param maxGap longer without a poll and the integration does not bridge the gap
     */
    public PolledPower(PowerModel model, Duration maxGap, Instant now, Long lastSequence, Instant counterStart, double counterJoules,
                       Instant bootTime) {
        this.model = model;
        this.integrator = new EnergyIntegrator(0, maxGap);
        this.sequence = lastSequence == null ? 0 : lastSequence;
        this.counterStart = lastSequence == null ? now : counterStart;
        this.counterJoules = lastSequence == null ? 0 : counterJoules;
        this.bootTime = lastSequence == null ? null : bootTime;
    }

    /**
     * Accounts for one answered poll.
     *
     * @param ticks the device's sysUpTime, hundredths of a second
     * @param engineBoots the SNMPv3 engine's boot count when known: a change is a restart even if sysUpTime looks fine
     * @param feeds the devices this one feeds (empty for most): only its remainder is its own
     */
    public Poll poll(Instant now, long ticks, Long engineBoots, ComposedReading reading, List<Fed> feeds) {
        boolean engineRestarted = engineBoots != null && this.engineBoots != null && !engineBoots.equals(this.engineBoots);
        BootTime.Estimate boot = BootTime.estimate(bootTime, lastTicks, now, ticks, engineRestarted, BOOT_TOLERANCE);
        bootTime = boot.bootTime();
        lastTicks = ticks;
        this.engineBoots = engineBoots;

        double cpu = reading.cpuRatio() == null ? 0 : reading.cpuRatio();
        String source;
        double measured;
        if (reading.powerWatts() != null) {
            source = "snmp";
            measured = reading.powerWatts();
        } else if (reading.addedWatts() != null) {
            source = "snmp";
            measured = model.watts(cpu) + reading.addedWatts();
        } else {
            source = "model";
            measured = model.watts(cpu);
        }
        double measuredJoules = integrator.addPower(now, measured);
        if (!reading.energyMetersKwh().isEmpty()) {
            // the meters' own count wins over integration, each unit's meter on its own: one that went back was reset,
            // and one that is new (a unit joining a chain) or back after a poll without it adds nothing yet, never its
            // lifetime count
            double kwh = 0;
            for (Map.Entry<String, Double> meter : reading.energyMetersKwh().entrySet()) {
                Double before = lastMetersKwh.get(meter.getKey());
                kwh += before == null || meter.getValue() < before ? 0 : meter.getValue() - before;
            }
            measuredJoules = kwh * Units.JOULES_PER_KWH;
        }
        lastMetersKwh = reading.energyMetersKwh();
        double watts = measured;
        double joules = measuredJoules;
        if (!feeds.isEmpty() && "snmp".equals(source)) {
            List<Double> fedWatts = new ArrayList<>();
            Map<String, Double> fedJoules = new HashMap<>();
            double fedDelta = 0;
            for (Fed fed : feeds) {
                if (fed.up()) {
                    fedWatts.add(fed.powerWatts());
                }
                fedJoules.put(fed.deviceId(), fed.energyJoulesTotal());
                Double before = lastFedJoules.get(fed.deviceId());
                if (before != null && fed.energyJoulesTotal() >= before) {
                    fedDelta += fed.energyJoulesTotal() - before;
                }
            }
            lastFedJoules = fedJoules;
            watts = Reconciliation.remainderWatts(measured, fedWatts);
            joules = Reconciliation.remainderJoules(measuredJoules, fedDelta);
        }
        counterJoules += joules;
        sequence++;
        return new Poll(sequence, bootTime, boot.reboot(), engineRestarted, cpu, watts, source, counterJoules, counterStart);
    }
}
