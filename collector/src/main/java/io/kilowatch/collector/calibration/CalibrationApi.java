package io.kilowatch.collector.calibration;

import io.kilowatch.collector.http.ApiModule;
import io.kilowatch.collector.http.Responses;
import io.kilowatch.collector.security.Role;
import io.kilowatch.core.energy.ModelCalibration;
import io.kilowatch.core.energy.PowerModel;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
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
    private final Clock clock;

    public CalibrationApi(PowerModelCalibration calibration, Clock clock) {
        this.calibration = calibration;
        this.clock = clock;
    }

    @Override
    public void mount(Router router, Function<Role, Handler<RoutingContext>> require) {
        router.get(BASE).handler(require.apply(Role.VIEWER)).handler(ctx -> Responses.onStore(ctx, calibration.report(clock.instant()), Responses.STORE_UNREADABLE)
                .onSuccess(report -> Responses.json(ctx, 200, json(report))));
        router.post(BASE + "/:class/accept").handler(require.apply(Role.ADMIN)).handler(this::accept);
        router.delete(BASE + "/:class/accept").handler(require.apply(Role.ADMIN)).handler(this::revert);
    }

    private void accept(RoutingContext ctx) {
        String deviceClass = ctx.pathParam("class");
        String by = String.valueOf((Object) ctx.get(PRINCIPAL));
        Responses.onStore(ctx, calibration.accept(deviceClass, by, clock.instant()), STORE_FAILED).onSuccess(accepted -> {
            if (accepted.isEmpty()) {
                Responses.error(ctx, 409, List.of("class " + deviceClass + " has no model that can be fitted: it needs a known class and devices "
                        + "whose power was measured (rapl, battery or snmp), or a UPS or PDU meter feeding them, at varying utilisation in the last "
                        + PowerModelCalibration.WINDOW.toDays() + " days; nothing was changed"));
                return;
            }
            Responses.json(ctx, 200, accepted(accepted.get()));
        });
    }

    private void revert(RoutingContext ctx) {
        String deviceClass = ctx.pathParam("class");
        Responses.onStore(ctx, calibration.revert(deviceClass), STORE_FAILED).onSuccess(reverted -> {
            if (reverted) {
                ctx.response().setStatusCode(204).end();
            } else {
                Responses.error(ctx, 404, List.of("class " + deviceClass + " has no accepted calibrated model"));
            }
        });
    }

    static JsonObject json(PowerModelCalibration.Report report) {
        JsonArray rows = new JsonArray();
        for (PowerModelCalibration.ClassRow c : report.classes()) {
            JsonObject row = new JsonObject().put("class", c.deviceClass()).put("modelled_devices", c.modelledDevices())
                    .put("measured_devices", c.measuredDevices()).put("meters", c.meters()).put("measured_samples", c.measuredSamples())
                    .put("accepted", c.accepted().map(CalibrationApi::accepted).orElse(null));
            c.classModel().ifPresent(m -> row.put("class_model", model(m)));
            c.before().ifPresent(e -> row.put("before", error(e)));
            c.fitted().ifPresent(f -> row.put("fitted_model", model(f.model()).put("r_squared", nullIfNaN(f.rSquared()))));
            c.after().ifPresent(e -> row.put("after", error(e)));
            c.note().ifPresent(n -> row.put("note", n));
            rows.add(row);
        }
        return new JsonObject().put("window_seconds", report.window().toSeconds()).put("generated_at", report.generatedAt().toString())
                .put("classes", rows).put("method", PowerModelCalibration.METHOD);
    }

    /** An accepted model as the API shows it: the model, the one it replaced, and what it was fitted on. */
    static JsonObject accepted(CalibrationStore.Accepted a) {
        return new JsonObject().put("class", a.deviceClass()).put("idle_watts", a.idleWatts()).put("max_watts", a.maxWatts())
                .put("replaced", model(new PowerModel(a.previousIdleWatts(), a.previousMaxWatts())))
                .put("samples", a.samples()).put("devices", a.devices())
                .put("accepted_at", Instant.ofEpochMilli(a.acceptedMs()).toString()).put("accepted_by", a.acceptedBy());
    }

    private static JsonObject model(PowerModel m) {
        return new JsonObject().put("idle_watts", m.idleWatts()).put("max_watts", m.maxWatts());
    }

    private static JsonObject error(ModelCalibration.Error e) {
        return new JsonObject().put("bias_ratio", nullIfNaN(e.biasRatio())).put("rmse_watts", e.rmseWatts());
    }

    private static Double nullIfNaN(double v) {
        return Double.isNaN(v) ? null : v;
    }
}
