package io.kilowatch.collector.store;

import io.kilowatch.collector.calibration.CalibrationStore;
import io.kilowatch.core.energy.ModelCalibration;
import io.kilowatch.core.energy.UpstreamMeter;
import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** {@link CalibrationStore} over the main store's connection, on its single worker thread. Not thread-safe. */
public final class JdbcCalibrationStore implements CalibrationStore {
    /** Power sources that measure rather than model (ReportValidator.POWER_SOURCES less {@code model}). */
    private static final String MEASURED = "s.power_source <> 'model'";

    private final Database store;

    public JdbcCalibrationStore(Database store) {
        this.store = store;
    }

    @Override
    public Future<Map<String, ClassSums>> measuredSums(long fromMs, long toMs) {
        return store.run(() -> {
            Map<String, ClassSums> sums = new TreeMap<>();
            store.query("SELECT d.device_class, COUNT(*), SUM(s.cpu_ratio), SUM(s.power_watts), SUM(s.cpu_ratio * s.cpu_ratio), "
                    + "SUM(s.cpu_ratio * s.power_watts), SUM(s.power_watts * s.power_watts), COUNT(DISTINCT s.device_id) "
                    + "FROM samples s JOIN devices d ON d.device_id = s.device_id WHERE s.ts_ms >= ? AND s.ts_ms < ? AND " + MEASURED
                    + " GROUP BY d.device_class",
                    rs -> sums.put(rs.getString(1), new ClassSums(ModelCalibration.GroupSums.of(new ModelCalibration.Sums(rs.getLong(2),
                            rs.getDouble(3), rs.getDouble(4), rs.getDouble(5), rs.getDouble(6), rs.getDouble(7))), rs.getInt(8), 0)), fromMs, toMs);
            store.query("SELECT device_class, COUNT(*), SUM(devices), SUM(devices * devices), SUM(utilisation_sum), "
                    + "SUM(devices * utilisation_sum), SUM(utilisation_sum * utilisation_sum), SUM(watts), SUM(devices * watts), "
                    + "SUM(utilisation_sum * watts), SUM(watts * watts), COUNT(DISTINCT source_id) FROM meter_readings "
                    + "WHERE ts_ms >= ? AND ts_ms < ? GROUP BY device_class", rs -> {
                        ModelCalibration.GroupSums metered = new ModelCalibration.GroupSums(rs.getLong(2), rs.getDouble(3), rs.getDouble(4),
                                rs.getDouble(5), rs.getDouble(6), rs.getDouble(7), rs.getDouble(8), rs.getDouble(9), rs.getDouble(10), rs.getDouble(11));
                        ClassSums own = sums.getOrDefault(rs.getString(1), new ClassSums(ModelCalibration.GroupSums.NONE, 0, 0));
                        return sums.put(rs.getString(1), new ClassSums(own.sums().plus(metered), own.devices(), rs.getInt(12)));
                    }, fromMs, toMs);
            return sums;
        });
    }

    @Override
    public Future<Void> record(List<MeterReading> readings) {
        if (readings.isEmpty()) {
            return Future.succeededFuture();
        }
        return store.run(() -> store.write("keeping meter readings for calibration", () -> {
            for (MeterReading m : readings) {
                store.update("INSERT INTO meter_readings (source_id, ts_ms, device_class, devices, utilisation_sum, watts) VALUES (?, ?, ?, ?, ?, ?) "
                        + "ON CONFLICT (source_id, ts_ms) DO UPDATE SET device_class = excluded.device_class, devices = excluded.devices, "
                        + "utilisation_sum = excluded.utilisation_sum, watts = excluded.watts", m.sourceId(), m.tsMs(), m.reading().deviceClass(),
                        m.reading().devices(), m.reading().utilisationSum(), m.reading().watts());
            }
            return null;
        })).mapEmpty();
    }

    @Override
    public Future<Void> addMeteredEnergy(String meterId, long atMs, List<UpstreamMeter.Increment> increments) {
        if (increments.isEmpty()) {
            return Future.succeededFuture();
        }
        return store.run(() -> store.write("storing " + increments.size() + " metered energy increment(s) of " + meterId, () -> {
            for (UpstreamMeter.Increment i : increments) {
                // A device counts one meter: another's readings count only once the first has been silent a while.
                store.update("INSERT INTO metered_energy (device_id, meter_id, joules, covered_ms, updated_ms) "
                        + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (device_id) DO UPDATE SET "
                        + "joules = CASE WHEN metered_energy.meter_id = excluded.meter_id THEN metered_energy.joules + excluded.joules "
                        + "ELSE excluded.joules END, "
                        + "covered_ms = CASE WHEN metered_energy.meter_id = excluded.meter_id "
                        + "THEN metered_energy.covered_ms + excluded.covered_ms ELSE excluded.covered_ms END, "
                        + "meter_id = excluded.meter_id, updated_ms = excluded.updated_ms "
                        + "WHERE metered_energy.meter_id = excluded.meter_id OR metered_energy.updated_ms < ?",
                        i.deviceId(), meterId, i.joules(), i.coveredMillis(), atMs, atMs - METER_TAKEOVER_MS);
            }
            return null;
        })).mapEmpty();
    }

    @Override
    public Future<Map<String, Accepted>> accepted() {
        return store.run(() -> {
            Map<String, Accepted> models = new LinkedHashMap<>();
        store.query("SELECT device_class, idle_watts, max_watts, previous_idle_watts, previous_max_watts, samples, devices, accepted_ms, "
                + "accepted_by FROM power_model_calibrations ORDER BY device_class", rs -> models.put(rs.getString(1), new Accepted(
                rs.getString(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4), rs.getDouble(5), rs.getLong(6), rs.getInt(7),
                rs.getLong(8), rs.getString(9))));
            return models;
        });
    }

    @Override
    public Future<Void> accept(Accepted m) {
        return store.run(() -> store.write("accepting a calibrated power model", () -> store.update("INSERT INTO power_model_calibrations (device_class, idle_watts, "
                + "max_watts, previous_idle_watts, previous_max_watts, samples, devices, accepted_ms, accepted_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (device_class) DO UPDATE SET idle_watts = excluded.idle_watts, max_watts = excluded.max_watts, "
                + "previous_idle_watts = excluded.previous_idle_watts, previous_max_watts = excluded.previous_max_watts, "
                + "samples = excluded.samples, devices = excluded.devices, accepted_ms = excluded.accepted_ms, accepted_by = excluded.accepted_by",
                m.deviceClass(), m.idleWatts(), m.maxWatts(), m.previousIdleWatts(), m.previousMaxWatts(), m.samples(), m.devices(),
                m.acceptedMs(), m.acceptedBy()))).mapEmpty();
    }

    @Override
    public Future<Boolean> revert(String deviceClass) {
        return store.run(() -> store.write("reverting a calibrated power model",
                () -> store.update("DELETE FROM power_model_calibrations WHERE device_class = ?", deviceClass) > 0));
    }
}
