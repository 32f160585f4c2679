package io.kilowatch.collector.calibration;

import io.kilowatch.collector.http.ApiModule;
import io.kilowatch.collector.http.HttpApi;
import io.kilowatch.collector.security.Role;
import io.vertx.core.Handler;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.List;
import java.util.function.Function;

/**
 * {@code /api/v1/power-models}: each class's model against its measured devices, and (admin) accepting or
 * reverting a calibrated model (docs/api.md).
 */
public final class CalibrationApi implements ApiModule {
    private static final String BASE = "/api/v1/power-models";

    private final PowerModelCalibration calibration;
    private final WorkerExecutor storeWorker;
    private final Clock clock;

    public CalibrationApi(PowerModelCalibration calibration, WorkerExecutor storeWorker, Clock clock) {
        this.calibration = calibration;
        this.storeWorker = storeWorker;
        this.clock = clock;
    }

    @Override
    public void mount(Router router, Function<Role, Handler<RoutingContext>> require) {
        router.get(BASE).handler(require.apply(Role.VIEWER)).handler(ctx -> storeWorker.executeBlocking(() -> calibration.report(clock.instant()), false)
                .onSuccess(body -> HttpApi.json(ctx, 200, body)).onFailure(e -> HttpApi.error(ctx, 503, List.of("the store could not be read; try again"))));
        router.post(BASE + "/:class/accept").handler(require.apply(Role.ADMIN)).handler(this::accept);
        router.delete(BASE + "/:class/accept").handler(require.apply(Role.ADMIN)).handler(this::revert);
    }

    private void accept(RoutingContext ctx) {
        String deviceClass = ctx.pathParam("class");
        String by = String.valueOf((Object) ctx.get(PRINCIPAL));
        storeWorker.executeBlocking(() -> calibration.accept(deviceClass, by, clock.instant()), false).onSuccess(accepted -> {
            if (accepted.isEmpty()) {
                HttpApi.error(ctx, 409, List.of("class " + deviceClass + " has no model that can be fitted: it needs a known class and devices "
                        + "whose power was measured (rapl, battery or snmp) at varying utilisation in the last "
                        + PowerModelCalibration.WINDOW.toDays() + " days; nothing was changed"));
                return;
            }
            HttpApi.json(ctx, 200, PowerModelCalibration.acceptedJson(accepted.get()));
        }).onFailure(e -> HttpApi.error(ctx, 503, List.of(e.getMessage())));
    }

    private void revert(RoutingContext ctx) {
        String deviceClass = ctx.pathParam("class");
        storeWorker.executeBlocking(() -> calibration.revert(deviceClass), false).onSuccess(reverted -> {
            if (reverted) {
                ctx.response().setStatusCode(204).end();
            } else {
                HttpApi.error(ctx, 404, List.of("class " + deviceClass + " has no accepted calibrated model"));
            }
        }).onFailure(e -> HttpApi.error(ctx, 503, List.of(e.getMessage())));
    }
}
