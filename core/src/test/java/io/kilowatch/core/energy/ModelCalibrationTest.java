package io.kilowatch.core.energy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Synthetic measured devices drawn from a known true model; the fit must find it, and the errors are worked by hand. */
class ModelCalibrationTest {
    private static final PowerModel TRUE_MODEL = new PowerModel(40, 150);

    /** u = 0, 0.1, ..., 1, each measured twice, 3 W above and 3 W below the true model: noise that sums to zero at every u. */
    private static List<ModelCalibration.Sample> symmetric() {
        List<ModelCalibration.Sample> samples = new ArrayList<>();
        for (int i = 0; i <= 10; i++) {
            double u = i / 10.0;
            samples.add(new ModelCalibration.Sample(u, TRUE_MODEL.watts(u) + 3));
            samples.add(new ModelCalibration.Sample(u, TRUE_MODEL.watts(u) - 3));
        }
        return samples;
    }

    @Test
    void fitRecoversTheTrueModelAndErrorsAreAsWorkedByHand() {
        List<ModelCalibration.Sample> samples = symmetric();
        ModelCalibration.Fit fit = ModelCalibration.fit(samples).orElseThrow();
        assertEquals(40, fit.model().idleWatts(), 1e-9);
        assertEquals(150, fit.model().maxWatts(), 1e-9);
        assertEquals(22L, fit.samples());
        // Every residual of the fit is 3 W: RMSE 3 W, bias 0.
        ModelCalibration.Error after = ModelCalibration.error(fit.model(), samples);
        assertEquals(3.0, after.rmseWatts(), 1e-9);
        assertEquals(0.0, after.biasRatio(), 1e-12);
        // The desktop class model (25 W idle, 90 W max) at mean u 0.5 predicts 57.5 W where 95 W was measured:
        // bias (57.5 - 95) / 95 = -0.394736842...
        ModelCalibration.Error before = ModelCalibration.error(DeviceClass.DESKTOP.defaultModel(), samples);
        assertEquals(-37.5 / 95, before.biasRatio(), 1e-12);
        assertTrue(before.rmseWatts() > 30, "before: " + before);
        // r^2: variance explained is 110^2 x var(u) against that plus 9 W^2.
        double varU = 0.1; // mean of u^2 (3.85 / 11 = 0.35) less 0.5^2
        assertEquals(110 * 110 * varU / (110 * 110 * varU + 9), fit.rSquared(), 1e-9);
    }

    @Test
    void noisyDevicesStillGiveTheTrueModelWithinAWatt() {
        // Five devices of the class, 400 readings each, Gaussian noise of 5 W: the estimates' standard error is
        // about 5 / sqrt(2000 x var(u)) ~ 0.4 W.
        Random random = new Random(21031);
        List<ModelCalibration.Sample> samples = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            double u = random.nextDouble();
            samples.add(new ModelCalibration.Sample(u, TRUE_MODEL.watts(u) + random.nextGaussian() * 5));
        }
        PowerModel fitted = ModelCalibration.fit(samples).orElseThrow().model();
        assertEquals(40, fitted.idleWatts(), 1.0);
        assertEquals(150, fitted.maxWatts(), 1.0);
    }

    @Test
    void aModelledReadingMovesByTheDifferenceOfTheModels() {
        // A desktop with one display reports 25 + 0.5 x 65 + 20 = 77.5 W at u 0.5; calibrated 40..150 W gives 95 W there
        // instead of the class's 57.5 W: 77.5 + 37.5 = 115 W, the display kept.
        assertEquals(115, ModelCalibration.recalibratedWatts(77.5, 0.5, DeviceClass.DESKTOP.defaultModel(), TRUE_MODEL), 1e-9);
        assertEquals(0, ModelCalibration.recalibratedWatts(5, 0, new PowerModel(30, 60), new PowerModel(10, 20)), 1e-12);
    }

    @Test
    void keepsTheModelsRulesAndRefusesWhatCannotBeFitted() {
        // Falling with load (a fan curve, a bad meter): a flat line at the mean, 100 W.
        PowerModel flat = ModelCalibration.fit(List.of(new ModelCalibration.Sample(0, 110), new ModelCalibration.Sample(1, 90)))
                .orElseThrow().model();
        assertEquals(new PowerModel(100, 100), flat);
        // A least-squares idle below zero: through the origin, b = sum(u w) / sum(u^2) = (0.5 x 10 + 1 x 100) / 1.25 = 84.
        PowerModel origin = ModelCalibration.fit(List.of(new ModelCalibration.Sample(0.5, 10), new ModelCalibration.Sample(1, 100)))
                .orElseThrow().model();
        assertEquals(0, origin.idleWatts(), 1e-12);
        assertEquals(84, origin.maxWatts(), 1e-9);
        assertTrue(ModelCalibration.fit(List.of(new ModelCalibration.Sample(0.3, 50))).isEmpty());
        assertTrue(ModelCalibration.fit(List.of(new ModelCalibration.Sample(0.3, 50), new ModelCalibration.Sample(0.3, 60))).isEmpty());
    }
}
