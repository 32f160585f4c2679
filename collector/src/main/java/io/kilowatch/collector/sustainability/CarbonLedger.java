package io.kilowatch.collector.sustainability;

import io.kilowatch.collector.sustainability.SustainabilityStore.GroupDay;
import io.kilowatch.collector.sustainability.SustainabilityStore.GroupOffDay;
import io.kilowatch.core.carbon.CarbonPolicy;
import io.kilowatch.core.carbon.ClassFootprints;
import io.kilowatch.core.carbon.EnergyFootprint;
import io.kilowatch.core.carbon.IntensitySeries;
import io.kilowatch.core.carbon.WellToTank;
import io.kilowatch.core.carbon.report.CarbonReport;
import io.kilowatch.core.carbon.report.DeviceGroup;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * A period's figures per group of devices (same org, site and class) and per local day: the day rollups
 * as ingest split them (IT energy, PUE overhead, generation and T&D carbon, fallback energy, cost), plus
 * the energy of known-off time at the class's off power, charged the same way, plus embodied carbon
 * amortised over the period.
 * The report, trajectory and summary all group from this one ledger, so their totals agree; keyed by
 * group rather than device, it stays small however many devices and days a period holds.
 */
final class CarbonLedger {
    /** Devices with the same labels; null where a label is unset or the device is no longer known. */
    record Group(String org, String site, String deviceClass) {
        static Group of(DeviceProfile p) {
            return new Group(p.row().identity().org(), p.row().identity().site(), p.row().identity().deviceClass());
        }

        String label(Function<Group, String> field) {
            String value = field.apply(this);
            return value == null || value.isBlank() ? DeviceProfile.NONE : value;
        }
    }

    private final List<DeviceProfile> profiles;
    private final Map<Group, TreeMap<LocalDate, EnergyFootprint>> days;
    private final ZoneId zone;
    private final Instant from;
    private final Instant to;

    private CarbonLedger(List<DeviceProfile> profiles, Map<Group, TreeMap<LocalDate, EnergyFootprint>> days, ZoneId zone, Instant from, Instant to) {
        this.profiles = profiles;
        this.days = days;
        this.zone = zone;
        this.from = from;
        this.to = to;
    }

    /** @param groupDays and {@code offDays}: the store's day rollups and off time in [from, to) */
    static CarbonLedger of(List<GroupDay> groupDays, List<GroupOffDay> offDays, List<DeviceProfile> devices, ClassFootprints footprints,
                           CarbonPolicy carbon, Function<String, IntensitySeries> intensity, ZoneId zone, Instant from, Instant to) {
        CarbonLedger ledger = new CarbonLedger(devices, new HashMap<>(), zone, from, to);
        for (GroupDay d : groupDays) {
            ledger.add(new Group(d.org(), d.site(), d.deviceClass()), d.dayStartMs(), EnergyFootprint.ofRollups(d.energyJoules(), d.carbonGrams(),
                    d.overheadJoules(), d.overheadCarbonGrams(), d.tdCarbonGrams(), d.fallbackJoules(), d.costGbp(), d.measuredJoules(),
                    d.modelledJoules(), d.importedJoules())
                    .withWellToTankGrams(wellToTankGrams(carbon, d.site(), d.energyJoules() + d.overheadJoules(), d.dayStartMs(), zone)));
        }
        for (GroupOffDay off : offDays) {
            double joules = footprints.forClass(off.deviceClass()).offWatts() * off.offSeconds();
            if (joules <= 0) {
                continue;
            }
            // Off energy is not metered at ingest: it is charged like metered energy over its local day, with
            // the site's factors, intensity, PUE and tariff; the off time's hours within the day are not known.
            Instant dayStart = Instant.ofEpochMilli(off.dayStartMs());
            Instant dayEnd = dayStart.atZone(zone).toLocalDate().plusDays(1).atStartOfDay(zone).toInstant();
            EnergyFootprint f = carbon.footprint(joules, dayStart, dayEnd, off.site(), intensity);
            ledger.add(new Group(off.org(), off.site(), off.deviceClass()), off.dayStartMs(), f.asOffEnergy(joules)
                    .withWellToTankGrams(wellToTankGrams(carbon, off.site(), joules + f.overheadJoules(), off.dayStartMs(), zone)));
        }
        return ledger;
    }

    /** WTT of facility energy used on a local day, at the factors of its year; 0 where the site has none. */
    private static double wellToTankGrams(CarbonPolicy carbon, String site, double facilityJoules, long dayStartMs, ZoneId zone) {
        WellToTank wtt = carbon.wellToTank(site);
        return wtt == null ? 0 : facilityJoules / 3_600_000 * wtt.gramsPerKwh(Instant.ofEpochMilli(dayStartMs).atZone(zone).getYear());
    }

