package io.kilowatch.collector.estate;

import io.kilowatch.core.availability.UptimeSpan;
import io.kilowatch.core.carbon.EnergyFootprint;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Everything the collector keeps. One interface, portable SQL behind it: SQLite embedded by default,
 * PostgreSQL for several collectors sharing one store. Each method does its work on the store's single writer and
 * answers on the caller's context.
 */
public interface EstateStore extends AutoCloseable {

    /**
     * Whether a report was new, and the newest sequence the store holds for its device after it; or why
     * it was refused given the device's history (then nothing of it was stored).
     *
     * @param sequenceTaken for a duplicate: the stored report under this sequence is another one (made at
     *     another time), so the agent lost its numbering, rather than this report being sent twice
     */
    record IngestOutcome(boolean duplicate, boolean sequenceTaken, long lastSequence, String rejection) {
    }

    /** One bucket of a time series: mean power, mean CPU utilisation, and energy used in it. */
    record SeriesPoint(long bucketStartMs, double powerWatts, Double cpuRatio, double energyJoules) {
    }

    /**
     * A report to store.
     *
     * @param planner given the device's current row (null for a new device) and what upstream meters measured of it since
     *     its previous report ({@link MeteredEnergy#NONE} for none), both read inside the store's transaction, returns what the
     *     report changes; the metered energy it was given is used up when the report is the device's newest
     */
    record Pending(String deviceId, long sequence, long bootTimeMs, long timestampMs, BiFunction<DeviceRow, MeteredEnergy, IngestPlan> planner) {
    }

    /**
     * Stores reports in one transaction, in order: each one's sample, device row, uptime span and
     * rollups, or, if anything fails, none of them. A report whose (device, sequence) is already stored
     * changes nothing and says so. One answer per report, in the same order.
     */
    Future<List<IngestOutcome>> ingest(List<Pending> reports);

    /** Reports acknowledged and not yet written into the store's tables (the embedded store's ingest journal); any thread. */
    default int unwrittenReports() {
        return 0;
    }

    /** Every device, read in pages (each a task of its own on the store's writer, so reports are stored between them). */
    Future<List<DeviceRow>> devices();

    Future<Optional<DeviceRow>> device(String deviceId);

    /** Uptime spans that end at or after {@code sinceMs}, by device. */
    Future<Map<String, List<UptimeSpan>>> spansSince(long sinceMs);

    /**
     * What the estate view needs from the store: the devices a report changed at or after {@code receivedSinceMs}
     * (by the clock of the collector that took the report; 0 for every device), with their uptime spans and the periods
     * they were known asleep or off after a clean stop ({@link IngestPlan#offPeriods}) that end at or after
     * {@code spansSinceMs}.
     */
    Future<Changes> changesSince(long receivedSinceMs, long spansSinceMs);

    /** The same as {@link #changesSince} for these devices only: those another collector said it changed. */
    Future<Changes> changesOf(Collection<String> deviceIds, long spansSinceMs);

    /**
     * The newest stored sequence of each device a report changed at or after {@code receivedSinceMs}: what the live view
     * compares with its own to read only the devices it is behind on ({@link #changesOf}), rather than every device that
     * reported.
     */
    Future<Map<String, Long>> sequencesSince(long receivedSinceMs);

    /** Logged-in user sessions of each device, summed over the local days that start in [fromMs, toMs). */
    Future<Map<String, SessionTotals>> sessions(long fromMs, long toMs);

    /** One device's logged-in sessions over some days: user-seconds logged in, and sessions begun. */
    record SessionTotals(double sessionSeconds, double sessionsStarted) {
    }

    /** Devices and their spans, by device id. */
    record Changes(List<DeviceRow> devices, Map<String, List<UptimeSpan>> spans, Map<String, List<UptimeSpan>> offPeriods) {
    }

    /** A device's series from raw samples ({@code fromRaw}) or from hourly rollups. */
    Future<List<SeriesPoint>> deviceSeries(String deviceId, long fromMs, long toMs, long stepMs, boolean fromRaw);

    /** The whole estate's series: power summed over devices per bucket. */
    Future<List<SeriesPoint>> estateSeries(long fromMs, long toMs, long stepMs, boolean fromRaw);

    /**
     * Sum of a period's rollups ({@code hour} or {@code day}) with bucket start in [fromMs, toMs): no off time,
     * well-to-tank or embodied part, and no sources.
     */
    Future<EnergyFootprint> totals(String period, long fromMs, long toMs);

    /** Deletes raw samples and hourly rollups older than their retention; returns rows deleted. */
    Future<Integer> prune(long rawBeforeMs, long hourlyBeforeMs, long spansBeforeMs);

    /**
     * Records a new credential for a device. Refused (false) while the device has another one that is not
     * revoked: enrolling again must not take over a device that is still reporting. The same credential
     * again is accepted and changes nothing.
     */
    Future<Boolean> enrol(String deviceId, String credentialSha256, long nowMs);

    /** The device a credential belongs to, if it exists and is not revoked. */
    Future<Optional<String>> deviceForCredential(String credentialSha256);

    /**
     * Records the SHA-256 of this collector's enrolment token as the estate's; returns the one recorded before when it
     * was another (a collector on the same store with another token, or a rotation).
     */
    Future<Optional<String>> recordEnrolmentToken(String tokenSha256, long nowMs);

    /** Revokes a device's credential; false when it has none that is active. */
    Future<Boolean> revoke(String deviceId, long nowMs);

    @Override
    void close();
}
