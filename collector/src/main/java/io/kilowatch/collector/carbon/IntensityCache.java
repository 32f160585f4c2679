package io.kilowatch.collector.carbon;

import io.kilowatch.core.carbon.IntensitySeries;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The half-hourly intensity known to this collector, by region key, for ingest to read without going to
 * the store. Replaced whole on change, so readers on any thread see one consistent copy.
 */
public final class IntensityCache implements Function<String, IntensitySeries> {
    private volatile Map<String, IntensitySeries> byRegion = Map.of();

    /** A region's series; empty where nothing was imported. */
    @Override
    public IntensitySeries apply(String region) {
        return byRegion.getOrDefault(region, IntensitySeries.empty());
    }

    public void replaceAll(Map<String, IntensitySeries> series) {
        byRegion = Map.copyOf(series);
    }

    public void replace(String region, IntensitySeries series) {
        Map<String, IntensitySeries> copy = new HashMap<>(byRegion);
        copy.put(region, series);
        byRegion = Map.copyOf(copy);
    }
}
