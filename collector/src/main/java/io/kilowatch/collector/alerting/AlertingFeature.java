package io.kilowatch.collector.alerting;

import io.kilowatch.collector.cluster.Duty;
import io.kilowatch.collector.feature.Feature;
import io.kilowatch.collector.feature.FeatureContext;
import io.kilowatch.collector.http.ApiModule;
import io.kilowatch.core.alerting.ConditionSource;
import io.vertx.core.Future;
import java.util.List;
import java.util.function.Supplier;

/** Built-in alerting: conditions from the other features, routed to e-mail, webhooks and Alertmanager, with silences and history. */
public final class AlertingFeature implements Feature {
    private final AlertingConfig config;
    private final AlertStore store;
    private final Supplier<List<ConditionSource>> sources;
    private final Duty duty;
    private AlertingService alerting;
    private List<ApiModule> routes = List.of();

    /**
     * @param sources where conditions come from, asked once the features before this one have started
     * @param duty evaluation and notification run only on the collector holding it
     */
    public AlertingFeature(AlertingConfig config, AlertStore store, Supplier<List<ConditionSource>> sources, Duty duty) {
        this.duty = duty;
        this.config = config;
        this.store = store;
        this.sources = sources;
    }

    @Override
    public String name() {
        return "alerting";
    }

    @Override
    public Future<Void> start(FeatureContext ctx) {
        alerting = new AlertingService(ctx.vertx(), config, store, ctx.registry(), ctx.clock(), sources.get(), duty);
        return alerting.start().onSuccess(v -> routes = List.of(new AlertsApi(alerting, config, ctx.clock())));
    }

    @Override
    public Future<Void> stop() {
        return alerting == null ? Future.succeededFuture() : alerting.stop();
    }

    @Override
    public List<ApiModule> routes() {
        return routes;
    }
}
