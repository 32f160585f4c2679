package io.kilowatch.collector.estate;

import io.kilowatch.core.availability.Availability;
import io.kilowatch.core.availability.UptimeSpan;
import io.kilowatch.core.carbon.CarbonPolicy;
import io.kilowatch.core.carbon.ClassFootprints;
import io.kilowatch.core.carbon.EnergyFootprint;
import io.kilowatch.core.carbon.IntensitySeries;
import io.kilowatch.core.energy.AgentCounter;
import io.kilowatch.core.energy.DeviceClass;
import io.kilowatch.core.energy.ModelCalibration;
import io.kilowatch.core.energy.PowerModel;
import io.kilowatch.core.report.Report;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns a validated report and the device's stored row into an {@link IngestPlan}. Pure: the same
 * inputs give the same plan, so it is tested without a database, and any collector sharing the
 * store computes the same result from the row it reads inside its transaction.
 * <p>
 * Energy is the increase of the agent's counter since the device's newest report, spread evenly over
 * the time between the two reports, so an agent that was cut off for two hours fills two hours of
 * rollups rather than one spike. Carbon is computed per half-hour piece: its half-hour's intensity, else its year's factor.
 */
public final class ReportAccounting {
    /** The power source of a report whose energy comes from a power model rather than a meter. */
    private static final String MODEL_SOURCE = "model";
    private final CarbonPolicy carbon;
    private final ZoneId zone;
    private final Function<String, IntensitySeries> intensity;
    /** Calibrated models operators accepted, by class label; replaced whole when one is accepted or reverted. */
    private volatile Map<String, PowerModel> calibrated = Map.of();

    private final ClassFootprints footprints;

    /** With the default class footprints (their sleep and off power). */
    public ReportAccounting(CarbonPolicy carbon, ZoneId zone, Function<String, IntensitySeries> intensity) {
        this(carbon, zone, intensity, ClassFootprints.defaults());
    }

    /**
     * @param intensity the half-hourly intensity known now, by region key
     * @param footprints each class's sleep power (off power for classes that never sleep), charged for the time a report says its machine slept
     */
    public ReportAccounting(CarbonPolicy carbon, ZoneId zone, Function<String, IntensitySeries> intensity, ClassFootprints footprints) {
        this.carbon = carbon;
        this.zone = zone;
        this.intensity = intensity;
        this.footprints = footprints;
    }

    /** The power drawn asleep by a class: its sleep figure, or its off figure for a class that is not meant to sleep. */
    public double sleepWatts(String deviceClass) {
        ClassFootprints.Footprint f = footprints.forClass(deviceClass);
        return f.sleepWatts().orElse(f.offWatts());
    }

    /** Applies these accepted calibrated models (by class label) to modelled reports from now on. */
    public void useCalibrated(Map<String, PowerModel> models) {
        calibrated = Map.copyOf(models);
    }

    /**
     * A device's sequence may jump (an agent renumbering after losing its state moves just past the
     * collector's newest), but never by this much: such a report would shadow every later one.
     */
    static final long MAX_SEQUENCE_JUMP = 1_000_000;

    /** A report with nothing measured of its device upstream. */
    public IngestPlan plan(Report r, DeviceRow previous, long receivedMs, String inventoryJson) {
        return plan(r, previous, receivedMs, inventoryJson, MeteredEnergy.NONE);
    }

