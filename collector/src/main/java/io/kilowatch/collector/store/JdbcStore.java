package io.kilowatch.collector.store;

import io.kilowatch.collector.estate.EstateStore;

import io.kilowatch.collector.estate.DeviceRow;
import io.kilowatch.collector.estate.IngestPlan;
import io.kilowatch.collector.estate.MeteredEnergy;
import io.kilowatch.collector.estate.RollupIncrement;
import io.kilowatch.collector.estate.SampleRow;
import io.kilowatch.collector.estate.SessionIncrement;
import io.kilowatch.core.availability.Availability;
import io.kilowatch.core.availability.UptimeSpan;
import io.kilowatch.core.carbon.EnergyFootprint;
import io.vertx.core.Future;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Devices, samples, uptime, rollups and agent credentials in the {@link Database}, with portable SQL. Not thread-safe:
 * used from the single writer, but for the embedded store's ingest, which its {@link IngestJournal} runs on a thread of
 * its own.
 */
public final class JdbcStore implements EstateStore {
    private static final String DEVICE_COLUMNS = "device_id, hostname, os, org, site, department, device_class, "
            + "first_seen_ms, last_seen_ms, received_ms, last_sequence, interval_ms, boot_time_ms, power_watts, power_source, "
            + "cpu_ratio, memory_used_bytes, memory_total_bytes, sessions, counter_start_ms, counter_joules, "
            + "energy_joules_total, carbon_grams_total, agent_version, agent_cpu_ratio, agent_rss_bytes, "
            + "agent_backlog_reports, agent_dropped_reports_total, inventory_json, inventory_updated_ms, stopped_ms";
    private static final String UPSERT_DEVICE = upsertDeviceSql();
    /**
     * The device columns a known device's report changes in its steady state; the others change now and then (labels, the
     * agent's version, inventory, power source). A report that changes only these writes only these (bench/ingest-wrk.sh:
     * the writer's time per report fell by a tenth): sqlite-jdbc binds each parameter through a synchronised JNI call, as
     * costly as SQLite's own work for it, and the whole row's upsert had been a fifth of that time.
     */
    static final List<String> MEASURE_COLUMNS = List.of("last_seen_ms", "received_ms", "last_sequence", "boot_time_ms", "power_watts",
            "cpu_ratio", "memory_used_bytes", "sessions", "counter_joules", "energy_joules_total", "carbon_grams_total", "agent_cpu_ratio",
            "agent_rss_bytes", "agent_backlog_reports", "agent_dropped_reports_total");
    private static final String UPDATE_DEVICE_MEASURES = "UPDATE devices SET "
            + MEASURE_COLUMNS.stream().map(c -> c + " = ?").collect(java.util.stream.Collectors.joining(", ")) + " WHERE device_id = ?";
    static final String SELECT_DEVICE = "SELECT " + DEVICE_COLUMNS + " FROM devices WHERE device_id = ?";
    static final String SELECT_SAMPLE_TIME = "SELECT ts_ms FROM samples WHERE device_id = ? AND sequence = ?";

    /** Devices read per writer task when many are read: a few milliseconds' work. */
    private static final int DEVICE_PAGE = 500;

    private final Database db;
    /**
     * Devices' rows as this store last wrote or read them, while no other connection writes (the embedded store): the
     * same objects the live view holds, so they cost no memory of their own. Only the writer touches it.
     */
    private final Map<String, DeviceRow> storedRows = new HashMap<>();
    /** How reports are acknowledged on the embedded store (then ingest never touches {@link #storedRows}); null on PostgreSQL. */
    private final IngestJournal journal;

    public JdbcStore(Database db) {
        this(db, IngestJournal.Limits.DEFAULT);
    }

    JdbcStore(Database db, IngestJournal.Limits journalLimits) {
        this.db = db;
        this.journal = db.dialect() == Dialect.SQLITE ? new IngestJournal(db, this::write, journalLimits) : null;
        if (journal != null) {
            db.beforeOtherWork(journal::apply);
        }
    }

    /** The embedded store in {@code dataDir}, for commands and tests that need nothing else. */
    public static JdbcStore sqlite(Path dataDir) {
        return new JdbcStore(Database.sqlite(dataDir));
    }

    public Database database() {
        return db;
    }

    /** Writes the acknowledged reports not yet in the tables, then closes the store. */
    @Override
    public void close() {
        try {
            if (journal != null) {
                journal.apply();
            }
        } finally {
            db.close();
        }
    }

    @Override
    public int unwrittenReports() {
        return journal == null ? 0 : journal.unappliedReports();
    }

    /** Where planning a report looks up what is stored. */
    interface Lookups {
        DeviceRow device(String deviceId) throws SQLException;

