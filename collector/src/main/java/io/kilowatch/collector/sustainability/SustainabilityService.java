package io.kilowatch.collector.sustainability;

import io.kilowatch.collector.estate.Estate;
import io.kilowatch.collector.estate.EstateStore;
import io.kilowatch.collector.sustainability.SustainabilityStore.GroupDay;
import io.kilowatch.core.availability.UptimeSpan;
import io.kilowatch.core.carbon.CarbonPolicy;
import io.kilowatch.core.carbon.EmbodiedCarbon;
import io.kilowatch.core.carbon.IntensitySeries;
import io.kilowatch.core.carbon.OffTime;
import io.kilowatch.core.carbon.report.CarbonReport;
import io.kilowatch.core.carbon.report.DeviceGroup;
import io.kilowatch.core.carbon.report.ReportPeriod;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Carbon reporting over the store: the carbon report, the target trajectory, the Green ICT savings, each
 * device's embodied carbon, and the periodic recording of known-off time. Every method blocks: call it
 * on the store's worker.
 */
public final class SustainabilityService {
    private final SustainabilityConfig config;
    private final EstateStore store;
    private final SustainabilityStore sustainability;
    private final CarbonPolicy carbon;
    private final Function<String, IntensitySeries> intensity;
    private final ZoneId zone;
    private final Trajectory trajectory;

    /** @param intensity half-hourly grid intensity by region, as ingest uses it */
    public SustainabilityService(SustainabilityConfig config, EstateStore store, SustainabilityStore sustainability, CarbonPolicy carbon,
                                 Function<String, IntensitySeries> intensity, ZoneId zone) {
        this.config = config;
        this.store = store;
        this.sustainability = sustainability;
        this.carbon = carbon;
        this.intensity = intensity;
        this.zone = zone;
        this.trajectory = new Trajectory(config, zone);
    }

    public ZoneId zone() {
        return zone;
    }

    List<DeviceProfile> profiles() {
        return DeviceProfile.of(store.devices(), sustainability.purchaseDates(), config, zone);
    }

    private CarbonLedger ledger(List<DeviceProfile> devices, Instant from, Instant to) {
        return CarbonLedger.load(sustainability, devices, config.footprints(), carbon, intensity, zone, from, to);
    }

    /** Start of the baseline year, or {@code otherwise} when that is earlier or there is no target. */
    private Instant loadFrom(Instant otherwise) {
        if (config.baselineYear().isEmpty()) {
            return otherwise;
        }
        Instant baseline = LocalDate.of(config.baselineYear().get(), 1, 1).atStartOfDay(zone).toInstant();
        return baseline.isBefore(otherwise) ? baseline : otherwise;
    }

    public CarbonReport report(int year, Integer quarter, Instant now) {
        ReportPeriod period = new ReportPeriod(year, quarter, zone);
        List<DeviceProfile> devices = profiles();
        int lastYear = Math.max(year, now.atZone(zone).getYear());
        Instant to = config.baselineYear().isEmpty() ? period.to() : LocalDate.of(lastYear + 1, 1, 1).atStartOfDay(zone).toInstant();
        // One pass over the rollups serves both the period and the target's years.
        CarbonLedger ledger = ledger(devices, loadFrom(period.from()), to);
        CarbonLedger within = ledger.within(period.from(), period.to());
        Optional<CarbonReport.TargetPlan> target = trajectory.target(ledger, null, lastYear).map(t -> new CarbonReport.TargetPlan(t.path(),
                t.baselineSource(), config.targetIncludesEmbodied(), today -> trajectory.projected(t, today)));
        List<String> factorSources = CarbonReport.factorSources(carbon, year, within.profiles().stream().map(p -> p.row().site()).toList(),
                within.profiles().stream().map(DeviceProfile::embodiedSource).toList());
        return CarbonReport.of(period, now, within.groups(), config.sharedServices(), config.baselineYear().isPresent(), target, factorSources);
    }