    /**
     * @param metered what upstream meters measured of the device since its previous report: for a modelled report, that
     *     energy replaces the model's for the part of the interval the meters covered (a report after a clean stop or a
     *     sleep keeps the model's, whose off and sleep time is charged apart)
     */
    public IngestPlan plan(Report r, DeviceRow previous, long receivedMs, String inventoryJson, MeteredEnergy metered) {
        String contradiction = contradiction(r, previous);
        if (contradiction != null) {
            return IngestPlan.rejected(previous, contradiction);
        }
        Instant time = r.timestamp();
        long timeMs = time.toEpochMilli();
        long bootMs = r.host().bootTime().toEpochMilli();
        String site = r.labels().get("site");
        boolean newest = previous == null || r.sequence() > previous.reporting().lastSequence();
        double watts = watts(r);
        if (!newest) {
            SampleRow late = sample(r, timeMs, receivedMs, bootMs, watts, 0, 0);
            return new IngestPlan(previous, late, List.of(), false);
        }

        AgentCounter counter = new AgentCounter(r.power().counterStart(), r.power().energyJoulesTotal());
        AgentCounter before = previous == null ? null
                : new AgentCounter(Instant.ofEpochMilli(previous.power().counterStartMs()), previous.power().counterJoules());
        double joules = counter.joulesSince(before);
        if (watts != r.power().watts() && r.power().watts() > 0) {
            // Calibrated: the interval's modelled energy scales with the power the calibrated model gives.
            joules = joules * watts / r.power().watts();
        }
        Instant from = previous == null || previous.reporting().lastSeenMs() >= timeMs ? time
                : Instant.ofEpochMilli(previous.reporting().lastSeenMs());
        boolean modelled = MODEL_SOURCE.equals(r.power().source());
        List<Report.Sleep> sleeps = r.sleeps() == null ? List.of() : r.sleeps();
        double measuredJoules = modelled ? 0 : joules;
        long intervalMs = time.toEpochMilli() - from.toEpochMilli();
        if (modelled && metered.coveredMillis() > 0 && intervalMs > 0 && previous.reporting().stoppedMs() == null && sleeps.isEmpty()) {
            // Measured upstream: the meters' energy, and the model's for the part of the interval they did not cover.
            double uncovered = Math.max(0, 1 - (double) metered.coveredMillis() / intervalMs);
            measuredJoules = metered.joules();
            joules = measuredJoules + joules * uncovered;
        }
        List<RollupIncrement> rollups = new ArrayList<>(spread(r.deviceId(), joules, from, time, site, joules > 0 ? measuredJoules / joules : 0));
        // The agent counts nothing while its machine sleeps: the sleep is charged here at the class's sleep power.
        double sleepWatts = sleeps.isEmpty() ? 0 : sleepWatts(r.labels().get("class"));
        for (Report.Sleep sleep : sleeps) {
            double sleepJoules = sleepWatts * Duration.between(sleep.start(), sleep.end()).toNanos() / 1e9;
            joules += sleepJoules;
            rollups.addAll(spread(r.deviceId(), sleepJoules, sleep.start(), sleep.end(), site, 0));
        }
        List<UptimeSpan> off = new ArrayList<>();
        if (previous != null && previous.reporting().stoppedMs() != null) {
            Instant stopped = Instant.ofEpochMilli(previous.reporting().stoppedMs());
            Instant until = r.host().bootTime().isAfter(stopped) ? r.host().bootTime() : time;
            if (until.isAfter(stopped)) {
                off.add(new UptimeSpan(stopped, until));
            }
        }
        sleeps.forEach(sleep -> off.add(new UptimeSpan(sleep.start(), sleep.end())));
        boolean stopping = Boolean.TRUE.equals(r.stopping());
        double grams = rollups.stream().filter(x -> x.period().equals(RollupIncrement.HOUR)).mapToDouble(RollupIncrement::carbonGrams).sum();

        Report.Utilisation u = r.utilisation();
        Report.AgentSelf agent = r.agent() == null ? new Report.AgentSelf(null, null, null, null, null) : r.agent();
        DeviceRow device = new DeviceRow(
                r.deviceId(),
                new DeviceRow.Identity(r.labels().get("org"), site, r.labels().get("department"), r.labels().get("class")),
                new DeviceRow.Host(r.host().hostname(), r.host().os(), bootMs, r.host().sessions()),
                new DeviceRow.Reporting(
                        previous == null ? timeMs : Math.min(previous.reporting().firstSeenMs(), timeMs),
                        Math.max(timeMs, previous == null ? timeMs : previous.reporting().lastSeenMs()),
                        receivedMs,
                        r.sequence(),
                        Math.round(r.intervalSeconds() * 1000),
                        stopping ? Long.valueOf(timeMs) : null),
                new DeviceRow.Utilisation(u.cpuRatio(), u.memoryUsedBytes(), u.memoryTotalBytes()),
                new DeviceRow.Power(watts, r.power().source(), r.power().counterStart().toEpochMilli(), r.power().energyJoulesTotal()),
                new DeviceRow.Counted(
                        (previous == null ? 0 : previous.counted().energyJoulesTotal()) + joules,
                        (previous == null ? 0 : previous.counted().carbonGramsTotal()) + grams),
                new DeviceRow.AgentSelf(agent.version(), agent.cpuRatio(), agent.rssBytes(), agent.backlogReports(), agent.droppedReportsTotal()),
                inventoryJson != null ? new DeviceRow.Inventory(inventoryJson, receivedMs)
                        : previous == null ? new DeviceRow.Inventory(null, null) : previous.inventory());
        return new IngestPlan(device, sample(r, timeMs, receivedMs, bootMs, watts, joules, grams), rollups, true, null, sleeps, stopping,
                List.copyOf(off), sessions(r, previous));
    }

    /** The report's logged-in sessions: its count for one interval, and the rise since the previous report (all of it after a boot). */
    private SessionIncrement sessions(Report r, DeviceRow previous) {
        Integer now = r.host().sessions();
        if (now == null) {
            return null;
        }
        boolean sameBoot = previous != null && previous.host().sessions() != null
                && Math.abs(previous.host().bootTimeMs() - r.host().bootTime().toEpochMilli()) <= Availability.BOOT_TIME_JITTER.toMillis();
        double started = sameBoot ? Math.max(0, now - previous.host().sessions()) : now;
        return new SessionIncrement(r.deviceId(), dayStart(r.timestamp()), now * r.intervalSeconds(), started);
    }

