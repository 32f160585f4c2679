package io.kilowatch.collector.agents;

import io.kilowatch.collector.estate.Estate;
import io.kilowatch.collector.estate.EstateFeature;
import io.kilowatch.collector.feature.Feature;
import io.kilowatch.collector.feature.FeatureContext;
import io.kilowatch.collector.http.ApiModule;
import io.vertx.core.Future;
import java.util.List;

/** Central agent settings: rules on class, site and organisation, answered with every batch an agent sends. */
public final class AgentSettingsFeature implements Feature {
    private final AgentSettingsConfig config;
    private final Estate estate;
    private final EstateFeature ingest;
    private AgentSettingsService service;
    private List<ApiModule> routes = List.of();

    public AgentSettingsFeature(AgentSettingsConfig config, Estate estate, EstateFeature ingest) {
        this.config = config;
        this.estate = estate;
        this.ingest = ingest;
    }

    @Override
    public String name() {
        return "agent-settings";
    }

    @Override
    public Future<Void> start(FeatureContext ctx) {
        service = new AgentSettingsService(ctx.vertx(), config, estate, ctx.clock());
        return service.start(ctx.timers()).onSuccess(v -> {
            AgentSettingsApi api = new AgentSettingsApi(service, estate);
            ingest.answerWithSettings(api::answerFor);
            routes = List.of(api);
        });
    }

    @Override
    public Future<Void> reload(String trigger) {
        return service.file().isEmpty() ? Future.succeededFuture() : service.reload(trigger).mapEmpty();
    }

    @Override
    public List<ApiModule> routes() {
        return routes;
    }
}