    /** The trajectory for a year, estate-wide (org null) or for an organisation; what is missing when there is no target. */
    public TrajectoryReport trajectory(int year, String org, Instant now) {
        LocalDate today = now.atZone(zone).toLocalDate();
        int lastYear = Math.max(year, today.getYear());
        Instant to = LocalDate.of(lastYear + 1, 1, 1).atStartOfDay(zone).toInstant();
        Optional<Trajectory.Target> target = config.baselineYear().isEmpty() ? Optional.empty()
                : trajectory.target(ledger(profiles(), loadFrom(now), to), org, lastYear);
        if (target.isEmpty()) {
            return new TrajectoryReport.NoTarget(org, year, config.baselineYear().isEmpty()
                    ? "no target configured: set sustainability.targets.baseline_year"
                    : "the baseline year " + config.baselineYear().get() + " has no measured data"
                    + (org == null ? "" : " for " + org) + ": enter its baseline by hand (sustainability.targets"
                    + (org == null ? "" : ".orgs." + org) + ".baseline_kgco2e)");
        }
        return trajectory.report(target.get(), org, year, today);
    }

    /** This year so far: totals by scope, and where it stands against the target. */
    public CarbonSummary summary(Instant now) {
        LocalDate today = now.atZone(zone).toLocalDate();
        List<DeviceProfile> devices = profiles();
        Instant yearStart = today.withDayOfYear(1).atStartOfDay(zone).toInstant();
        CarbonLedger all = ledger(devices, loadFrom(yearStart), now);
        CarbonLedger ledger = all.within(yearStart, now);
        DeviceGroup totals = ledger.total();
        // Organisations a trajectory can be asked for: those with devices, and the partners of shared services.
        Set<String> orgs = new TreeSet<>(ledger.groupBy(CarbonLedger.Group::org).keySet());
        orgs.removeAll(config.sharedServices().keySet());
        orgs.remove(DeviceProfile.NONE);
        config.sharedServices().values().forEach(partners -> orgs.addAll(partners.keySet()));
        Optional<Trajectory.Target> target = trajectory.target(all, null, today.getYear());
        return new CarbonSummary(today.getYear(), zone, yearStart, now, totals, List.copyOf(orgs), target.map(t -> {
            OptionalDouble projected = trajectory.projected(t, today);
            return new CarbonSummary.Target(t.path().baselineYear(), Trajectory.round(t.path().targetKg(today.getYear())),
                    Trajectory.round(trajectory.actualKg(t, today.getYear())),
                    projected.isPresent() ? OptionalDouble.of(Trajectory.round(projected.getAsDouble())) : OptionalDouble.empty(),
                    trajectory.status(t, today.getYear(), today));
        }));
    }

    public SavingsReport savings(Instant now) {
        Instant from = now.minus(config.savingsWindow());
        double joules = 0;
        double cost = 0;
        for (GroupDay d : sustainability.groupDays(from.toEpochMilli(), now.toEpochMilli())) {
            joules += d.energyJoules() + d.overheadJoules();
            cost += d.costGbp();
        }
        OptionalDouble price = cost > 0 && joules > 0 ? OptionalDouble.of(cost / (joules / 3_600_000)) : OptionalDouble.empty();
        return SavingsFinder.find(profiles(), sustainability.deviceHours(from.toEpochMilli(), now.toEpochMilli()), config, carbon,
                price, from, now, zone);
    }