        Optional<Long> sampleTime(String deviceId, long sequence) throws SQLException;

        MeteredEnergy metered(String deviceId) throws SQLException;
    }

    @Override
    public Future<List<IngestOutcome>> ingest(List<Pending> reports) {
        if (journal != null) {
            return db.runIngesting(() -> journal.ingest(reports));
        }
        return db.runWriting(() -> {
        Map<String, DeviceRow> written = new HashMap<>();
        List<ReportWrites> group = new ArrayList<>(reports.size());
        try {
            db.coverSamples(reports.stream().mapToLong(Pending::timestampMs));
            List<IngestOutcome> stored = db.inTransaction(() -> {
                // inside the transaction: on SQLite the check opens its snapshot, so no commit can slip in after it unseen
                if (db.othersMayHaveWritten()) {
                    storedRows.clear();
                }
                Lookups lookups = new StoreLookups();
                List<IngestOutcome> outcomes = new ArrayList<>(reports.size());
                Set<String> changed = new LinkedHashSet<>();
                for (Pending report : reports) {
                    IngestOutcome outcome = plan(report, lookups, written, group);
                    outcomes.add(outcome);
                    if (!outcome.duplicate() && outcome.rejection() == null) {
                        changed.add(report.deviceId());
                    }
                }
                for (ReportWrites w : group) {
                    write(w);
                }
                db.publishChanges(changed);
                return outcomes;
            });
            storedRows.putAll(written);
            return stored;
        } catch (SQLException | RuntimeException e) {
            // whether the commit took is not known: read the rows again
            storedRows.clear();
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new StoreException("storing " + reports.size() + " report(s) failed; nothing was stored", e);
        }
        });
    }

    /**
     * Plans a report on the device's row (the one this group wrote, else the stored one): the outcome, and what it writes
     * added to the group's. Samples and metered energy are looked up in the group first too.
     */
    static IngestOutcome plan(Pending r, Lookups stored, Map<String, DeviceRow> written, List<ReportWrites> group) throws SQLException {
        DeviceRow previous = written.get(r.deviceId());
        if (previous == null) {
            previous = stored.device(r.deviceId());
        }
        // A look-up, not INSERT ... ON CONFLICT: PostgreSQL's samples are partitioned by time, so (device, sequence)
        // cannot be a unique key there. Not needed for a report past the device's newest stored one, which no stored
        // sample has (the device row takes each newest sequence with its sample): most reports.
        boolean pastNewest = previous != null && r.sequence() > previous.reporting().lastSequence();
        Optional<Long> storedAt = pastNewest ? Optional.empty() : sampleTime(r, stored, group);
        if (storedAt.isPresent()) {
            return new IngestOutcome(true, storedAt.get() != r.timestampMs(), previous == null ? r.sequence() : previous.reporting().lastSequence(),
                    null);
        }
        MeteredEnergy metered = stored.metered(r.deviceId());
        for (ReportWrites w : group) {
            if (w.deviceId().equals(r.deviceId()) && !w.meteredUsed().equals(MeteredEnergy.NONE)) {
                metered = MeteredEnergy.NONE; // the group's newer report of the device used (or dropped) it
            }
        }
        IngestPlan plan = r.planner().apply(previous, metered);
        if (plan.rejection() != null) {
            return new IngestOutcome(false, false, previous == null ? 0 : previous.reporting().lastSequence(), plan.rejection());
        }
        if (plan.newest()) {
            written.put(r.deviceId(), plan.device());
        }
        // metered energy is used up (or, for a report that could not use it, dropped) by the device's newest report only
        group.add(new ReportWrites(r.deviceId(), r.bootTimeMs(), r.timestampMs(), plan.sample(), plan.newest() ? plan.device() : null,
                plan.newest() && previous != null && onlyMeasuresDiffer(previous, plan.device()),
                plan.newest() ? metered : MeteredEnergy.NONE, plan.offPeriods(), plan.rollups(), plan.sessions()));
        return new IngestOutcome(false, false, plan.device().reporting().lastSequence(), null);
    }

    private static Optional<Long> sampleTime(Pending r, Lookups stored, List<ReportWrites> group) throws SQLException {
        for (ReportWrites w : group) {
            if (w.sample().sequence() == r.sequence() && w.deviceId().equals(r.deviceId())) {
                return Optional.of(w.sample().timestampMs());
            }
        }
        return stored.sampleTime(r.deviceId(), r.sequence());
    }

    /** When the stored report of this device and sequence was made, by {@link #SELECT_SAMPLE_TIME} prepared on some connection. */
    static Optional<Long> sampleTime(PreparedStatement selectSampleTime, String deviceId, long sequence) throws SQLException {
        selectSampleTime.setString(1, deviceId);
        selectSampleTime.setLong(2, sequence);
        try (ResultSet rs = selectSampleTime.executeQuery()) {
            return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
        }
    }

