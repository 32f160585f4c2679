package io.kilowatch.collector.carbon;

import io.kilowatch.core.carbon.IntensitySeries;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes in half-hourly intensity (from the API, the live fetch, or another process's import) and keeps
 * the cache that ingest reads in step with the store. Stored half-hours and the recomputed rollups they
 * cover are one transaction, run on the store's worker like every write.
 */
public final class IntensityImports {
    private static final Logger LOG = LoggerFactory.getLogger(IntensityImports.class);
    private final CarbonStore store;
    private final WorkerExecutor storeWorker;
    private final IntensityCache cache;
    private final RollupRecompute recompute;
    private final Clock clock;
    private final AtomicReference<String> version = new AtomicReference<>("");

    public IntensityImports(CarbonStore store, WorkerExecutor storeWorker, IntensityCache cache, RollupRecompute recompute, Clock clock) {
        this.store = store;
        this.storeWorker = storeWorker;
        this.cache = cache;
        this.recompute = recompute;
        this.clock = clock;
    }

    /**
     * Parses and stores a file on the store's worker (a large file must not hold up the event loop); a bad
     * file fails with {@link IntensityFormatException} and changes nothing.
     */
    public Future<CarbonStore.ImportOutcome> importText(String text, IntensityFile.Format format, String region, String source, String origin) {
        return storeWorker.executeBlocking(() -> {
            Map<String, List<IntensitySeries.Point>> points;
            try {
                points = IntensityFile.parse(text, format, region, source);
            } catch (IntensityFormatException e) {
                LOG.atWarn().addKeyValue("origin", origin).addKeyValue("problem", e.getMessage()).log("intensity import refused; nothing stored");
                throw e;
            }
            CarbonStore.ImportOutcome outcome = store.importIntensity(points, clock.millis(), recompute);
            reload();
            LOG.atInfo().addKeyValue("origin", origin).addKeyValue("regions", points.keySet()).addKeyValue("points", outcome.points())
                    .addKeyValue("stored", outcome.stored()).addKeyValue("recomputed_rollups", outcome.recomputedRollups())
                    .log("grid intensity imported");
            return outcome;
        }, false);
    }

    /** Loads the cache from the store if anything changed there since (run on the store's worker). */
    public void reloadIfChanged() {
        if (!store.intensityVersion().equals(version.get())) {
            reload();
        }
    }

    private void reload() {
        version.set(store.intensityVersion());
        cache.replaceAll(store.intensity());
    }
}
