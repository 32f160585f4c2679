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

    @Test
    void aUpsFeedingThreeServersGivesTheirModelFromTheTotalsAlone() {
        // Three servers of the true model behind one UPS; each poll sees only the output total. Utilisations
        // (0.1, 0.2, 0.3), (0.5, 0.5, 0.6), (0.9, 1.0, 0.8): U = 0.6, 1.6, 2.7, totals 3 x 40 + 110 U = 186, 296, 417 W.
        List<ModelCalibration.GroupSample> polls = List.of(new ModelCalibration.GroupSample(3, 0.6, 186),
                new ModelCalibration.GroupSample(3, 1.6, 296), new ModelCalibration.GroupSample(3, 2.7, 417));
        ModelCalibration.GroupSums sums = ModelCalibration.GroupSums.ofGroups(polls);
        ModelCalibration.Fit fit = ModelCalibration.fit(sums).orElseThrow();
        assertEquals(40, fit.model().idleWatts(), 1e-9);
        assertEquals(150, fit.model().maxWatts(), 1e-9);
        assertEquals(1.0, fit.rSquared(), 1e-12);
        // The desktop model (25..90 W) predicts 9 server-polls x 25 + 65 x 4.9 = 543.5 W of the 899 W measured: bias -355.5 / 899.
        assertEquals(-355.5 / 899, ModelCalibration.error(DeviceClass.DESKTOP.defaultModel(), sums).biasRatio(), 1e-12);
        assertEquals(0, ModelCalibration.error(fit.model(), sums).rmseWatts(), 1e-6);
    }

    @Test
    void anUnmeteredLoadOnTheUpsRaisesIdleByItsShareUnlessTheGroupChanges() {
        // A 30 W switch on the same UPS that Kilowatch does not know: with the same three servers in every poll the
        // fit cannot tell it from idle, and puts 30 / 3 = 10 W on each server's idle (max 160 W): documented.
        List<ModelCalibration.GroupSample> polls = List.of(new ModelCalibration.GroupSample(3, 0.6, 216),
                new ModelCalibration.GroupSample(3, 1.6, 326), new ModelCalibration.GroupSample(3, 2.7, 447));
        PowerModel biased = ModelCalibration.fit(ModelCalibration.GroupSums.ofGroups(polls)).orElseThrow().model();
        assertEquals(50, biased.idleWatts(), 1e-9);
        assertEquals(160, biased.maxWatts(), 1e-9);
        // Single devices measured alone (an outlet each) in the same fit pull it back toward the truth: pooled, the
        // readings (k, U, W) weigh by k, so 11 exact single-device samples at u 0..1 and the three biased polls give
        // a line between the two.
        ModelCalibration.Sums alone = ModelCalibration.Sums.of(java.util.stream.IntStream.rangeClosed(0, 10)
                .mapToObj(i -> new ModelCalibration.Sample(i / 10.0, TRUE_MODEL.watts(i / 10.0))).toList());
        PowerModel pooled = ModelCalibration.fit(ModelCalibration.GroupSums.of(alone).plus(ModelCalibration.GroupSums.ofGroups(polls)))
                .orElseThrow().model();
        assertTrue(pooled.idleWatts() > 40 && pooled.idleWatts() < 50, "pooled " + pooled);
    }

    @Test
    void noisyGroupsOfChangingSizeRecoverTheTrueModel() {
        // 1000 polls of a UPS feeding two to four servers (one sometimes off), each server's utilisation uniform
        // 0..1 and the meter's noise 8 W.
        Random random = new Random(1628);
        List<ModelCalibration.GroupSample> polls = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            int k = 2 + random.nextInt(3);
            double u = 0;
            for (int d = 0; d < k; d++) {
                u += random.nextDouble();
            }
            polls.add(new ModelCalibration.GroupSample(k, u, k * TRUE_MODEL.idleWatts() + (TRUE_MODEL.maxWatts() - TRUE_MODEL.idleWatts()) * u
                    + random.nextGaussian() * 8));
        }
        PowerModel fitted = ModelCalibration.fit(ModelCalibration.GroupSums.ofGroups(polls)).orElseThrow().model();
        assertEquals(40, fitted.idleWatts(), 1.5);
        assertEquals(150, fitted.maxWatts(), 1.5);
    }

    @Test
    void aGroupWhoseUtilisationNeverMovesCannotBeFitted() {
        assertTrue(ModelCalibration.fit(ModelCalibration.GroupSums.ofGroups(List.of(new ModelCalibration.GroupSample(2, 1.0, 200),
                new ModelCalibration.GroupSample(2, 1.0, 210)))).isEmpty());
        // Utilisation proportional to the group's size (k 2, U 1; k 4, U 2) is no better: idle and slope are confounded.
        assertTrue(ModelCalibration.fit(ModelCalibration.GroupSums.ofGroups(List.of(new ModelCalibration.GroupSample(2, 1.0, 200),
                new ModelCalibration.GroupSample(4, 2.0, 400)))).isEmpty());
    }
}