    /** Writes a report's rows, in the caller's transaction on the writer. */
    private void write(ReportWrites w) throws SQLException {
        insertSample(w.sample());
        if (w.device() != null && !(w.measuresOnly() && updateMeasures(w.device()))) {
            upsertDevice(w.device());
        }
        if (!w.meteredUsed().equals(MeteredEnergy.NONE)) {
            // less what it read, as a meter may add more meanwhile
            PreparedStatement ps = db.prepared("UPDATE metered_energy SET joules = joules - ?, covered_ms = covered_ms - ? WHERE device_id = ?");
            Database.bind(ps, w.meteredUsed().joules(), w.meteredUsed().coveredMillis(), w.deviceId());
            ps.executeUpdate();
        }
        recordUptime(w.deviceId(), w.bootTimeMs(), w.timestampMs());
        for (UptimeSpan off : w.offPeriods()) {
            PreparedStatement ps = db.prepared("INSERT INTO off_periods (device_id, start_ms, end_ms) VALUES (?, ?, ?) "
                    + "ON CONFLICT (device_id, start_ms) DO UPDATE SET end_ms = excluded.end_ms");
            Database.bind(ps, w.deviceId(), off.start().toEpochMilli(), off.end().toEpochMilli());
            ps.executeUpdate();
        }
        for (RollupIncrement rollup : w.rollups()) {
            addRollup(rollup);
        }
        if (w.sessions() != null) {
            SessionIncrement s = w.sessions();
            PreparedStatement ps = db.prepared("INSERT INTO device_sessions (device_id, day_start_ms, session_seconds, sessions_started) "
                    + "VALUES (?, ?, ?, ?) ON CONFLICT (device_id, day_start_ms) DO UPDATE SET "
                    + "session_seconds = device_sessions.session_seconds + excluded.session_seconds, "
                    + "sessions_started = device_sessions.sessions_started + excluded.sessions_started");
            Database.bind(ps, s.deviceId(), s.dayStartMs(), s.sessionSeconds(), s.sessionsStarted());
            ps.executeUpdate();
        }
    }

    /** What is stored, on the writer's connection: rows known stored first (the store's alone on SQLite), then read. */
    private final class StoreLookups implements Lookups {
        /** Reading a device's row was a third of the writer's time per report (30 columns, each a call into the driver). */
        @Override
        public DeviceRow device(String deviceId) throws SQLException {
            DeviceRow row = storedRows.get(deviceId);
            if (row == null) {
                row = readDevice(deviceId);
                if (row != null) {
                    storedRows.put(deviceId, row);
                }
            }
            return row;
        }

        @Override
        public Optional<Long> sampleTime(String deviceId, long sequence) throws SQLException {
            return JdbcStore.sampleTime(db.prepared(SELECT_SAMPLE_TIME), deviceId, sequence);
        }

        @Override
        public MeteredEnergy metered(String deviceId) throws SQLException {
            return meteredEnergy(deviceId);
        }
    }

