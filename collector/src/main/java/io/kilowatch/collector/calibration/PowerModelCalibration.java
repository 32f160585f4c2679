package io.kilowatch.collector.calibration;

import io.kilowatch.collector.estate.DeviceRow;
import io.kilowatch.collector.estate.ReportAccounting;
import io.kilowatch.core.energy.DeviceClass;
import io.kilowatch.core.energy.ModelCalibration;
import io.kilowatch.core.energy.PowerModel;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Measured against modelled, per device class (docs/power-sources.md#measured-against-modelled): the
 * class model's error on the devices whose power is measured, the model fitted to them, before and after
 * side by side; an operator accepts a fit, and from then on modelled reports of that class use it. Every
 * method blocks: run on the store's worker.
 */
public final class PowerModelCalibration {
    /** Raw samples this far back are fitted on (the raw retention is 14 days by default). */
    public static final Duration WINDOW = Duration.ofDays(7);

    private final CalibrationStore store;
    private final Supplier<List<DeviceRow>> devices;
    private final ReportAccounting accounting;

    public PowerModelCalibration(CalibrationStore store, Supplier<List<DeviceRow>> devices, ReportAccounting accounting) {
        this.store = store;
        this.devices = devices;
        this.accounting = accounting;
    }

    /** Hands the accepted models to ingest (at start, and after each change). */
    public void apply() {
        Map<String, PowerModel> models = new LinkedHashMap<>();
        store.accepted().forEach((c, a) -> models.put(c, new PowerModel(a.idleWatts(), a.maxWatts())));
        accounting.useCalibrated(models);
    }

    public JsonObject report(Instant now) {
        Map<String, CalibrationStore.ClassSums> measured = store.measuredSums(now.minus(WINDOW).toEpochMilli(), now.toEpochMilli());
        Map<String, CalibrationStore.Accepted> accepted = store.accepted();
        Map<String, Long> modelled = new LinkedHashMap<>();
        devices.get().stream().filter(d -> "model".equals(d.powerSource())).forEach(d -> modelled.merge(d.deviceClass(), 1L, Long::sum));
        TreeSet<String> classes = new TreeSet<>(measured.keySet());
        classes.addAll(accepted.keySet());
        JsonArray rows = new JsonArray();
        for (String c : classes) {
            Optional<DeviceClass> known = DeviceClass.fromLabel(c);
            CalibrationStore.ClassSums sums = measured.get(c);
            CalibrationStore.Accepted a = accepted.get(c);
            JsonObject row = new JsonObject().put("class", c).put("modelled_devices", modelled.getOrDefault(c, 0L))
                    .put("measured_devices", sums == null ? 0 : sums.devices()).put("measured_samples", sums == null ? 0 : sums.sums().n())
                    .put("accepted", a == null ? null : acceptedJson(a));
            if (known.isEmpty()) {
                rows.add(row.put("note", "no class model for this label: nothing to calibrate"));
                continue;
            }
            PowerModel classModel = known.get().defaultModel();
            row.put("class_model", model(classModel));
            if (sums == null || sums.sums().n() == 0) {
                rows.add(row.put("note", "no device of this class had its power measured in the last " + WINDOW.toDays() + " days"));
                continue;
            }
            row.put("before", error(ModelCalibration.error(classModel, sums.sums())));
            Optional<ModelCalibration.Fit> fit = ModelCalibration.fit(sums.sums());
            if (fit.isEmpty()) {
                rows.add(row.put("note", "the measured devices' utilisation never varied: no line can be fitted"));
                continue;
            }
            rows.add(row.put("fitted_model", model(fit.get().model()).put("r_squared", nullIfNaN(fit.get().rSquared())))
                    .put("after", error(ModelCalibration.error(fit.get().model(), sums.sums()))));
        }
        return new JsonObject().put("window_seconds", WINDOW.toSeconds()).put("generated_at", now.toString()).put("classes", rows)
                .put("method", "Measured devices: samples whose power source is rapl, battery or snmp (not model). Fit: least squares of "
                        + "W = idle + u x (max - idle). Error: bias = (modelled - measured) energy / measured energy, and RMSE in W. "
                        + "An accepted model changes modelled reports of its class from then on: each reading moves by the difference "
                        + "of the calibrated and class models at its utilisation, and its interval's energy with it; stored figures stay.");
    }

    /**
     * Fits the class now and keeps the result as its model; empty (nothing changed) when it cannot be fitted.
     *
     * @param by who accepted it, for the record
     */
    public Optional<CalibrationStore.Accepted> accept(String deviceClass, String by, Instant now) {
        Optional<DeviceClass> known = DeviceClass.fromLabel(deviceClass);
        CalibrationStore.ClassSums sums = store.measuredSums(now.minus(WINDOW).toEpochMilli(), now.toEpochMilli()).get(deviceClass);
        if (known.isEmpty() || sums == null) {
            return Optional.empty();
        }
        Optional<ModelCalibration.Fit> fit = ModelCalibration.fit(sums.sums());
        if (fit.isEmpty()) {
            return Optional.empty();
        }
        PowerModel previous = known.get().defaultModel();
        CalibrationStore.Accepted accepted = new CalibrationStore.Accepted(deviceClass, fit.get().model().idleWatts(),
                fit.get().model().maxWatts(), previous.idleWatts(), previous.maxWatts(), sums.sums().n(), sums.devices(), now.toEpochMilli(), by);
        store.accept(accepted);
        apply();
        return Optional.of(accepted);
    }

    public boolean revert(String deviceClass) {
        boolean reverted = store.revert(deviceClass);
        apply();
        return reverted;
    }

    /** An accepted model as the API shows it: the model, the one it replaced, and what it was fitted on. */
    public static JsonObject acceptedJson(CalibrationStore.Accepted a) {
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
