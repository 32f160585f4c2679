package io.kilowatch.collector.sustainability;

import io.kilowatch.collector.estate.DeviceRow;
import io.kilowatch.collector.service.ServiceDevices;
import io.kilowatch.collector.service.ServiceFootprints;
import io.kilowatch.collector.carbon.CarbonStore;
import io.kilowatch.collector.estate.EstateStore;
import io.kilowatch.core.carbon.EnergyFootprint;
import io.kilowatch.core.carbon.SoftwareCarbonIntensity;
import io.kilowatch.core.energy.Units;
import io.kilowatch.core.service.ServiceCatalog;
import io.kilowatch.core.service.ServiceDefinition;
import io.kilowatch.core.service.Span;
import io.vertx.core.Future;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A service's devices' carbon over a period, for its Software Carbon Intensity: operational carbon from
 * the day rollups (scope 2 with PUE overhead, as the carbon report's scope 2) of the local days starting
 * in the period, and embodied carbon amortised as carbon reporting does.
 */
public final class ServiceCarbon implements ServiceFootprints {
    private final EstateStore store;
    private final CarbonStore carbon;
    private final SustainabilityStore sustainability;
    private final SustainabilityConfig config;
    private final ZoneId zone;

    public ServiceCarbon(EstateStore store, CarbonStore carbon, SustainabilityStore sustainability, SustainabilityConfig config, ZoneId zone) {
        this.store = store;
        this.carbon = carbon;
        this.sustainability = sustainability;
        this.config = config;
        this.zone = zone;
    }

    @Override
    public Future<List<SoftwareCarbonIntensity.Component>> components(ServiceDefinition service, ServiceCatalog catalog, Span period) {
        Future<Map<String, LocalDate>> purchases = sustainability.purchaseDates();
        return shares(service, catalog).compose(shares -> {
            Map<DeviceRow, Future<List<CarbonStore.Breakdown>>> breakdowns = new LinkedHashMap<>();
            shares.keySet().forEach(row -> breakdowns.put(row, carbon.breakdown("day", period.startMs(), period.endMs(), row.deviceId())));
            return Future.all(new ArrayList<>(breakdowns.values())).compose(read -> purchases).map(dates -> {
                List<SoftwareCarbonIntensity.Component> components = new ArrayList<>();
                shares.forEach((row, sharedBy) -> {
                    EnergyFootprint totals = breakdowns.get(row).result().stream()
                            .map(CarbonStore.Breakdown::totals).reduce(EnergyFootprint.ZERO, EnergyFootprint::plus);
                    double embodied = DeviceProfile.of(row, dates.get(row.deviceId()), config, zone).embodiedGramsIn(period.start(), period.end(), zone);
                    components.add(new SoftwareCarbonIntensity.Component(row.deviceId(), Units.joulesToKwh(totals.itJoules()),
                            totals.carbonGrams(), embodied, sharedBy));
                });
                return components;
            });
        });
    }

    @Override
    public Future<Optional<Sessions>> sessions(List<SoftwareCarbonIntensity.Component> components, Span period) {
        return store.sessions(period.startMs(), period.endMs()).map(byDevice -> sessions(components, byDevice));
    }

    private static Optional<Sessions> sessions(List<SoftwareCarbonIntensity.Component> components, Map<String, EstateStore.SessionTotals> byDevice) {
        if (byDevice.isEmpty()) {
            return Optional.empty();
        }
        double started = 0;
        double seconds = 0;
        for (SoftwareCarbonIntensity.Component c : components) {
            EstateStore.SessionTotals t = byDevice.get(c.device());
            if (t != null) {
                started += t.sessionsStarted() / c.sharedBy();
                seconds += t.sessionSeconds() / c.sharedBy();
            }
        }
        return Optional.of(new Sessions(started, seconds / 3600));
    }

    /** The service's devices, each with how many services it is part of. */
    private Future<Map<DeviceRow, Integer>> shares(ServiceDefinition service, ServiceCatalog catalog) {
        return store.devices().map(all -> shares(service, catalog, all));
    }

    private static Map<DeviceRow, Integer> shares(ServiceDefinition service, ServiceCatalog catalog, List<DeviceRow> all) {
        Map<String, DeviceRow> byId = all.stream().collect(Collectors.toMap(DeviceRow::deviceId, r -> r));
        Map<String, Integer> servicesOfDevice = new HashMap<>();
        catalog.all().forEach(s -> ServiceDevices.of(s, byId::get, all).forEach(r -> servicesOfDevice.merge(r.deviceId(), 1, Integer::sum)));
        Map<DeviceRow, Integer> shares = new LinkedHashMap<>();
        ServiceDevices.of(service, byId::get, all).forEach(row -> shares.put(row, servicesOfDevice.getOrDefault(row.deviceId(), 1)));
        return shares;
    }
}