    /** What upstream meters measured of the device and no report of it has used yet. */
    private MeteredEnergy meteredEnergy(String deviceId) throws SQLException {
        PreparedStatement ps = db.prepared("SELECT joules, covered_ms FROM metered_energy WHERE device_id = ? AND covered_ms > 0");
        ps.setString(1, deviceId);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? new MeteredEnergy(rs.getDouble(1), rs.getLong(2)) : MeteredEnergy.NONE;
        }
    }

    /** The device's row as the database holds it; null for a device it does not know. */
    private DeviceRow readDevice(String deviceId) throws SQLException {
        PreparedStatement ps = db.prepared(SELECT_DEVICE);
        ps.setString(1, deviceId);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? deviceRow(rs) : null;
        }
    }

    private void insertSample(SampleRow s) throws SQLException {
        PreparedStatement ps = db.prepared("INSERT INTO samples (device_id, sequence, ts_ms, received_ms, "
                + "power_watts, power_source, cpu_ratio, memory_used_bytes, boot_time_ms, counter_joules, energy_joules, carbon_grams) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        Database.bind(ps, s.deviceId(), s.sequence(), s.timestampMs(), s.receivedMs(), s.powerWatts(), s.powerSource(), s.cpuRatio(),
                s.memoryUsedBytes(), s.bootTimeMs(), s.counterJoules(), s.energyJoules(), s.carbonGrams());
        ps.executeUpdate();
    }

    private static String upsertDeviceSql() {
        String[] columns = DEVICE_COLUMNS.split(",\\s*");
        StringBuilder sql = new StringBuilder("INSERT INTO devices (").append(DEVICE_COLUMNS).append(") VALUES (")
                .append("?, ".repeat(columns.length - 1)).append("?) ON CONFLICT (device_id) DO UPDATE SET ");
        for (int i = 1; i < columns.length; i++) {
            sql.append(columns[i]).append(" = excluded.").append(columns[i]).append(i < columns.length - 1 ? ", " : "");
        }
        return sql.toString();
    }

    private void upsertDevice(DeviceRow d) throws SQLException {
        PreparedStatement ps = db.prepared(UPSERT_DEVICE);
        Database.bind(ps, deviceValues(d));
        ps.executeUpdate();
    }

    /** Writes the device's {@link #MEASURE_COLUMNS}; false when it has no row (another process forgot it meanwhile). */
    private boolean updateMeasures(DeviceRow d) throws SQLException {
        Object[] values = deviceValues(d);
        Object[] measures = new Object[MEASURE_POSITIONS.length + 1];
        for (int i = 0; i < MEASURE_POSITIONS.length; i++) {
            measures[i] = values[MEASURE_POSITIONS[i]];
        }
        measures[MEASURE_POSITIONS.length] = d.deviceId();
        PreparedStatement ps = db.prepared(UPDATE_DEVICE_MEASURES);
        Database.bind(ps, measures);
        return ps.executeUpdate() == 1;
    }

    /** Whether the two rows of a device differ in no column but its {@link #MEASURE_COLUMNS}. */
    static boolean onlyMeasuresDiffer(DeviceRow stored, DeviceRow next) {
        Object[] before = deviceValues(stored);
        Object[] after = deviceValues(next);
        for (int i = 0; i < before.length; i++) {
            if (!MEASURED[i] && !java.util.Objects.equals(before[i], after[i])) {
                return false;
            }
        }
        return true;
    }

    /** A device row's values in {@link #DEVICE_COLUMNS}' order. */
    private static Object[] deviceValues(DeviceRow d) {
        return new Object[] {d.deviceId(), d.host().hostname(), d.host().os(), d.identity().org(), d.identity().site(),
                d.identity().department(), d.identity().deviceClass(),
                d.reporting().firstSeenMs(), d.reporting().lastSeenMs(), d.reporting().receivedMs(), d.reporting().lastSequence(),
                        d.reporting().intervalMs(), d.host().bootTimeMs(),
                d.power().watts(), d.power().source(), d.utilisation().cpuRatio(), d.utilisation().memoryUsedBytes(),
                        d.utilisation().memoryTotalBytes(), d.host().sessions(),
                d.power().counterStartMs(), d.power().counterJoules(), d.counted().energyJoulesTotal(), d.counted().carbonGramsTotal(),
                        d.agent().version(),
                d.agent().cpuRatio(), d.agent().rssBytes(), d.agent().backlogReports(), d.agent().droppedReportsTotal(),
                d.inventory().json(), d.inventory().updatedMs(), d.reporting().stoppedMs()};
    }

    /** Grows the span of this boot, or starts one, by the same rule the availability maths uses. */
    private void recordUptime(String deviceId, long bootMs, long timeMs) throws SQLException {
        long jitter = Availability.BOOT_TIME_JITTER.toMillis();
        List<UptimeSpan> candidates = new ArrayList<>();
        PreparedStatement select = db.prepared(
                "SELECT start_ms, end_ms FROM uptime_spans WHERE device_id = ? AND start_ms BETWEEN ? AND ? ORDER BY start_ms");
        Database.bind(select, deviceId, bootMs - jitter, bootMs + jitter);
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                candidates.add(new UptimeSpan(Instant.ofEpochMilli(rs.getLong(1)), Instant.ofEpochMilli(rs.getLong(2))));
            }
        }
        UptimeSpan span = Availability.record(candidates, Instant.ofEpochMilli(bootMs), Instant.ofEpochMilli(timeMs));
        PreparedStatement upsert = db.prepared("INSERT INTO uptime_spans (device_id, start_ms, end_ms) VALUES (?, ?, ?) "
                + "ON CONFLICT (device_id, start_ms) DO UPDATE SET end_ms = excluded.end_ms");
        Database.bind(upsert, deviceId, span.start().toEpochMilli(), span.end().toEpochMilli());
        upsert.executeUpdate();
    }

    private void addRollup(RollupIncrement r) throws SQLException {
        EnergyFootprint f = r.footprint();
        PreparedStatement ps = db.prepared("INSERT INTO rollups (device_id, period, bucket_start_ms, energy_joules, "
                + "carbon_grams, overhead_joules, overhead_carbon_grams, td_carbon_grams, fallback_joules, cost_gbp, first_half_hour_joules, "
                + "measured_joules, modelled_joules) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (device_id, period, bucket_start_ms) DO UPDATE SET "
                + "measured_joules = rollups.measured_joules + excluded.measured_joules, "
                + "modelled_joules = rollups.modelled_joules + excluded.modelled_joules, "
                + "energy_joules = rollups.energy_joules + excluded.energy_joules, carbon_grams = rollups.carbon_grams + excluded.carbon_grams, "
                + "overhead_joules = rollups.overhead_joules + excluded.overhead_joules, "
                + "overhead_carbon_grams = rollups.overhead_carbon_grams + excluded.overhead_carbon_grams, "
                + "td_carbon_grams = rollups.td_carbon_grams + excluded.td_carbon_grams, "
                + "fallback_joules = rollups.fallback_joules + excluded.fallback_joules, cost_gbp = rollups.cost_gbp + excluded.cost_gbp, "
                // NULL (a row from before the split was kept) stays NULL: its energy is taken as even over the hour
                + "first_half_hour_joules = rollups.first_half_hour_joules + excluded.first_half_hour_joules");
        Database.bind(ps, r.deviceId(), r.period(), r.bucketStartMs(), f.itJoules(), f.carbonGrams(), f.overheadJoules(), f.overheadCarbonGrams(),
                f.tdCarbonGrams(), f.fallbackJoules(), f.costGbp(), r.firstHalfHourJoules(), r.measuredJoules(), r.modelledJoules());
        ps.executeUpdate();
    }

    @Override
    public Future<List<DeviceRow>> devices() {
        return inPages(DEVICE_PAGE, after -> db.query("SELECT " + DEVICE_COLUMNS + " FROM devices WHERE device_id > ? ORDER BY device_id LIMIT "
                + DEVICE_PAGE, JdbcStore::deviceRow, after), DeviceRow::deviceId);
    }

    /**
     * Reads every page a page reader gives, by device id ({@code after} is the last id of the page before, '' at first): each
     * page is a task of its own on the writer, so a read of 20,000 devices never holds it for more than a few milliseconds
     * and reports are stored between pages. A page shorter than {@code pageSize} is the last.
     */
    private <T> Future<List<T>> inPages(int pageSize, Function<String, List<T>> page, Function<T, String> idOf) {
        return inPages(pageSize, "", new ArrayList<>(), page, idOf);
    }

    private <T> Future<List<T>> inPages(int pageSize, String after, List<T> into, Function<String, List<T>> page, Function<T, String> idOf) {
        return db.run(() -> page.apply(after)).compose(rows -> {
            into.addAll(rows);
            return rows.size() < pageSize ? Future.succeededFuture(into) : inPages(pageSize, idOf.apply(rows.get(rows.size() - 1)), into, page, idOf);
        });
    }

    @Override
    public Future<Optional<DeviceRow>> device(String deviceId) {
        return db.run(() -> db.query("SELECT " + DEVICE_COLUMNS + " FROM devices WHERE device_id = ?", JdbcStore::deviceRow, deviceId).stream().findFirst());
    }

    @Override
    public Future<Map<String, List<UptimeSpan>>> spansSince(long sinceMs) {
        return db.run(() -> spansSince("uptime_spans", sinceMs));
    }

    @Override
    public Future<Map<String, SessionTotals>> sessions(long fromMs, long toMs) {
        return db.run(() -> {
        Map<String, SessionTotals> totals = new HashMap<>();
        db.query("SELECT device_id, SUM(session_seconds), SUM(sessions_started) FROM device_sessions "
                + "WHERE day_start_ms >= ? AND day_start_ms < ? GROUP BY device_id", rs -> {
            totals.put(rs.getString(1), new SessionTotals(rs.getDouble(2), rs.getDouble(3)));
            return null;
        }, fromMs, toMs);
        return totals;
        });
    }

    @Override
    public Future<Changes> changesSince(long receivedSinceMs, long spansSinceMs) {
        Changes changes = new Changes(new ArrayList<>(), new HashMap<>(), new HashMap<>());
        return inPages(DEVICE_PAGE, after -> {
            List<DeviceRow> rows = db.query("SELECT " + DEVICE_COLUMNS + " FROM devices WHERE received_ms >= ? AND device_id > ? "
                    + "ORDER BY device_id LIMIT " + DEVICE_PAGE, JdbcStore::deviceRow, receivedSinceMs, after);
            addSpans(rows, spansSinceMs, changes);
            return rows;
        }, DeviceRow::deviceId).map(changes);
    }

    @Override
    public Future<Changes> changesOf(Collection<String> deviceIds, long spansSinceMs) {
        Changes changes = new Changes(new ArrayList<>(), new HashMap<>(), new HashMap<>());
        List<String> ids = List.copyOf(new TreeSet<>(deviceIds));
        Future<Void> read = Future.succeededFuture();
        for (int from = 0; from < ids.size(); from += DEVICE_PAGE) {
            List<String> page = ids.subList(from, Math.min(ids.size(), from + DEVICE_PAGE));
            // a task per page, as inPages: the writer stores reports between them
            read = read.compose(v -> db.run(() -> {
                List<DeviceRow> rows = db.query("SELECT " + DEVICE_COLUMNS + " FROM devices WHERE device_id" + in(page.size())
                        + " ORDER BY device_id", JdbcStore::deviceRow, page.toArray());
                addSpans(rows, spansSinceMs, changes);
                return null;
            }));
        }
        return read.map(changes);
    }

    @Override
    public Future<Map<String, Long>> sequencesSince(long receivedSinceMs) {
        record Sequence(String deviceId, long sequence) {
        }
        int page = DEVICE_PAGE * 10; // narrow rows: ten times a page of full rows in the same time
        return inPages(page, after -> db.query("SELECT device_id, last_sequence FROM devices WHERE received_ms >= ? AND device_id > ? "
                + "ORDER BY device_id LIMIT " + page, rs -> new Sequence(rs.getString(1), rs.getLong(2)), receivedSinceMs, after), Sequence::deviceId)
                .map(rows -> rows.stream().collect(java.util.stream.Collectors.toMap(Sequence::deviceId, Sequence::sequence)));
    }

    /** Adds these devices, with their spans that end at or after {@code spansSinceMs}, to the changes. */
    private void addSpans(List<DeviceRow> rows, long spansSinceMs, Changes into) {
        into.devices().addAll(rows);
        if (rows.isEmpty()) {
            return;
        }
        Object[] args = new Object[rows.size() + 1];
        args[0] = spansSinceMs;
        for (int i = 0; i < rows.size(); i++) {
            args[i + 1] = rows.get(i).deviceId();
        }
        readSpans("uptime_spans", " AND device_id" + in(rows.size()), args, into.spans());
        readSpans("off_periods", " AND device_id" + in(rows.size()), args, into.offPeriods());
    }

    /** {@code " IN (?, ...)"} for so many ids: at most a page's, as SQLite takes at most 32,766 parameters and shorter statements plan faster. */
    private static String in(int ids) {
        return " IN (" + "?, ".repeat(ids - 1) + "?)";
    }

    /** @param table uptime_spans or off_periods: both are spans of time by device */
    private Map<String, List<UptimeSpan>> spansSince(String table, long sinceMs) {
        Map<String, List<UptimeSpan>> spans = new HashMap<>();
        readSpans(table, "", new Object[] {sinceMs}, spans);
        return spans;
    }

    private void readSpans(String table, String andWhere, Object[] args, Map<String, List<UptimeSpan>> into) {
        db.query("SELECT device_id, start_ms, end_ms FROM " + table + " WHERE end_ms >= ?" + andWhere + " ORDER BY device_id, start_ms", rs -> {
            into.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                    .add(new UptimeSpan(Instant.ofEpochMilli(rs.getLong(2)), Instant.ofEpochMilli(rs.getLong(3))));
            return null;
        }, args);
    }

    @Override
    public Future<List<SeriesPoint>> deviceSeries(String deviceId, long fromMs, long toMs, long stepMs, boolean fromRaw) {
        return db.run(() -> {
        if (fromRaw) {
            return db.query("SELECT (ts_ms / ?) * ? AS bucket, AVG(power_watts), AVG(cpu_ratio), SUM(energy_joules) FROM samples "
                    + "WHERE device_id = ? AND ts_ms >= ? AND ts_ms < ? GROUP BY bucket ORDER BY bucket",
                    rs -> new SeriesPoint(rs.getLong(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4)),
                    stepMs, stepMs, deviceId, fromMs, toMs);
        }
        return db.query("SELECT (bucket_start_ms / ?) * ? AS bucket, SUM(energy_joules) FROM rollups "
                + "WHERE device_id = ? AND period = 'hour' AND bucket_start_ms >= ? AND bucket_start_ms < ? "
                + "GROUP BY bucket ORDER BY bucket",
                rs -> new SeriesPoint(rs.getLong(1), rs.getDouble(2) / (stepMs / 1000.0), null, rs.getDouble(2)),
                stepMs, stepMs, deviceId, fromMs, toMs);
        });
    }

    @Override
    public Future<List<SeriesPoint>> estateSeries(long fromMs, long toMs, long stepMs, boolean fromRaw) {
        return db.run(() -> {
        if (fromRaw) {
            // Mean power per device per bucket, then summed: a partly filled last bucket still reads right.
            return db.query("SELECT bucket, SUM(watts), AVG(cpu), SUM(joules) FROM (SELECT device_id, (ts_ms / ?) * ? AS bucket, "
                    + "AVG(power_watts) AS watts, AVG(cpu_ratio) AS cpu, SUM(energy_joules) AS joules FROM samples "
                    + "WHERE ts_ms >= ? AND ts_ms < ? GROUP BY device_id, bucket) per_device GROUP BY bucket ORDER BY bucket",
                    rs -> new SeriesPoint(rs.getLong(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4)),
                    stepMs, stepMs, fromMs, toMs);
        }
        return db.query("SELECT (bucket_start_ms / ?) * ? AS bucket, SUM(energy_joules) FROM rollups "
                + "WHERE period = 'hour' AND bucket_start_ms >= ? AND bucket_start_ms < ? GROUP BY bucket ORDER BY bucket",
                rs -> new SeriesPoint(rs.getLong(1), rs.getDouble(2) / (stepMs / 1000.0), null, rs.getDouble(2)),
                stepMs, stepMs, fromMs, toMs);
        });
    }

    @Override
    public Future<EnergyFootprint> totals(String period, long fromMs, long toMs) {
        return db.run(() -> {
        String sums = "COALESCE(SUM(energy_joules), 0), COALESCE(SUM(carbon_grams), 0), COALESCE(SUM(overhead_joules), 0), "
                + "COALESCE(SUM(overhead_carbon_grams), 0), COALESCE(SUM(td_carbon_grams), 0), COALESCE(SUM(fallback_joules), 0), "
                + "COALESCE(SUM(cost_gbp), 0), ";
        Database.RowMapper<EnergyFootprint> totals = rs -> JdbcCarbonStore.rollupFigures(rs, 1);
        EnergyFootprint rollups = db.query("SELECT " + sums + "COALESCE(SUM(measured_joules), 0), COALESCE(SUM(modelled_joules), 0), 0 FROM rollups "
                + "WHERE period = ? AND bucket_start_ms >= ? AND bucket_start_ms < ?", totals, period, fromMs, toMs).get(0);
        // Day totals include imported history, so the overview and the carbon reports agree for any period.
        return !period.equals("day") ? rollups : rollups.plus(db.query("SELECT " + sums + "0, 0, COALESCE(SUM(energy_joules), 0) "
                + "FROM energy_imports WHERE day_start_ms >= ? AND day_start_ms < ?", totals, fromMs, toMs).get(0));
        });
    }

    @Override
    public Future<Integer> prune(long rawBeforeMs, long hourlyBeforeMs, long spansBeforeMs) {
        return db.run(() -> {
        try {
            return db.inTransaction(() -> db.deleteSamplesBefore(rawBeforeMs)
                    + db.update("DELETE FROM rollups WHERE period = 'hour' AND bucket_start_ms < ?", hourlyBeforeMs)
                    + db.update("DELETE FROM uptime_spans WHERE end_ms < ?", spansBeforeMs)
                    + db.update("DELETE FROM off_periods WHERE end_ms < ?", spansBeforeMs)
                    + db.update("DELETE FROM meter_readings WHERE ts_ms < ?", rawBeforeMs));
        } catch (SQLException e) {
            throw new StoreException("pruning old data failed; nothing was deleted", e);
        }
        });
    }

    @Override
    public Future<Boolean> enrol(String deviceId, String credentialSha256, long nowMs) {
        return db.run(() -> {
        try {
            return db.inTransaction(() -> {
                List<String> active = db.query("SELECT credential_sha256 FROM agent_credentials WHERE device_id = ? AND revoked_ms IS NULL",
                        rs -> rs.getString(1), deviceId);
                if (!active.isEmpty()) {
                    return active.get(0).equals(credentialSha256); // the same agent asking again after a lost answer
                }
                db.update("DELETE FROM agent_credentials WHERE device_id = ?", deviceId);
                db.update("INSERT INTO agent_credentials (device_id, credential_sha256, created_ms, revoked_ms) VALUES (?, ?, ?, NULL)",
                        deviceId, credentialSha256, nowMs);
                return true;
            });
        } catch (SQLException e) {
            throw new StoreException("enrolling " + deviceId + " failed; nothing was stored", e);
        }
        });
    }

    @Override
    public Future<Optional<String>> recordEnrolmentToken(String tokenSha256, long nowMs) {
        return db.run(() -> db.write("recording the enrolment token's hash", () -> {
            Optional<String> before = db.query("SELECT token_sha256 FROM enrolment_token WHERE id = 1", rs -> rs.getString(1))
                    .stream().findFirst();
            db.update("INSERT INTO enrolment_token (id, token_sha256, recorded_ms) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                    + "token_sha256 = excluded.token_sha256, recorded_ms = excluded.recorded_ms", tokenSha256, nowMs);
            return before.filter(previous -> !previous.equals(tokenSha256));
        }));
    }

    @Override
    public Future<Optional<String>> deviceForCredential(String credentialSha256) {
        return db.run(() -> {
        return db.query("SELECT device_id FROM agent_credentials WHERE credential_sha256 = ? AND revoked_ms IS NULL",
                rs -> rs.getString(1), credentialSha256).stream().findFirst();
        });
    }

    @Override
    public Future<Boolean> revoke(String deviceId, long nowMs) {
        return db.run(() -> {
        try {
            return db.inTransaction(() -> db.update("UPDATE agent_credentials SET revoked_ms = ? WHERE device_id = ? AND revoked_ms IS NULL",
                    nowMs, deviceId) > 0);
        } catch (SQLException e) {
            throw new StoreException("revoking the credential of " + deviceId + " failed", e);
        }
        });
    }

    /** Each of {@link #DEVICE_COLUMNS}' position in a row read with them. */
    private static final Map<String, Integer> DEVICE_COLUMN = devicePositions();
    /** Where each of {@link #MEASURE_COLUMNS} is in {@link #DEVICE_COLUMNS} (from 0). */
    private static final int[] MEASURE_POSITIONS = MEASURE_COLUMNS.stream().mapToInt(c -> at(c) - 1).toArray();
    /** By position in {@link #DEVICE_COLUMNS} (from 0): whether the column is one of {@link #MEASURE_COLUMNS}. */
    private static final boolean[] MEASURED = measured();

    private static boolean[] measured() {
        boolean[] measured = new boolean[DEVICE_COLUMN.size()];
        for (int position : MEASURE_POSITIONS) {
            measured[position] = true;
        }
        return measured;
    }

    private static Map<String, Integer> devicePositions() {
        List<String> columns = List.of(DEVICE_COLUMNS.split(",\\s*"));
        Map<String, Integer> positions = new HashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            positions.put(columns.get(i), i + 1);
        }
        return Map.copyOf(positions);
    }

    /**
     * By column name, so a column added to {@link #DEVICE_COLUMNS} in any position cannot shift the others; through
     * positions worked out once, as the driver builds a map of a result's column names for each look-up by name, per report.
     */
    static DeviceRow deviceRow(ResultSet rs) throws SQLException {
        return new DeviceRow(rs.getString(at("device_id")),
                new DeviceRow.Identity(rs.getString(at("org")), rs.getString(at("site")), rs.getString(at("department")),
                        rs.getString(at("device_class"))),
                new DeviceRow.Host(rs.getString(at("hostname")), rs.getString(at("os")), rs.getLong(at("boot_time_ms")), nullableInt(rs, "sessions")),
                new DeviceRow.Reporting(rs.getLong(at("first_seen_ms")), rs.getLong(at("last_seen_ms")), rs.getLong(at("received_ms")),
                        rs.getLong(at("last_sequence")), rs.getLong(at("interval_ms")), nullableLong(rs, "stopped_ms")),
                new DeviceRow.Utilisation(rs.getDouble(at("cpu_ratio")), nullableLong(rs, "memory_used_bytes"), nullableLong(rs, "memory_total_bytes")),
                new DeviceRow.Power(rs.getDouble(at("power_watts")), rs.getString(at("power_source")), rs.getLong(at("counter_start_ms")),
                        rs.getDouble(at("counter_joules"))),
                new DeviceRow.Counted(rs.getDouble(at("energy_joules_total")), rs.getDouble(at("carbon_grams_total"))),
                new DeviceRow.AgentSelf(rs.getString(at("agent_version")), nullableDouble(rs, "agent_cpu_ratio"), nullableLong(rs, "agent_rss_bytes"),
                        nullableInt(rs, "agent_backlog_reports"), nullableLong(rs, "agent_dropped_reports_total")),
                new DeviceRow.Inventory(rs.getString(at("inventory_json")), nullableLong(rs, "inventory_updated_ms")));
    }

    private static int at(String column) {
        Integer position = DEVICE_COLUMN.get(column);
        if (position == null) {
            throw new IllegalArgumentException("not one of DEVICE_COLUMNS: " + column);
        }
        return position;
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(at(column));
        return rs.wasNull() ? null : v;
    }

    private static Integer nullableInt(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(at(column));
        return rs.wasNull() ? null : v;
    }

    private static Double nullableDouble(ResultSet rs, String column) throws SQLException {
        double v = rs.getDouble(at(column));
        return rs.wasNull() ? null : v;
    }
}
