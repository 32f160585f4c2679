package io.kilowatch.collector.history;

import io.kilowatch.collector.estate.DeviceRow;
import io.kilowatch.collector.feature.Maths;
import io.kilowatch.collector.history.HistoryStore.ImportedDay;
import io.kilowatch.collector.estate.EstateStore;
import io.kilowatch.core.carbon.CarbonPolicy;
import io.kilowatch.core.carbon.IntensitySeries;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Imports historical energy (docs/carbon-reporting.md#importing-history): each row's energy is spread
 * evenly over its period, split into the local days it covers, and charged as ingest would charge it
 * (the site's factors of the year, half-hourly intensity where stored, PUE, T&D, tariff). Imports are
 * not reports: the 35-day back-dating limit on reports does not apply. The file is checked and charged with {@link Maths},
 * off the event loop, and stored in one transaction.
 */
public final class HistoryImport {
    /** What an import stored. */
    public record Outcome(int rows, int days, double energyKwh) {
    }

    private final HistoryStore history;
    private final EstateStore store;
    private final CarbonPolicy carbon;
    private final Function<String, IntensitySeries> intensity;
    private final ZoneId zone;
    private final Maths maths;

    public HistoryImport(HistoryStore history, EstateStore store, CarbonPolicy carbon, Function<String, IntensitySeries> intensity, ZoneId zone,
                         Maths maths) {
        this.maths = maths;
        this.history = history;
        this.store = store;
        this.carbon = carbon;
        this.intensity = intensity;
        this.zone = zone;
    }

    /** Checks the whole file, then stores it in one transaction; a bad file fails with {@link HistoryFormatException} and changes nothing. */
    public Future<Outcome> run(String text, long nowMs) {
        return maths.run(() -> HistoryFile.parse(text, zone)).compose(rows -> store.devices().compose(devices -> maths.run(() -> {
            Map<String, DeviceRow> known = devices.stream().collect(Collectors.toMap(DeviceRow::deviceId, d -> d));
            List<ImportedDay> days = new ArrayList<>();
            for (HistoryFile.Row row : rows) {
                days.addAll(days(row, known));
            }
            return days;
        })).compose(days -> history.replace(days, nowMs).map(conflict -> {
            conflict.ifPresent(HistoryImport::refuse);
            return new Outcome(rows.size(), days.size(), kwh(rows));
        })));
    }

    private static void refuse(HistoryStore.Conflict conflict) {
        throw new HistoryFormatException("line " + conflict.line() + ": overlaps the " + conflict.resolution() + " from "
                + Instant.ofEpochMilli(conflict.rowStartMs()) + " already imported for the same subject; import it at one "
                + "resolution only (a row with the same start and resolution replaces the stored one)");
    }

    private static double kwh(List<HistoryFile.Row> rows) {
        double joules = 0;
        for (HistoryFile.Row row : rows) {
            joules += row.joules();
        }
        return joules / 3_600_000;
    }

    /** @param known the devices Kilowatch knows, by id */
    private List<ImportedDay> days(HistoryFile.Row row, Map<String, DeviceRow> known) {
        Optional<DeviceRow> device = row.scope() == HistoryFile.Scope.DEVICE ? Optional.ofNullable(known.get(row.subject())) : Optional.empty();
        // A device Kilowatch knows keeps its own labels where the file gives none.
        String org = row.org() != null ? row.org() : device.map(deviceRow -> deviceRow.identity().org()).orElse(null);
        String site = row.site() != null ? row.site() : device.map(deviceRow -> deviceRow.identity().site()).orElse(null);
        String deviceClass = row.deviceClass() != null ? row.deviceClass() : device.map(deviceRow -> deviceRow.identity().deviceClass()).orElse(null);
        List<ImportedDay> days = new ArrayList<>();
        double totalNanos = Duration.between(row.start(), row.end()).toNanos();
        Instant cursor = row.start();
        while (cursor.isBefore(row.end())) {
            Instant dayStart = cursor.atZone(zone).toLocalDate().atStartOfDay(zone).toInstant();
            Instant nextDay = cursor.atZone(zone).toLocalDate().plusDays(1).atStartOfDay(zone).toInstant();
            Instant end = nextDay.isBefore(row.end()) ? nextDay : row.end();
            double joules = row.joules() * (Duration.between(cursor, end).toNanos() / totalNanos);
            days.add(new ImportedDay(row.line(), row.scope().label(), row.subject(), row.resolution().label(), row.start().toEpochMilli(),
                    row.end().toEpochMilli(), dayStart.toEpochMilli(), org, site, deviceClass, carbon.footprint(joules, cursor, end, site, intensity)));
            cursor = end;
        }
        return days;
    }
}
