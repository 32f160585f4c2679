package io.kilowatch.collector.store;

import io.kilowatch.collector.estate.DeviceRow;
import io.kilowatch.collector.estate.MeteredEnergy;
import io.kilowatch.collector.estate.RollupIncrement;
import io.kilowatch.collector.estate.SampleRow;
import io.kilowatch.collector.estate.SessionIncrement;
import io.kilowatch.core.availability.UptimeSpan;
import java.util.List;

/**
 * What storing one accepted report writes: the rows its plan made, as the ingest journal keeps them until they are
 * written ({@link UnappliedReports}).
 *
 * @param device the device's row after the report, or null when it was not the device's newest (then only its sample,
 *     uptime and increments are written)
 * @param measuresOnly the device's row differs from the stored one only in {@link JdbcStore#MEASURE_COLUMNS}, so only they
 *     are written
 * @param meteredUsed upstream-metered energy the report used up, {@link MeteredEnergy#NONE} for none
 */
record ReportWrites(String deviceId, long bootTimeMs, long timestampMs, SampleRow sample, DeviceRow device, boolean measuresOnly,
                    MeteredEnergy meteredUsed,
                    List<UptimeSpan> offPeriods, List<RollupIncrement> rollups, SessionIncrement sessions) {
}