    /**
     * The part of this ledger in [from, to), with embodied carbon for that period. Days are whole local
     * days; a period ending within a day (to date: now) includes that day so far, as the overview does.
     */
    CarbonLedger within(Instant periodFrom, Instant periodTo) {
        LocalDate first = periodFrom.atZone(zone).toLocalDate();
        LocalDate last = periodTo.atZone(zone).toLocalDate();
        LocalDate end = last.atStartOfDay(zone).toInstant().equals(periodTo) ? last : last.plusDays(1);
        Map<Group, TreeMap<LocalDate, EnergyFootprint>> part = new HashMap<>();
        days.forEach((group, byDay) -> part.put(group, new TreeMap<>(byDay.subMap(first, end))));
        return new CarbonLedger(profiles, part, zone, periodFrom, periodTo);
    }

    private void add(Group group, long dayStartMs, EnergyFootprint figures) {
        LocalDate day = Instant.ofEpochMilli(dayStartMs).atZone(zone).toLocalDate();
        days.computeIfAbsent(group, k -> new TreeMap<>()).merge(day, figures, EnergyFootprint::plus);
    }

    Collection<DeviceProfile> profiles() {
        return profiles;
    }

    /** Each group's figures over the whole period, embodied and device count included. */
    private Map<Group, DeviceGroup> byGroup() {
        Map<Group, DeviceGroup> result = new HashMap<>();
        days.forEach((group, byDay) -> byDay.values().forEach(f -> result.merge(group, new DeviceGroup(f, 0), DeviceGroup::plus)));
        for (DeviceProfile p : profiles) {
            result.merge(Group.of(p), new DeviceGroup(EnergyFootprint.ZERO.withEmbodiedGrams(p.embodiedGramsIn(from, to, zone)), 1),
                    DeviceGroup::plus);
        }
        return result;
    }

    /** Figures grouped by one label (org, site or class), sorted by it; unset labels under "(none)". */
    Map<String, DeviceGroup> groupBy(Function<Group, String> field) {
        Map<String, DeviceGroup> groups = new TreeMap<>();
        byGroup().forEach((group, g) -> groups.merge(group.label(field), g, DeviceGroup::plus));
        return groups;
    }

    DeviceGroup total() {
        return byGroup().values().stream().reduce(DeviceGroup.EMPTY, DeviceGroup::plus);
    }

    /** The period's figures as the carbon report groups them. */
    CarbonReport.Groups groups() {
        return new CarbonReport.Groups(total(), groupBy(Group::org), groupBy(Group::site), groupBy(Group::deviceClass));
    }

    /** Energy imported from history files for local days of a year, estate-wide. */
    double importedKwhIn(int year) {
        double joules = 0;
        for (TreeMap<LocalDate, EnergyFootprint> byDay : days.values()) {
            joules += byDay.subMap(LocalDate.of(year, 1, 1), LocalDate.of(year + 1, 1, 1)).values().stream()
                    .mapToDouble(EnergyFootprint::importedJoules).sum();
        }
        return joules / 3_600_000;
    }

    /**
     * Each year's energy by provenance (IT, off, measured, modelled and imported joules; nothing else), each group weighted by
     * its org label as {@link #dailyOperationalGrams}: what the trajectory's years give their data quality from.
     */
    Map<Integer, EnergyFootprint> yearlyEnergy(ToDoubleFunction<String> orgWeight) {
        Map<Integer, EnergyFootprint> yearly = new TreeMap<>();
        days.forEach((group, byDay) -> {
            double w = orgWeight == null ? 1 : orgWeight.applyAsDouble(group.label(Group::org));
            if (w > 0) {
                byDay.forEach((day, f) -> yearly.merge(day.getYear(), new EnergyFootprint(f.itJoules() * w, 0, 0, 0, 0, 0, 0, f.offJoules() * w,
                        f.measuredJoules() * w, f.modelledJoules() * w, f.importedJoules() * w, 0, 0, List.of()), EnergyFootprint::plus));
            }
        });
        return yearly;
    }

    /** Operational grams per local day, each group weighted by its org label (null: all at 1); embodied left out. */
    Map<LocalDate, Double> dailyOperationalGrams(ToDoubleFunction<String> orgWeight) {
        Map<LocalDate, Double> daily = new TreeMap<>();
        days.forEach((group, byDay) -> {
            double w = orgWeight == null ? 1 : orgWeight.applyAsDouble(group.label(Group::org));
            if (w > 0) {
                byDay.forEach((day, f) -> daily.merge(day, f.operationalGrams() * w, Double::sum));
            }
        });
        return daily;
    }
}
