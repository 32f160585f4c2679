package io.kilowatch.collector.calibration;

import io.kilowatch.collector.http.ApiModule;
import io.kilowatch.collector.http.Responses;
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
    /** Said when the store fails, rather than its own message (which may be null, or name tables). */
    private static final String STORE_FAILED = "the store could not be reached; try again";

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
        router.get(BASE).handler(require.apply(Role.VIEWER)).handler(ctx -> Responses.answerFromStore(ctx, storeWorker, () -> calibration.report(clock.instant())));
        router.post(BASE + "/:class/accept").handler(require.apply(Role.ADMIN)).handler(this::accept);
        router.delete(BASE + "/:class/accept").handler(require.apply(Role.ADMIN)).handler(this::revert);
    }

    private void accept(RoutingContext ctx) {
        String deviceClass = ctx.pathParam("class");
        String by = String.valueOf((Object) ctx.get(PRINCIPAL));
        Responses.onStore(ctx, storeWorker, () -> calibration.accept(deviceClass, by, clock.instant()), STORE_FAILED).onSuccess(accepted -> {
            if (accepted.isEmpty()) {
                Responses.error(ctx, 409, List.of("class " + deviceClass + " has no model that can be fitted: it needs a known class and devices "
                        + "whose power was measured (rapl, battery or snmp) at varying utilisation in the last "
                        + PowerModelCalibration.WINDOW.toDays() + " days; nothing was changed"));
                return;
            }
            Responses.json(ctx, 200, PowerModelCalibration.acceptedJson(accepted.get()));
        });
    }

    private void revert(RoutingContext ctx) {
        String deviceClass = ctx.pathParam("class");
        Responses.onStore(ctx, storeWorker, () -> calibration.revert(deviceClass), STORE_FAILED).onSuccess(reverted -> {
            if (reverted) {
                ctx.response().setStatusCode(204).end();
            } else {
                Responses.error(ctx, 404, List.of("class " + deviceClass + " has no accepted calibrated model"));
            }
        });
    }
}
