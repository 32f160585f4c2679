package io.kilowatch.agent;

import io.kilowatch.agent.sensor.PowerReading;
import io.kilowatch.agent.sensor.PowerSensors;
import io.kilowatch.agent.ship.ReportShipper;
import io.kilowatch.agent.ship.ReportSpool;
import io.kilowatch.agent.state.AgentState;
import io.kilowatch.agent.system.HostSnapshot;
import io.kilowatch.agent.system.SystemProbe;
import io.kilowatch.core.carbon.CarbonCalculator;
import io.kilowatch.core.energy.EnergyIntegrator;
import io.kilowatch.core.energy.SleepDetector;
import io.kilowatch.core.report.Inventory;
import io.kilowatch.core.report.Report;
import io.kilowatch.core.report.ReportValidator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's loop: on one thread, sample power every sample interval into the energy counter, and
 * every report interval build a report and write it to the durable spool; on a second thread, ship the
 * spool to the collector, so a slow or unreachable collector never delays a sample. Sampling faster
 * than reporting keeps the energy figure right however long the collector is away. Each report, with the
 * carbon counter beside it, is also handed to the snapshot publishers (the SNMP sub-agent) when any run.
 */
public final class Agent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

    private final AgentConfig config;
    private final RunningSettings running;
    private final String deviceId;
    private final String version;
    private final SystemProbe probe;
    private final PowerSensors sensors;
    private final AgentState state;
    private final ReportSpool spool;
    private final ReportShipper shipper;
    private final Supplier<Inventory> inventorySource;
    private final Clock clock;
    private final EnergyIntegrator energy;
    private final CarbonCalculator carbon = new CarbonCalculator(ZoneId.systemDefault());
    private final List<SnapshotPublisher> publishers;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "kilowatch-sampler"));
    private final ExecutorService shipping = Executors.newSingleThreadExecutor(r -> new Thread(r, "kilowatch-shipper"));

    private final long[][] sampleTicks;
    private final long[][] reportTicks;
    private PowerReading lastReading;
    private Instant lastSampleAt;
    private double carbonGrams;
    private Instant inventoryReadAt;
    /** The inventory for the next report: after each refresh, so a report lost past the spool's bound loses it for one refresh at most. */
    private Inventory pendingInventory;
    private SystemProbe.SelfUsage lastSelf;
    private Instant lastSelfAt;
    private ScheduledFuture<?> reportTask;
    /** Read with the wall clock at every sample; it stops while the machine sleeps. */
    private final java.util.function.LongSupplier awakeClock;
    private final SleepDetector sleepDetector = new SleepDetector(SLEEP_THRESHOLD);
    /** Sleeps seen since the last report, for the next one. */
    private final List<Report.Sleep> pendingSleeps = new java.util.ArrayList<>();

    /** Wall time beyond awake time that counts as sleep: far above scheduling jitter and clock slews. */
    static final Duration SLEEP_THRESHOLD = Duration.ofSeconds(10);

    public Agent(AgentConfig config, RunningSettings running, String deviceId, String version, SystemProbe probe, PowerSensors sensors,
                 AgentState state, ReportSpool spool, ReportShipper shipper, Supplier<Inventory> inventorySource,
                 List<SnapshotPublisher> publishers, Clock clock, java.util.function.LongSupplier awakeClock) {
        this.config = config;
        this.running = running;
        this.deviceId = deviceId;
        this.version = version;
        this.probe = probe;
        this.sensors = sensors;
        this.state = state;
        this.spool = spool;
        this.shipper = shipper;
        this.inventorySource = inventorySource;
        this.publishers = List.copyOf(publishers);
        this.clock = clock;
        this.awakeClock = awakeClock;
        this.carbonGrams = state.carbonGrams();
        // A gap of more than a few missed samples is a suspend or a stall: no one knows the power then.
        this.energy = new EnergyIntegrator(state.energyJoules(), config.sampleInterval().multipliedBy(4).plusSeconds(5));
        this.sampleTicks = new long[][] {probe.cpuTicks()};
        this.reportTicks = new long[][] {probe.cpuTicks()};
        this.lastSelf = probe.selfUsage();
        this.lastSelfAt = clock.instant();
        shipper.onSettings(running.localKeys(), central -> {
            try {
                loop.execute(guarded(() -> applySettings(central)));
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                // the agent is stopping: nothing more to report at any interval
            }
        });
    }

    public void start() {
        long sampleMillis = config.sampleInterval().toMillis();
        long reportMillis = running.current().reportInterval().toMillis();
        loop.scheduleAtFixedRate(guarded(this::sample), 0, sampleMillis, TimeUnit.MILLISECONDS);
        // The first report goes out after one sample interval so it carries a measured utilisation.
        loop.execute(() -> scheduleReports(Math.min(sampleMillis, reportMillis), reportMillis));
        LOG.atInfo().addKeyValue("device_id", deviceId).addKeyValue("collectors", config.collectorUrls())
                .addKeyValue("report_interval", config.reportInterval()).addKeyValue("power_sources", sensors.sources())
                .log("agent started");
    }

    /** On the loop thread: reports every {@code everyMillis}, the first after {@code firstMillis}. */
    private void scheduleReports(long firstMillis, long everyMillis) {
        if (reportTask != null) {
            reportTask.cancel(false);
        }
        reportTask = loop.scheduleAtFixedRate(guarded(this::report), firstMillis, everyMillis, TimeUnit.MILLISECONDS);
    }

    /** On the loop thread: the collector's settings, in force from the next report; a new interval from the next report on. */
    void applySettings(io.kilowatch.core.agentsettings.CentralSettings central) {
        io.kilowatch.core.agentsettings.CentralSettings.Effective before = running.apply(central);
        io.kilowatch.core.agentsettings.CentralSettings.Effective now = running.current();
        if (now.equals(before)) {
            return;
        }
        LOG.atInfo().addKeyValue("report_interval", now.reportInterval()).addKeyValue("labels", now.labels())
                .addKeyValue("power_model", now.powerModel()).log("central settings from the collector applied");
        if (!now.reportInterval().equals(before.reportInterval()) && reportTask != null) {
            long every = now.reportInterval().toMillis();
            scheduleReports(every, every);
        }
    }

    /** One power sample into the energy counter, and that step's energy into the carbon counter. */
    void sample() {
        Instant now = clock.instant();
        var slept = sleepDetector.observe(now, awakeClock.getAsLong());
        double utilisation = probe.cpuUtilisationSince(sampleTicks);
        PowerReading reading = sensors.read(now, utilisation);
        double joulesBefore = energy.joulesTotal();
        if (slept.isPresent()) {
            // Neither RAPL's step (board and display watts over the whole gap) nor the model knows the power
            // asleep: the step is not counted, and the report says how long the machine slept so the collector
            // counts that time at the class's sleep power.
            energy.addMeasuredEnergy(now, 0, reading.watts());
            pendingSleeps.add(slept.get());
            LOG.atInfo().addKeyValue("from", slept.get().start()).addKeyValue("to", slept.get().end()).log("the machine slept");
        } else if (reading.measuredJoules().isPresent()) {
            energy.addMeasuredEnergy(now, reading.measuredJoules().getAsDouble(), reading.watts());
        } else {
            energy.addPower(now, reading.watts());
        }
        // Per step, so energy used either side of New Year gets its own year's factor.
        carbonGrams += carbon.grams(energy.joulesTotal() - joulesBefore, lastSampleAt == null ? now : lastSampleAt, now,
                config.gridFactors(), config.pue());
        lastSampleAt = now;
        lastReading = reading;
    }

    /** Builds the next report, writes it to the spool (durable from then on) and wakes the shipper. */
    void report() {
        if (lastReading == null) {
            sample();
        }
        Report report = buildReport(clock.instant(), false);
        spool.append(report);
        shipping.execute(guarded(shipper::drain));
        AgentSnapshot snapshot = new AgentSnapshot(report, carbonGrams);
        for (SnapshotPublisher publisher : publishers) {
            publisher.publish(snapshot);
        }
    }

    /** Waits until every queued report has been offered to the collector and its answer taken in (tests and shutdown). */
    void awaitShipping() {
        try {
            shipping.submit(() -> { }).get(1, TimeUnit.MINUTES);
            loop.submit(() -> { }).get(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("shipping did not finish", e);
        }
    }

    /** @param stopping whether this is the agent's last report before it stops cleanly */
    Report buildReport(Instant now, boolean stopping) {
        refreshInventory(now);
        HostSnapshot host = probe.snapshot();
        double cpu = probe.cpuUtilisationSince(reportTicks);
        SystemProbe.SelfUsage self = probe.selfUsage();
        double wallMillis = Math.max(1, Duration.between(lastSelfAt, now).toMillis());
        double selfCpu = Math.max(0, Math.min(1, (self.cpuMillis() - lastSelf.cpuMillis()) / (wallMillis * probe.logicalProcessors())));
        lastSelf = self;
        lastSelfAt = now;
        double joules = energy.joulesTotal();
        long sequence = state.nextReport(joules, carbonGrams);
        var settings = running.current();
        // A machine asleep for longer than a report may reach back (a spare laptop hibernated in a cupboard for
        // months) says so from the earliest time it may, rather than have the report refused and dropped.
        Instant earliest = now.minus(ReportValidator.MAX_AGE);
        List<Report.Sleep> sleeps = pendingSleeps.isEmpty() ? null : pendingSleeps.stream()
                .map(s -> s.start().isBefore(earliest) ? new Report.Sleep(earliest, s.end()) : s).toList();
        pendingSleeps.clear();
        Boolean stop = stopping ? Boolean.TRUE : null;
        return new Report(
                Report.schemaVersionFor(sleeps, stop),
                deviceId,
                sequence,
                now,
                settings.reportInterval().toMillis() / 1000.0,
                settings.labels(),
                new Report.Host(host.hostname(), host.os(), host.bootTime(), host.uptimeSeconds(), host.sessions()),
                new Report.Utilisation(cpu, host.memoryUsedBytes(), host.memoryTotalBytes()),
                new Report.Power(lastReading.watts(), lastReading.source(), joules, state.counterStart()),
                new Report.AgentSelf(version, selfCpu, self.rssBytes(), spool.size(), spool.droppedTotal()),
                takePendingInventory(),
                sleeps,
                stop);
    }

    private void refreshInventory(Instant now) {
        if (inventoryReadAt == null || Duration.between(inventoryReadAt, now).compareTo(config.inventoryRefresh()) >= 0) {
            pendingInventory = inventorySource.get();
            inventoryReadAt = now;
        }
    }

    private Inventory takePendingInventory() {
        Inventory taken = pendingInventory;
        pendingInventory = null;
        return taken;
    }

    /** A failed step is logged and the loop goes on: one bad read must not stop the agent. */
    private static Runnable guarded(Runnable step) {
        return () -> {
            try {
                step.run();
            } catch (RuntimeException e) {
                LOG.atError().setCause(e).log("agent step failed; continuing");
            }
        };
    }

    /** The snapshot publishers: the SNMP sub-agent when {@code snmp.enabled}, else none. */
    List<SnapshotPublisher> publishers() {
        return publishers;
    }

    /**
     * Stops sampling, makes a last report saying the agent stops cleanly (a service stop or an OS shutdown:
     * the collector then knows the machine is off, not down), offers what the spool holds to the collector
     * one last time, and stops.
     */
    @Override
    public void close() {
        publishers.forEach(SnapshotPublisher::close);
        loop.shutdown();
        try {
            loop.awaitTermination(10, TimeUnit.SECONDS);
            guarded(() -> {
                sample();
                spool.append(buildReport(clock.instant(), true));
            }).run();
            shipping.execute(guarded(shipper::drainNow));
            shipping.shutdown();
            shipping.awaitTermination(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
