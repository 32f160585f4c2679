package io.kilowatch.collector.calibration;

import io.kilowatch.collector.estate.DeviceRow;
import io.kilowatch.collector.estate.ReportAccounting;
import io.kilowatch.core.energy.DeviceClass;
import io.kilowatch.core.energy.ModelCalibration;
import io.kilowatch.core.energy.PowerModel;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Measured against modelled, per device class (docs/power-sources.md#measured-against-modelled): the
 * class model's error on the devices whose power is measured, the model fitted to them, before and after
 * side by side; an operator accepts a fit, and from then on modelled reports of that class use it.
 */
public final class PowerModelCalibration {
    /** Raw samples this far back are fitted on (the raw retention is 14 days by default). */
    public static final Duration WINDOW = Duration.ofDays(7);

    /** How the figures are made, for the report. */
    public static final String METHOD = "Measured devices: samples whose power source is rapl, battery or snmp (not model); meters: "
            + "readings of a UPS or PDU inlet that feeds known devices, or of a PDU outlet, less its fed devices that measure themselves, "
            + "beside the modelled devices' utilisation (k devices of the class, utilisations summing to U). Fit: least "
            + "squares of W = idle + u x (max - idle) over both, a meter's reading as W = idle x k + (max - idle) x U. "
            + "Error: bias = (modelled - measured) energy / measured energy, and RMSE in W per reading. "
            + "An accepted model changes modelled reports of its class from then on: each reading moves by the difference "
            + "of the calibrated and class models at its utilisation, and its interval's energy with it; stored figures stay.";

    /**
     * One class: how many of its devices are modelled and measured, its accepted model if any, and, where it can be
     * worked out, the class model's error on the measured devices, the fitted model and its error; or why not.
     */
    public record ClassRow(String deviceClass, long modelledDevices, int measuredDevices, int meters, long measuredSamples,
                           Optional<CalibrationStore.Accepted> accepted, Optional<PowerModel> classModel,
                           Optional<ModelCalibration.Error> before, Optional<ModelCalibration.Fit> fitted,
                           Optional<ModelCalibration.Error> after, Optional<String> note) {
    }

    public record Report(Duration window, Instant generatedAt, List<ClassRow> classes) {
    }

    private final CalibrationStore store;
    private final Supplier<List<DeviceRow>> devices;
    private final ReportAccounting accounting;

    /** @param devices the estate's devices now, in memory */
    public PowerModelCalibration(CalibrationStore store, Supplier<List<DeviceRow>> devices, ReportAccounting accounting) {
        this.store = store;
        this.devices = devices;
        this.accounting = accounting;
    }

    /** Hands the accepted models to ingest (at start, and after each change). */
    public Future<Void> apply() {
        return store.accepted().map(accepted -> {
            Map<String, PowerModel> models = new LinkedHashMap<>();
            accepted.forEach((c, a) -> models.put(c, new PowerModel(a.idleWatts(), a.maxWatts())));
            accounting.useCalibrated(models);
            return null;
        });
    }

    public Future<Report> report(Instant now) {
        return store.measuredSums(now.minus(WINDOW).toEpochMilli(), now.toEpochMilli())
                .compose(measured -> store.accepted().map(accepted -> report(now, measured, accepted)));
    }

    private Report report(Instant now, Map<String, CalibrationStore.ClassSums> measured, Map<String, CalibrationStore.Accepted> accepted) {
        Map<String, Long> modelled = new LinkedHashMap<>();
        devices.get().stream().filter(d -> "model".equals(d.power().source())).forEach(d -> modelled.merge(d.identity().deviceClass(), 1L,
                Long::sum));
        TreeSet<String> classes = new TreeSet<>(measured.keySet());
        classes.addAll(accepted.keySet());
        List<ClassRow> rows = new ArrayList<>();
        for (String c : classes) {
            CalibrationStore.ClassSums sums = measured.get(c);
            Optional<CalibrationStore.Accepted> a = Optional.ofNullable(accepted.get(c));
            long modelledDevices = modelled.getOrDefault(c, 0L);
            int measuredDevices = sums == null ? 0 : sums.devices();
            int meters = sums == null ? 0 : sums.meters();
            long samples = sums == null ? 0 : sums.sums().n();
            Optional<DeviceClass> known = DeviceClass.fromLabel(c);
            if (known.isEmpty()) {
                rows.add(new ClassRow(c, modelledDevices, measuredDevices, meters, samples, a, Optional.empty(), Optional.empty(), Optional.empty(),
                        Optional.empty(), Optional.of("no class model for this label: nothing to calibrate")));
                continue;
            }
            PowerModel classModel = known.get().defaultModel();
            if (sums == null || samples == 0) {
                rows.add(new ClassRow(c, modelledDevices, measuredDevices, meters, samples, a, Optional.of(classModel), Optional.empty(),
                        Optional.empty(), Optional.empty(),
                        Optional.of("no device of this class had its power measured, by itself or by a meter feeding it, in the last "
                                + WINDOW.toDays() + " days")));
                continue;
            }
            Optional<ModelCalibration.Error> before = Optional.of(ModelCalibration.error(classModel, sums.sums()));
            Optional<ModelCalibration.Fit> fit = ModelCalibration.fit(sums.sums());
            rows.add(new ClassRow(c, modelledDevices, measuredDevices, meters, samples, a, Optional.of(classModel), before, fit,
                    fit.map(f -> ModelCalibration.error(f.model(), sums.sums())),
                    fit.isEmpty() ? Optional.of("the measured devices' utilisation never varied: no line can be fitted") : Optional.empty()));
        }
        return new Report(WINDOW, now, rows);
    }

    /**
     * Fits the class now and keeps the result as its model; empty (nothing changed) when it cannot be fitted.
     *
     * @param by who accepted it, for the record
     */
    public Future<Optional<CalibrationStore.Accepted>> accept(String deviceClass, String by, Instant now) {
        Optional<DeviceClass> known = DeviceClass.fromLabel(deviceClass);
        return store.measuredSums(now.minus(WINDOW).toEpochMilli(), now.toEpochMilli()).compose(measured -> {
            CalibrationStore.ClassSums sums = measured.get(deviceClass);
            Optional<ModelCalibration.Fit> fit = known.isEmpty() || sums == null ? Optional.empty() : ModelCalibration.fit(sums.sums());
            if (fit.isEmpty()) {
                return Future.succeededFuture(Optional.empty());
            }
            PowerModel previous = known.get().defaultModel();
            CalibrationStore.Accepted accepted = new CalibrationStore.Accepted(deviceClass, fit.get().model().idleWatts(),
                    fit.get().model().maxWatts(), previous.idleWatts(), previous.maxWatts(), sums.sums().n(), sums.devices(), now.toEpochMilli(), by);
            return store.accept(accepted).compose(v -> apply()).map(v -> Optional.of(accepted));
        });
    }

    public Future<Boolean> revert(String deviceClass) {
        return store.revert(deviceClass).compose(reverted -> apply().map(v -> reverted));
    }
}
