package io.kilowatch.collector.sustainability;

import io.kilowatch.collector.estate.CarbonPolicy;
import io.kilowatch.collector.store.SustainabilityStore;
import io.kilowatch.collector.store.SustainabilityStore.DeviceDay;
import io.kilowatch.collector.store.SustainabilityStore.OffDay;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A period's figures per device and per local day: the day rollups as ingest split them (IT energy,
 * PUE overhead, generation and T&D carbon, fallback energy, cost), plus the energy of known-off time at
 * each class's off power, plus embodied carbon amortised over the period. Everything the report,
 * trajectory and summary show is grouped from this one ledger, so their totals agree.
 */
final class CarbonLedger {
    private final Map<String, DeviceProfile> profiles = new LinkedHashMap<>();
    /** device id to local day to operational figures. */
    private final Map<String, TreeMap<LocalDate, Figures>> days = new HashMap<>();
    private final Map<String, Double> embodiedGrams = new HashMap<>();

    private CarbonLedger() {
    }

    static CarbonLedger load(SustainabilityStore store, List<DeviceProfile> devices, CarbonPolicy carbon, ZoneId zone,
                             Instant from, Instant to) {
        CarbonLedger ledger = new CarbonLedger();
        devices.forEach(p -> ledger.profiles.put(p.row().deviceId(), p));
        List<DeviceDay> rollups = store.deviceDays(from.toEpochMilli(), to.toEpochMilli());
        double scope2 = 0;
        double td = 0;
        double cost = 0;
        double billedJoules = 0;
        for (DeviceDay d : rollups) {
            Figures f = ledger.day(d.deviceId(), d.dayStartMs(), zone);
            f.itJoules += d.energyJoules();
            f.overheadJoules += d.overheadJoules();
            f.fallbackJoules += d.fallbackJoules();
            f.scope2Grams += d.carbonGrams();
            f.overheadGrams += d.overheadCarbonGrams();
            f.tdGrams += d.tdCarbonGrams();
            f.costGbp += d.costGbp();
            scope2 += d.carbonGrams();
            td += d.tdCarbonGrams();
            cost += d.costGbp();
            billedJoules += d.energyJoules() + d.overheadJoules();
        }
        // Off energy is not metered at ingest: it gets its site's generation factor and PUE, and the
        // period's measured T&D-to-generation ratio and mean price, so it is carried like metered energy.
        double tdRatio = scope2 > 0 ? td / scope2 : 0;
        double pricePerJoule = billedJoules > 0 ? cost / billedJoules : 0;
        for (OffDay off : store.offDays(from.toEpochMilli(), to.toEpochMilli())) {
            DeviceProfile p = ledger.profiles.get(off.deviceId());
            if (p == null || p.footprint().offWatts() <= 0 || off.offSeconds() <= 0) {
                continue;
            }
            double joules = p.footprint().offWatts() * off.offSeconds();
            Instant dayStart = Instant.ofEpochMilli(off.dayStartMs());
            Instant dayEnd = dayStart.atZone(zone).toLocalDate().plusDays(1).atStartOfDay(zone).toInstant();
            double grams = carbon.grams(joules, dayStart, dayEnd, p.row().site());
            Figures f = ledger.day(off.deviceId(), off.dayStartMs(), zone);
            f.offJoules += joules;
            f.scope2Grams += grams;
            f.tdGrams += grams * tdRatio;
            f.costGbp += joules * carbon.forSite(p.row().site()).pue() * pricePerJoule;
        }
        for (DeviceProfile p : devices) {
            ledger.embodiedGrams.put(p.row().deviceId(), p.embodiedGramsIn(from, to, zone));
        }
        return ledger;
    }

    private Figures day(String deviceId, long dayStartMs, ZoneId zone) {
        LocalDate day = Instant.ofEpochMilli(dayStartMs).atZone(zone).toLocalDate();
        return days.computeIfAbsent(deviceId, k -> new TreeMap<>()).computeIfAbsent(day, k -> new Figures());
    }

    java.util.Collection<DeviceProfile> profiles() {
        return profiles.values();
    }

    /** Each device's figures over the whole period, embodied included. Devices no longer known keep their data under "(none)". */
    Map<String, Figures> byDevice() {
        Map<String, Figures> result = new LinkedHashMap<>();
        for (String id : profiles.keySet()) {
            result.put(id, deviceTotal(id));
        }
        for (String id : days.keySet()) {
            result.computeIfAbsent(id, this::deviceTotal);
        }
        return result;
    }

    private Figures deviceTotal(String id) {
        Figures total = new Figures();
        days.getOrDefault(id, new TreeMap<>()).values().forEach(total::add);
        total.embodiedGrams = embodiedGrams.getOrDefault(id, 0.0);
        total.devices = 1;
        return total;
    }

    /** Figures grouped by a label of each device (org, site, class); unknown devices fall under "(none)". */
    Map<String, Figures> groupBy(Function<DeviceProfile, String> label) {
        Map<String, Figures> groups = new TreeMap<>();
        byDevice().forEach((id, f) -> {
            DeviceProfile p = profiles.get(id);
            groups.computeIfAbsent(p == null ? DeviceProfile.NONE : label.apply(p), k -> new Figures()).add(f);
        });
        return groups;
    }

    Figures total() {
        Figures total = new Figures();
        byDevice().values().forEach(total::add);
        return total;
    }

    /** Operational grams per local day, each device weighted (null: all at 1; see Trajectory#weightFor); embodied left out. */
    Map<LocalDate, Double> dailyOperationalGrams(Function<DeviceProfile, Double> weight) {
        Map<LocalDate, Double> daily = new TreeMap<>();
        days.forEach((id, byDay) -> {
            DeviceProfile p = profiles.get(id);
            double w = weight == null ? 1 : p == null ? 0 : weight.apply(p);
            if (w > 0) {
                byDay.forEach((day, f) -> daily.merge(day, f.operationalGrams() * w, Double::sum));
            }
        });
        return daily;
    }
}
