package io.kilowatch.collector.history;

import io.kilowatch.collector.http.ApiModule;
import io.kilowatch.collector.http.Responses;
import io.kilowatch.collector.security.Role;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code POST /api/v1/carbon/history}: an admin imports historical energy as CSV (docs/api.md). */
public final class HistoryApi implements ApiModule {
    private static final Logger LOG = LoggerFactory.getLogger(HistoryApi.class);
    /** Ten years of half-hours for a few dozen meters; larger files go through the import command. */
    private static final int MAX_IMPORT_BYTES = 64 * 1024 * 1024;

    private final HistoryImport history;
    private final Clock clock;

    public HistoryApi(HistoryImport history, Clock clock) {
        this.history = history;
        this.clock = clock;
    }

    @Override
    public void mount(Router router, Function<Role, Handler<RoutingContext>> require) {
        router.post("/api/v1/carbon/history").handler(require.apply(Role.ADMIN));
        router.post("/api/v1/carbon/history").handler(BodyHandler.create(false).setBodyLimit(MAX_IMPORT_BYTES)).handler(this::importFile);
    }

    private void importFile(RoutingContext ctx) {
        String text = ctx.body().asString() == null ? "" : ctx.body().asString();
        history.run(text, clock.millis()).onComplete(r -> {
            if (r.succeeded()) {
                LOG.atInfo().addKeyValue("rows", r.result().rows()).addKeyValue("energy_kwh", r.result().energyKwh()).log("energy history imported");
                Responses.json(ctx, 200, new JsonObject().put("rows", r.result().rows()).put("days", r.result().days())
                        .put("energy_kwh", r.result().energyKwh()));
            } else if (r.cause() instanceof HistoryFormatException e) {
                LOG.atWarn().addKeyValue("problem", e.getMessage()).log("energy history import refused; nothing stored");
                Responses.error(ctx, 400, List.of(e.getMessage() + "; nothing was imported"));
            } else {
                LOG.atError().setCause(r.cause()).log("energy history import failed");
                Responses.error(ctx, 500, List.of("the import could not be stored; nothing was changed; see the collector's log"));
            }
        });
    }
}
