package io.kilowatch.collector.carbon;

import io.kilowatch.collector.feature.Maths;
import io.kilowatch.core.carbon.IntensitySeries;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes in half-hourly intensity (from the API, the live fetch, or another process's import) and keeps
 * the cache that ingest reads in step with the store. Stored half-hours and the recomputed rollups they
 * cover are one transaction, run on the store's single writer like every write.
 */
public final class IntensityImports {
    private static final Logger LOG = LoggerFactory.getLogger(IntensityImports.class);
    private final CarbonStore store;
    private final Maths maths;
    private final IntensityCache cache;
    private final RollupRecompute recompute;
    private final Clock clock;
    private final AtomicReference<String> version = new AtomicReference<>("");

    public IntensityImports(CarbonStore store, Maths maths, IntensityCache cache, RollupRecompute recompute, Clock clock) {
        this.store = store;
        this.maths = maths;
        this.cache = cache;
        this.recompute = recompute;
        this.clock = clock;
    }

    /**
     * Parses a file off the event loop (a large file must not hold it up) and stores it; a bad file fails with
     * {@link IntensityFormatException} and changes nothing.
     */
    public Future<CarbonStore.ImportOutcome> importText(String text, IntensityFile.Format format, String region, String source, String origin) {
        return maths.run(() -> IntensityFile.parse(text, format, region, source)).onFailure(e -> {
            if (e instanceof IntensityFormatException) {
                LOG.atWarn().addKeyValue("origin", origin).addKeyValue("problem", e.getMessage()).log("intensity import refused; nothing stored");
            }
        }).compose(points -> store.importIntensity(points, clock.millis(), recompute).compose(outcome -> reload().map(outcome))
                .onSuccess(outcome -> LOG.atInfo().addKeyValue("origin", origin).addKeyValue("regions", points.keySet())
                        .addKeyValue("points", outcome.points()).addKeyValue("stored", outcome.stored())
                        .addKeyValue("recomputed_rollups", outcome.recomputedRollups()).log("grid intensity imported")));
    }

    /** Loads the cache from the store if anything changed there since. */
    public Future<Void> reloadIfChanged() {
        return store.intensityVersion().compose(stored -> stored.equals(version.get()) ? Future.succeededFuture() : reload());
    }

    private Future<Void> reload() {
        Future<String> stored = store.intensityVersion();
        Future<Map<String, IntensitySeries>> series = store.intensity();
        return Future.all(stored, series).map(read -> {
            version.set(stored.result());
            cache.replaceAll(series.result());
            return null;
        });
    }
}