    /** What makes a valid report impossible given the device's stored history, or null. */
    private static String contradiction(Report r, DeviceRow previous) {
        if (previous == null || r.sequence() <= previous.reporting().lastSequence()) {
            return null; // new device, or a late report that adds no energy
        }
        if (r.sequence() - previous.reporting().lastSequence() > MAX_SEQUENCE_JUMP) {
            return "$.sequence " + r.sequence() + " jumps more than " + MAX_SEQUENCE_JUMP + " past the newest stored ("
                    + previous.reporting().lastSequence() + ")";
        }
        boolean sameCounter = r.power().counterStart().toEpochMilli() == previous.power().counterStartMs();
        if (sameCounter && r.power().energyJoulesTotal() < previous.power().counterJoules()) {
            return "$.power.energy_joules_total went back from " + previous.power().counterJoules() + " to " + r.power().energyJoulesTotal()
                    + " without a new counter_start";
        }
        return null;
    }

    /**
     * Splits energy over [from, to] in proportion to time into pieces that each lie in one UTC half-hour
     * (one intensity) and one local day, summed into UTC-hour and local-day buckets. Local midnight is a
     * boundary of its own: in a zone offset by 15 or 45 minutes (+05:45, +05:30, -03:30) it falls inside
     * a half-hour.
     *
     * @param measuredRatio the part of the energy a meter measured, the rest modelled
     */
    List<RollupIncrement> spread(String deviceId, double joules, Instant from, Instant to, String site, double measuredRatio) {
        if (joules <= 0) {
            return List.of();
        }
        Map<Long, Bucket> hours = new LinkedHashMap<>();
        Map<Long, Bucket> days = new LinkedHashMap<>();
        if (!to.isAfter(from)) {
            add(hours, days, to, carbon.footprint(joules, to, to, site, intensity));
        } else {
            double totalNanos = Duration.between(from, to).toNanos();
            Instant cursor = from;
            while (cursor.isBefore(to)) {
                Instant halfHourEnd = IntensitySeries.halfHourOf(cursor).plus(IntensitySeries.HALF_HOUR);
                Instant dayEnd = Instant.ofEpochMilli(nextDayStart(cursor));
                Instant pieceEnd = halfHourEnd.isBefore(to) ? halfHourEnd : to;
                pieceEnd = dayEnd.isBefore(pieceEnd) ? dayEnd : pieceEnd;
                double pieceJoules = joules * (Duration.between(cursor, pieceEnd).toNanos() / totalNanos);
                add(hours, days, cursor, carbon.footprint(pieceJoules, cursor, pieceEnd, site, intensity));
                cursor = pieceEnd;
            }
        }
        List<RollupIncrement> result = new ArrayList<>();
        hours.forEach((start, b) -> result.add(new RollupIncrement(deviceId, RollupIncrement.HOUR, start, b.footprint, b.firstHalfHourJoules,
                measuredRatio)));
        days.forEach((start, b) -> result.add(new RollupIncrement(deviceId, RollupIncrement.DAY, start, b.footprint, null, measuredRatio)));
        return result;
    }

    private static final class Bucket {
        EnergyFootprint footprint = EnergyFootprint.ZERO;
        double firstHalfHourJoules;
    }

    private void add(Map<Long, Bucket> hours, Map<Long, Bucket> days, Instant at, EnergyFootprint piece) {
        Instant hourStart = at.truncatedTo(ChronoUnit.HOURS);
        Bucket h = hours.computeIfAbsent(hourStart.toEpochMilli(), k -> new Bucket());
        h.footprint = h.footprint.plus(piece);
        if (at.isBefore(hourStart.plus(IntensitySeries.HALF_HOUR))) {
            h.firstHalfHourJoules += piece.itJoules();
        }
        Bucket d = days.computeIfAbsent(dayStart(at), k -> new Bucket());
        d.footprint = d.footprint.plus(piece);
    }

    public long dayStart(Instant at) {
        return at.atZone(zone).toLocalDate().atStartOfDay(zone).toInstant().toEpochMilli();
    }

    private long nextDayStart(Instant at) {
        return at.atZone(zone).toLocalDate().plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
    }

    /**
     * The report's power: as reported, or for a modelled report of a class with an accepted calibrated model, that
     * model's (one map lookup on the ingest path; accepted models exist only for known classes).
     */
    private double watts(Report r) {
        PowerModel calibration = MODEL_SOURCE.equals(r.power().source()) ? calibrated.get(r.labels().get("class")) : null;
        if (calibration == null) {
            return r.power().watts();
        }
        PowerModel classModel = DeviceClass.fromLabel(r.labels().get("class")).orElseThrow().defaultModel();
        return ModelCalibration.recalibratedWatts(r.power().watts(), r.utilisation().cpuRatio(), classModel, calibration);
    }

    /** The stored sample shows the same power as the device row, so a device's chart and its current figure agree. */
    private static SampleRow sample(Report r, long timeMs, long receivedMs, long bootMs, double watts, double joules, double grams) {
        return new SampleRow(r.deviceId(), r.sequence(), timeMs, receivedMs, watts, r.power().source(),
                r.utilisation().cpuRatio(), r.utilisation().memoryUsedBytes(), bootMs, r.power().energyJoulesTotal(), joules, grams);
    }
}
