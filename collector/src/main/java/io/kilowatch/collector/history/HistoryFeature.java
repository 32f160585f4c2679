package io.kilowatch.collector.history;

import io.kilowatch.collector.feature.Feature;
import io.kilowatch.collector.feature.FeatureContext;
import io.kilowatch.collector.http.ApiModule;
import io.vertx.core.Future;
import java.util.List;

/** Imports of energy history from before Kilowatch (meter readings, billing exports), so baselines and targets have a past. */
public final class HistoryFeature implements Feature {
    private final HistoryImport history;
    private List<ApiModule> routes = List.of();

    public HistoryFeature(HistoryImport history) {
        this.history = history;
    }

    @Override
    public String name() {
        return "history";
    }

    @Override
    public Future<Void> start(FeatureContext ctx) {
        routes = List.of(new HistoryApi(history, ctx.clock()));
        return Future.succeededFuture();
    }

    @Override
    public List<ApiModule> routes() {
        return routes;
    }
}
