package io.kilowatch.collector.agents;

import io.kilowatch.collector.estate.DeviceRow;
import io.kilowatch.collector.estate.Estate;
import io.kilowatch.collector.http.ApiModule;
import io.kilowatch.collector.http.Responses;
import io.kilowatch.collector.security.Role;
import io.kilowatch.core.agentsettings.CentralSettings;
import io.kilowatch.core.config.ConfigException;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.List;
import java.util.function.Function;

/**
 * {@code GET /api/v1/agent-settings} (the rules as loaded), {@code POST /api/v1/agent-settings/reload} (admin)
 * and {@code GET /api/v1/devices/{id}/settings} (a device's effective settings and where each came from). docs/api.md.
 */
public final class AgentSettingsApi implements ApiModule {
    private final AgentSettingsService service;
    private final Estate estate;

    public AgentSettingsApi(AgentSettingsService service, Estate estate) {
        this.service = service;
        this.estate = estate;
    }

    @Override
    public void mount(Router router, Function<Role, Handler<RoutingContext>> require) {
        router.get("/api/v1/agent-settings").handler(require.apply(Role.VIEWER)).handler(this::list);
        router.post("/api/v1/agent-settings/reload").handler(require.apply(Role.ADMIN)).handler(this::reload);
        router.get("/api/v1/devices/:id/settings").handler(this::device);
    }

    private void list(RoutingContext ctx) {
        JsonArray rules = new JsonArray();
        service.rules().rules().forEach(r -> {
            JsonObject match = new JsonObject();
            r.match().forEach((k, v) -> match.put(k, new JsonArray(v.stream().sorted().toList())));
            JsonObject rule = new JsonObject().put("name", r.name()).put("match", match)
                    .put("report_interval_seconds", r.reportInterval().map(d -> d.toMillis() / 1000.0).orElse(null))
                    .put("labels", new JsonObject(new HashMap<>(r.labels())))
                    .put("idle_watts", r.idleWatts().isPresent() ? r.idleWatts().getAsDouble() : null)
                    .put("max_watts", r.maxWatts().isPresent() ? r.maxWatts().getAsDouble() : null);
            rules.add(rule);
        });
        Responses.json(ctx, 200, new JsonObject().put("rules", rules)
                .put("file", service.file().map(Object::toString).orElse(null))
                .put("loaded_at", service.lastLoaded() == null ? null : service.lastLoaded().toString())
                .put("last_reload_error", service.lastError().orElse(null)));
    }

    private void reload(RoutingContext ctx) {
        service.reload("api").onComplete(r -> {
            if (r.succeeded()) {
                Responses.json(ctx, 200, new JsonObject().put("status", "reloaded").put("rules", r.result().rules().size()));
            } else if (r.cause() instanceof ConfigException e) {
                Responses.error(ctx, 400, List.of(e.getMessage(), "the rules already loaded stay"));
            } else {
                Responses.error(ctx, 500, List.of("reload failed: " + r.cause().getMessage()));
            }
        });
    }

    private void device(RoutingContext ctx) {
        DeviceRow row = estate.row(ctx.pathParam("id"));
        if (row == null) {
            Responses.error(ctx, 404, List.of("no device '" + ctx.pathParam("id") + "'"));
            return;
        }
        Responses.json(ctx, 200, json(service.explain(row)));
    }

    /** The settings for the answer to a device's batch (see {@link AgentSettingsService#answerFor}), as they go to its agent; null for none. */
    public JsonObject answerFor(String deviceId, String localKeysHeader) {
        CentralSettings settings = service.answerFor(deviceId, localKeysHeader);
        return settings == null ? null : wire(settings);
    }

    /** The settings as they go to the agent with the answer to its reports. */
    public static JsonObject wire(CentralSettings s) {
        JsonObject json = new JsonObject();
        s.reportInterval().ifPresent(d -> json.put("report_interval_seconds", d.toMillis() / 1000.0));
        if (!s.labels().isEmpty()) {
            json.put("labels", new JsonObject(new HashMap<>(s.labels())));
        }
        JsonObject model = new JsonObject();
        s.idleWatts().ifPresent(w -> model.put("idle_watts", w));
        s.maxWatts().ifPresent(w -> model.put("max_watts", w));
        if (!model.isEmpty()) {
            json.put("power_model", model);
        }
        if (!s.sources().isEmpty()) {
            json.put("sources", new JsonObject(new HashMap<>(s.sources())));
        }
        return json;
    }

    public static JsonObject json(SettingsExplanation explanation) {
        JsonObject settings = new JsonObject();
        for (CentralSettings.Provenance p : explanation.settings()) {
            settings.put(p.key(), new JsonObject().put("value", p.value()).put("source", p.source()).put("rule", p.rule()).put("applied", p.applied()));
        }
        return new JsonObject().put("device_id", explanation.deviceId()).put("settings", settings)
                .put("local_keys_known", explanation.localKeysKnown());
    }
}
