package io.kilowatch.collector.calibration;

import io.kilowatch.collector.feature.Feature;
import io.kilowatch.collector.feature.FeatureContext;
import io.kilowatch.collector.http.ApiModule;
import io.vertx.core.Future;
import java.util.List;

/** Power model calibration from metered readings: stored fits applied to modelled devices from the start. */
public final class CalibrationFeature implements Feature {
    private final PowerModelCalibration calibration;
    private List<ApiModule> routes = List.of();

    public CalibrationFeature(PowerModelCalibration calibration) {
        this.calibration = calibration;
    }

    @Override
    public String name() {
        return "calibration";
    }

    @Override
    public Future<Void> start(FeatureContext ctx) {
        return calibration.apply().onSuccess(v -> routes = List.of(new CalibrationApi(calibration, ctx.clock())));
    }

    @Override
    public List<ApiModule> routes() {
        return routes;
    }
}