    /** Each device's embodied carbon: the figure, its source, when it entered service, and this year's charge. */
    public EmbodiedReport embodied(Instant now) {
        LocalDate today = now.atZone(zone).toLocalDate();
        Instant yearStart = today.withDayOfYear(1).atStartOfDay(zone).toInstant();
        Instant yearEnd = today.withDayOfYear(1).plusYears(1).atStartOfDay(zone).toInstant();
        List<EmbodiedReport.Device> devices = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (DeviceProfile p : profiles()) {
            if (p.embodiedKg().isEmpty() && !missing.contains(p.deviceClass())) {
                missing.add(p.deviceClass());
            }
            devices.add(new EmbodiedReport.Device(DeviceIdentity.of(p), p.model(), p.displays(), p.embodiedKg(), p.embodiedSource(),
                    p.lifeYears(), p.inService(), p.inServiceSource(), Trajectory.round(p.embodiedGramsIn(yearStart, yearEnd, zone) / 1000),
                    EmbodiedCarbon.fullyAmortised(p.inService(), p.lifeYears(), now, zone),
                    p.embodiedKg().map(kg -> Trajectory.round(EmbodiedCarbon.annualKgSavedByOneMoreYear(kg, p.lifeYears())))));
        }
        return new EmbodiedReport(today.getYear(), devices, missing);
    }

    public boolean deviceExists(String deviceId) {
        return store.device(deviceId).isPresent();
    }

    public void setPurchaseDate(String deviceId, LocalDate date, Instant now) {
        sustainability.setPurchaseDate(deviceId, date, now.toEpochMilli());
    }

    public boolean clearPurchaseDate(String deviceId) {
        return sustainability.clearPurchaseDate(deviceId);
    }

    /**
     * Records each device's known-off time per local day, from the uptime spans the store still holds
     * (the last {@link Estate#longestWindow()}). Only days with off time are written, so a day whose
     * earlier span has since been pruned keeps what was recorded while the span was there.
     */
    public int recordOffTime(Instant now) {
        Instant since = now.minus(Estate.longestWindow());
        Map<String, List<UptimeSpan>> spans = store.spansSince(since.toEpochMilli());
        List<SustainabilityStore.OffDay> days = new ArrayList<>();
        LocalDate today = now.atZone(zone).toLocalDate();
        spans.forEach((device, deviceSpans) -> {
            for (LocalDate day = since.atZone(zone).toLocalDate(); !day.isAfter(today); day = day.plusDays(1)) {
                Instant dayStart = day.atStartOfDay(zone).toInstant();
                Instant dayEnd = day.plusDays(1).atStartOfDay(zone).toInstant();
                double seconds = OffTime.seconds(deviceSpans, dayStart, dayEnd.isAfter(now) ? now : dayEnd);
                if (seconds > 0) {
                    days.add(new SustainabilityStore.OffDay(device, dayStart.toEpochMilli(), seconds));
                }
            }
        });
        sustainability.putOffDays(days);
        return days.size();
    }

    /** The annual embodied charge per class of devices within their life, grams a year: cheap, for frequent gauges. */
    public Map<String, Double> embodiedRates(Instant now) {
        return embodiedRates(profiles(), now);
    }

    private Map<String, Double> embodiedRates(List<DeviceProfile> devices, Instant now) {
        Map<String, Double> perClass = new TreeMap<>();
        for (DeviceProfile p : devices) {
            if (p.embodiedKg().isPresent() && !EmbodiedCarbon.fullyAmortised(p.inService(), p.lifeYears(), now, zone)) {
                perClass.merge(p.deviceClass(), p.embodiedKg().get() * 1000 / p.lifeYears(), Double::sum);
            }
        }
        return perClass;
    }

    /** Figures for the metrics: the annual embodied charge per class, this year's target and projection. */
    public SustainabilityMetrics.Snapshot snapshot(Instant now) {
        LocalDate today = now.atZone(zone).toLocalDate();
        List<DeviceProfile> devices = profiles();
        Map<String, Double> perClass = embodiedRates(devices, now);
        Optional<Trajectory.Target> target = trajectory.target(ledger(devices, loadFrom(now), now), null, today.getYear());
        double targetGrams = target.map(t -> t.path().targetKg(today.getYear()) * 1000).orElse(Double.NaN);
        double projectedGrams = target.map(t -> trajectory.projected(t, today)).filter(OptionalDouble::isPresent)
                .map(p -> p.getAsDouble() * 1000).orElse(Double.NaN);
        return new SustainabilityMetrics.Snapshot(perClass, targetGrams, projectedGrams);
    }
}
