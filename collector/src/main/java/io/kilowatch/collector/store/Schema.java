package io.kilowatch.collector.store;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The store's tables, as numbered migrations in SQL that SQLite and PostgreSQL both run as written:
 * epoch-millisecond BIGINTs for time, DOUBLE PRECISION for measures, INSERT ... ON CONFLICT for upserts.
 */
final class Schema {
    /**
     * A day rollup's figures, each summed per group-day in {@code carbon_group_days}: the columns migration 15 made (a
     * figure added later needs a migration of its own). Before the migrations, which use it.
     */
    static final List<String> GROUP_DAY_FIGURES = List.of("energy_joules", "carbon_grams", "overhead_joules", "overhead_carbon_grams",
            "td_carbon_grams", "fallback_joules", "cost_gbp", "measured_joules", "modelled_joules");
    static final List<List<String>> MIGRATIONS = List.of(List.of(
            """
            CREATE TABLE devices (
              device_id VARCHAR(128) PRIMARY KEY,
              hostname VARCHAR(255),
              os VARCHAR(255),
              org VARCHAR(64),
              site VARCHAR(64),
              department VARCHAR(64),
              device_class VARCHAR(32) NOT NULL,
              first_seen_ms BIGINT NOT NULL,
              last_seen_ms BIGINT NOT NULL,
              received_ms BIGINT NOT NULL,
              last_sequence BIGINT NOT NULL,
              interval_ms BIGINT NOT NULL,
              boot_time_ms BIGINT NOT NULL,
              power_watts DOUBLE PRECISION NOT NULL,
              power_source VARCHAR(16) NOT NULL,
              cpu_ratio DOUBLE PRECISION NOT NULL,
              memory_used_bytes BIGINT,
              memory_total_bytes BIGINT,
              sessions INTEGER,
              counter_start_ms BIGINT NOT NULL,
              counter_joules DOUBLE PRECISION NOT NULL,
              energy_joules_total DOUBLE PRECISION NOT NULL,
              carbon_grams_total DOUBLE PRECISION NOT NULL,
              agent_version VARCHAR(64),
              agent_cpu_ratio DOUBLE PRECISION,
              agent_rss_bytes BIGINT,
              inventory_json TEXT,
              inventory_updated_ms BIGINT
            )""",
            """
            CREATE TABLE samples (
              device_id VARCHAR(128) NOT NULL,
              sequence BIGINT NOT NULL,
              ts_ms BIGINT NOT NULL,
              received_ms BIGINT NOT NULL,
              power_watts DOUBLE PRECISION NOT NULL,
              power_source VARCHAR(16) NOT NULL,
              cpu_ratio DOUBLE PRECISION NOT NULL,
              memory_used_bytes BIGINT,
              boot_time_ms BIGINT NOT NULL,
              energy_joules DOUBLE PRECISION NOT NULL,
              carbon_grams DOUBLE PRECISION NOT NULL,
              PRIMARY KEY (device_id, sequence)
            )""",
            "CREATE INDEX samples_by_time ON samples (ts_ms)",
            "CREATE INDEX samples_by_device_time ON samples (device_id, ts_ms)",
            """
            CREATE TABLE uptime_spans (
              device_id VARCHAR(128) NOT NULL,
              start_ms BIGINT NOT NULL,
              end_ms BIGINT NOT NULL,
              PRIMARY KEY (device_id, start_ms)
            )""",
            "CREATE INDEX uptime_spans_by_end ON uptime_spans (end_ms)",
            """
            CREATE TABLE rollups (
              device_id VARCHAR(128) NOT NULL,
              period VARCHAR(8) NOT NULL,
              bucket_start_ms BIGINT NOT NULL,
              energy_joules DOUBLE PRECISION NOT NULL,
              carbon_grams DOUBLE PRECISION NOT NULL,
              PRIMARY KEY (device_id, period, bucket_start_ms)
            )""",
            "CREATE INDEX rollups_by_period_bucket ON rollups (period, bucket_start_ms)"),
            List.of(
            "ALTER TABLE devices ADD COLUMN agent_backlog_reports INTEGER",
            "ALTER TABLE devices ADD COLUMN agent_dropped_reports_total BIGINT",
            "ALTER TABLE samples ADD COLUMN counter_joules DOUBLE PRECISION NOT NULL DEFAULT 0"),
            List.of(
            // Only a hash of each credential is kept: a copy of the store does not let anyone report as a device.
            """
            CREATE TABLE agent_credentials (
              device_id VARCHAR(128) PRIMARY KEY,
              credential_sha256 VARCHAR(64) NOT NULL UNIQUE,
              created_ms BIGINT NOT NULL,
              revoked_ms BIGINT
            )"""),
            List.of(
            // Energy and carbon split the way a carbon report needs them. energy_joules stays the devices'
            // own (IT) energy; overhead_joules is what the site spends on top (PUE - 1); carbon_grams is
            // operational generation carbon (scope 2) including the overhead's; overhead_carbon_grams is
            // that overhead's share of it; td_carbon_grams is transmission and distribution losses (scope 3);
            // fallback_joules is energy whose carbon used the annual factor because no half-hourly
            // intensity covered it; cost_gbp is what the energy cost at the tariff, overhead included.
            "ALTER TABLE rollups ADD COLUMN overhead_joules DOUBLE PRECISION NOT NULL DEFAULT 0",
            "ALTER TABLE rollups ADD COLUMN overhead_carbon_grams DOUBLE PRECISION NOT NULL DEFAULT 0",
            "ALTER TABLE rollups ADD COLUMN td_carbon_grams DOUBLE PRECISION NOT NULL DEFAULT 0",
            "ALTER TABLE rollups ADD COLUMN fallback_joules DOUBLE PRECISION NOT NULL DEFAULT 0",
            "ALTER TABLE rollups ADD COLUMN cost_gbp DOUBLE PRECISION NOT NULL DEFAULT 0"),
            List.of(
            // Alert history (issue 5, alerting): one row per alert that fired, its messages, and silences.
            // Labels and matchers are JSON text: they are read back whole, never queried by part.
            """
            CREATE TABLE alerts (
              id VARCHAR(64) PRIMARY KEY,
              fingerprint VARCHAR(16) NOT NULL,
              rule VARCHAR(64) NOT NULL,
              labels_json TEXT NOT NULL,
              severity VARCHAR(8) NOT NULL,
              summary TEXT NOT NULL,
              value_number DOUBLE PRECISION,
              active_since_ms BIGINT NOT NULL,
              firing_since_ms BIGINT NOT NULL,
              last_seen_ms BIGINT NOT NULL,
              resolved_ms BIGINT
            )""",
            "CREATE INDEX alerts_by_firing_since ON alerts (firing_since_ms)",
            "CREATE INDEX alerts_by_resolved ON alerts (resolved_ms)",
            """
            CREATE TABLE alert_notifications (
              alert_id VARCHAR(64) NOT NULL,
              channel VARCHAR(64) NOT NULL,
              sent_ms BIGINT NOT NULL,
              kind VARCHAR(16) NOT NULL,
              outcome VARCHAR(16) NOT NULL,
              detail TEXT
            )""",
            "CREATE INDEX alert_notifications_by_alert ON alert_notifications (alert_id, sent_ms)",
            """
            CREATE TABLE silences (
              id VARCHAR(64) PRIMARY KEY,
              matchers_json TEXT NOT NULL,
              starts_ms BIGINT NOT NULL,
              ends_ms BIGINT NOT NULL,
              created_by VARCHAR(128) NOT NULL,
              comment TEXT NOT NULL,
              created_ms BIGINT NOT NULL
            )""",
            "CREATE INDEX silences_by_end ON silences (ends_ms)"),
            List.of(
            // Half-hourly grid intensity by region (NESO region id, "national", or an imported name). Of an hour
            // rollup, first_half_hour_joules is the IT energy in its first half-hour, so its carbon can be
            // recomputed exactly when intensity arrives after the energy; NULL (older rows): taken as even.
            """
            CREATE TABLE grid_intensity (
              region VARCHAR(64) NOT NULL,
              start_ms BIGINT NOT NULL,
              gco2e_per_kwh DOUBLE PRECISION NOT NULL,
              kind VARCHAR(8) NOT NULL,
              source VARCHAR(200) NOT NULL,
              imported_ms BIGINT NOT NULL,
              PRIMARY KEY (region, start_ms)
            )""",
            "ALTER TABLE rollups ADD COLUMN first_half_hour_joules DOUBLE PRECISION"),
            List.of(
            // Service and component history as state intervals (subject_kind 'service' or 'component'; a
            // component's subject is service/component), kept for SLA reports of any past period.
            """
            CREATE TABLE service_intervals (
              subject_kind VARCHAR(16) NOT NULL,
              subject VARCHAR(255) NOT NULL,
              start_ms BIGINT NOT NULL,
              end_ms BIGINT NOT NULL,
              state VARCHAR(16) NOT NULL,
              PRIMARY KEY (subject_kind, subject, start_ms)
            )""",
            "CREATE INDEX service_intervals_by_end ON service_intervals (subject_kind, subject, end_ms)",
            // components: the components down during the incident, comma-separated (names cannot hold commas)
            """
            CREATE TABLE service_incidents (
              service VARCHAR(128) NOT NULL,
              start_ms BIGINT NOT NULL,
              end_ms BIGINT,
              components TEXT NOT NULL,
              PRIMARY KEY (service, start_ms)
            )"""),
            List.of(
            // Things that happened to a device (SNMP traps, reboots, polls failing), for people and alerting.
            """
            CREATE TABLE device_events (
              event_id VARCHAR(36) PRIMARY KEY,
              device_id VARCHAR(128) NOT NULL,
              time_ms BIGINT NOT NULL,
              kind VARCHAR(32) NOT NULL,
              severity VARCHAR(16) NOT NULL,
              source VARCHAR(16) NOT NULL,
              message VARCHAR(1024) NOT NULL
            )""",
            "CREATE INDEX device_events_by_time ON device_events (time_ms)",
            "CREATE INDEX device_events_by_device_time ON device_events (device_id, time_ms)",
            // Devices SNMP discovery found, pending an operator's acceptance (accepted_ms NULL) or accepted.
            """
            CREATE TABLE snmp_discovered (
              address VARCHAR(64) PRIMARY KEY,
              device_id VARCHAR(128) NOT NULL,
              sys_name VARCHAR(255),
              sys_object_id VARCHAR(255),
              sys_descr VARCHAR(1024),
              first_seen_ms BIGINT NOT NULL,
              last_seen_ms BIGINT NOT NULL,
              accepted_ms BIGINT
            )"""),
            List.of(
            // Carbon reporting: when a device entered service (for embodied amortisation), and how long it was
            // known to be off each local day (kept here because uptime spans are pruned after 30 days).
            """
            CREATE TABLE device_purchases (
              device_id VARCHAR(128) PRIMARY KEY,
              purchase_date VARCHAR(10) NOT NULL,
              updated_ms BIGINT NOT NULL
            )""",
            """
            CREATE TABLE device_off_days (
              device_id VARCHAR(128) NOT NULL,
              day_start_ms BIGINT NOT NULL,
              off_seconds DOUBLE PRECISION NOT NULL,
              PRIMARY KEY (device_id, day_start_ms)
            )""",
            "CREATE INDEX device_off_days_by_day ON device_off_days (day_start_ms)"),
            List.of(
            // Data quality: how much of each rollup's IT energy was measured (RAPL, battery, SNMP) and how much
            // modelled. Rows from before this split have neither; reports call that energy "unknown".
            "ALTER TABLE rollups ADD COLUMN measured_joules DOUBLE PRECISION NOT NULL DEFAULT 0",
            "ALTER TABLE rollups ADD COLUMN modelled_joules DOUBLE PRECISION NOT NULL DEFAULT 0",
            // Imported history (docs/carbon-reporting.md#importing-history): each imported row of a device, site
            // meter or organisation, split into the local days it covers, each with its figures worked out as ingest
            // would. A re-import of the same row replaces it.
            """
            CREATE TABLE energy_imports (
              scope VARCHAR(16) NOT NULL,
              subject VARCHAR(255) NOT NULL,
              resolution VARCHAR(16) NOT NULL,
              row_start_ms BIGINT NOT NULL,
              row_end_ms BIGINT NOT NULL,
              day_start_ms BIGINT NOT NULL,
              org VARCHAR(255),
              site VARCHAR(255),
              device_class VARCHAR(64),
              energy_joules DOUBLE PRECISION NOT NULL,
              carbon_grams DOUBLE PRECISION NOT NULL,
              overhead_joules DOUBLE PRECISION NOT NULL,
              overhead_carbon_grams DOUBLE PRECISION NOT NULL,
              td_carbon_grams DOUBLE PRECISION NOT NULL,
              fallback_joules DOUBLE PRECISION NOT NULL,
              cost_gbp DOUBLE PRECISION NOT NULL,
              imported_ms BIGINT NOT NULL,
              PRIMARY KEY (scope, subject, resolution, row_start_ms, day_start_ms)
            )""",
            "CREATE INDEX energy_imports_by_day ON energy_imports (day_start_ms)"),
            List.of(

            // Calibrated power models an operator accepted, one per device class, with the figures they were accepted on.
            """
            CREATE TABLE power_model_calibrations (
              device_class VARCHAR(32) PRIMARY KEY,
              idle_watts DOUBLE PRECISION NOT NULL,
              max_watts DOUBLE PRECISION NOT NULL,
              previous_idle_watts DOUBLE PRECISION NOT NULL,
              previous_max_watts DOUBLE PRECISION NOT NULL,
              samples BIGINT NOT NULL,
              devices INTEGER NOT NULL,
              accepted_ms BIGINT NOT NULL,
              accepted_by VARCHAR(128) NOT NULL
            )"""),
            List.of(

            // Clean stops and sleeps kept with the devices, so a collector that restarts (or another one) still tells a
            // desktop switched off from one that is down.
            "ALTER TABLE devices ADD COLUMN stopped_ms BIGINT",
            """
            CREATE TABLE off_periods (
              device_id VARCHAR(128) NOT NULL,
              start_ms BIGINT NOT NULL,
              end_ms BIGINT NOT NULL,
              PRIMARY KEY (device_id, start_ms)
            )""",
            "CREATE INDEX off_periods_by_end ON off_periods (end_ms)",
            // The estate view reloads only devices changed since its last reload (other collectors may write them).
            "CREATE INDEX devices_by_received ON devices (received_ms)",
            // Logged-in user sessions by device and local day: the functional unit of services' SCI per session.
            """
            CREATE TABLE device_sessions (
              device_id VARCHAR(128) NOT NULL,
              day_start_ms BIGINT NOT NULL,
              session_seconds DOUBLE PRECISION NOT NULL,
              sessions_started DOUBLE PRECISION NOT NULL,
              PRIMARY KEY (device_id, day_start_ms)
            )"""),
            List.of(
            // Dashboard sessions, so that every collector on one store knows a login made on any of them. Only the SHA-256
            // of the cookie value is kept; expiry is enforced by the queries (expires_ms > now).
            """
            CREATE TABLE dashboard_sessions (
              session_sha256 VARCHAR(64) PRIMARY KEY,
              username VARCHAR(128) NOT NULL,
              role VARCHAR(16) NOT NULL,
              created_ms BIGINT NOT NULL,
              expires_ms BIGINT NOT NULL
            )""",
            "CREATE INDEX dashboard_sessions_by_expiry ON dashboard_sessions (expires_ms)",
            // The SHA-256 of the enrolment token the collector that started last holds, so that collectors sharing the
            // store and holding different tokens are told at start (the token itself is configuration: docs/security.md).
            """
            CREATE TABLE enrolment_token (
              id INTEGER PRIMARY KEY,
              token_sha256 VARCHAR(64) NOT NULL,
              recorded_ms BIGINT NOT NULL
            )"""),
            List.of(
            // Several collectors on one store: a lease per singleton duty and per SNMP target, held by one collector
            // until expires_ms (the database's clock); token grows at each change of holder, so a write carrying an
            // older one is refused (fencing). holder is '' while nobody holds it.
            """
            CREATE TABLE leases (
              name VARCHAR(200) PRIMARY KEY,
              holder VARCHAR(128) NOT NULL,
              token BIGINT NOT NULL,
              expires_ms BIGINT NOT NULL,
              acquired_ms BIGINT NOT NULL
            )""",
            // Each collector's heartbeat: those seen within a lease duration are live and share the SNMP targets.
            """
            CREATE TABLE collectors (
              collector_id VARCHAR(128) PRIMARY KEY,
              poller_groups TEXT NOT NULL,
              started_ms BIGINT NOT NULL,
              heartbeat_ms BIGINT NOT NULL
            )"""),
            carbonGroupDays(),
            List.of(
            // Upstream meters' readings of the modelled devices they feed (a UPS's output, a PDU inlet or outlet), for
            // calibration: devices of the class, the sum of their utilisations, and the watts the meter gave them.
            """
            CREATE TABLE meter_readings (
              source_id VARCHAR(260) NOT NULL,
              ts_ms BIGINT NOT NULL,
              device_class VARCHAR(32) NOT NULL,
              devices INTEGER NOT NULL,
              utilisation_sum DOUBLE PRECISION NOT NULL,
              watts DOUBLE PRECISION NOT NULL,
              PRIMARY KEY (source_id, ts_ms)
            )""",
            "CREATE INDEX meter_readings_by_time ON meter_readings (ts_ms)"),
            List.of(
            // Energy upstream meters (a PDU outlet, a UPS or PDU inlet feeding known devices) measured of a device that its
            // reports have not used yet, and the time it covers: the device's next modelled report counts it as measured in
            // place of its model's (docs/carbon-reporting.md#data-quality-measured-modelled-imported). One meter per device.
            """
            CREATE TABLE metered_energy (
              device_id VARCHAR(128) PRIMARY KEY,
              meter_id VARCHAR(128) NOT NULL,
              joules DOUBLE PRECISION NOT NULL,
              covered_ms BIGINT NOT NULL,
              updated_ms BIGINT NOT NULL
            )"""),
            List.of(
            // The newest ingest journal row whose reports are written into the tables above (IngestJournal): one row, or
            // none before the first. On the embedded store only; the journal itself is a file of its own.
            "CREATE TABLE ingest_applied (id INTEGER PRIMARY KEY, journal_id BIGINT NOT NULL)"));

    private static final String UNKNOWN_DEVICE = "'', '', ''";

    /** Tables the database derives from others by triggers: a copy of a store copies their sources and lets the triggers fill them. */
    static final List<String> DERIVED_TABLES = List.of("carbon_group_days");

    private Schema() {
    }

    /**
     * Day rollups and known-off time summed per group of devices (org, site, class) and local day, the shape the carbon
     * report, trajectory and summary read: grouping 1,000 devices' ~400k day rollups per request took over a second,
     * reading the few thousand group-days they make takes milliseconds (bench/carbon-report.sh). An unset label, and
     * every label of a device not (or no longer) known, is '' (a key cannot hold NULL); {@code rollups} and
     * {@code off_days} count the rows summed, so a group-day all of whose devices moved away is deleted, whatever
     * rounding its sums kept.
     *
     * <p>Kept current by triggers in the database rather than by the store's code, so every writer keeps it right: the
     * test fixtures' and the bench seeder's plain SQL, the intensity recompute, a copy between stores; and a write
     * commits with its group-days. A row's group is its device's labels now, as the report always grouped: a device
     * that moves site takes its history along (the devices triggers move its rows), rollups of a device not yet known
     * count under '' until its row arrives (the report's outer join), and off time counts only for known devices (its
     * inner join). Writers upsert and never change a row's key, so an update adds the difference. On PostgreSQL, writers
     * in other connections (other collectors) of the same group-day wait for each other's commit on its row.
     */
    private static List<String> carbonGroupDays() {
        List<String> sql = new ArrayList<>();
        sql.add("CREATE TABLE carbon_group_days (day_start_ms BIGINT NOT NULL, org VARCHAR(64) NOT NULL, site VARCHAR(64) NOT NULL, "
                + "device_class VARCHAR(32) NOT NULL, rollups INTEGER NOT NULL, "
                + GROUP_DAY_FIGURES.stream().map(f -> f + " DOUBLE PRECISION NOT NULL, ").collect(Collectors.joining())
                + "off_days INTEGER NOT NULL, off_seconds DOUBLE PRECISION NOT NULL, PRIMARY KEY (day_start_ms, org, site, device_class))");
        // What the report grouped until now, rollups by outer join and off time by inner join.
        sql.add(addToGroupDays(labels("d") + ", r.bucket_start_ms, COUNT(*), " + figures("SUM(r.", ")") + ", 0, 0 FROM rollups r "
                + "LEFT JOIN devices d ON d.device_id = r.device_id WHERE r.period = 'day' GROUP BY " + labels("d") + ", r.bucket_start_ms"));
        sql.add(addToGroupDays(labels("d") + ", o.day_start_ms, 0, " + zeros() + ", COUNT(*), SUM(o.off_seconds) FROM device_off_days o "
                + "JOIN devices d ON d.device_id = o.device_id WHERE true GROUP BY " + labels("d") + ", o.day_start_ms"));

        sql.add(trigger("carbon_group_days_rollup_insert", "AFTER INSERT ON rollups", "NEW.period = 'day'", rollupOf("NEW", "+")));
        sql.add(trigger("carbon_group_days_rollup_update", "AFTER UPDATE ON rollups", "NEW.period = 'day'",
                addToGroupDays(labels("d") + ", NEW.bucket_start_ms, 0, " + GROUP_DAY_FIGURES.stream().map(f -> "NEW." + f + " - OLD." + f)
                        .collect(Collectors.joining(", ")) + ", 0, 0" + device("NEW", "LEFT JOIN"))));
        sql.add(trigger("carbon_group_days_rollup_delete", "AFTER DELETE ON rollups", "OLD.period = 'day'", rollupOf("OLD", "-"),
                purge("day_start_ms = OLD.bucket_start_ms")));
        sql.add(trigger("carbon_group_days_off_insert", "AFTER INSERT ON device_off_days", null, offDayOf("NEW", "+")));
        sql.add(trigger("carbon_group_days_off_update", "AFTER UPDATE ON device_off_days", null, addToGroupDays(labels("d")
                + ", NEW.day_start_ms, 0, " + zeros() + ", 0, NEW.off_seconds - OLD.off_seconds" + device("NEW", "JOIN"))));
        sql.add(trigger("carbon_group_days_off_delete", "AFTER DELETE ON device_off_days", null, offDayOf("OLD", "-"),
                purge("day_start_ms = OLD.day_start_ms")));

        // A device's rows move when its labels change, when it becomes known and when it is forgotten.
        String deviceDays = "day_start_ms IN (SELECT bucket_start_ms FROM rollups WHERE device_id = %1$s.device_id AND period = 'day' "
                + "UNION SELECT day_start_ms FROM device_off_days WHERE device_id = %1$s.device_id)";
        sql.add(trigger("carbon_group_days_device_update", "AFTER UPDATE OF org, site, device_class ON devices",
                Stream.of("org", "site", "device_class").map(l -> "COALESCE(OLD." + l + ", '') <> COALESCE(NEW." + l + ", '')")
                        .collect(Collectors.joining(" OR ")),
                deviceRollups("NEW", labels("OLD"), "-"), deviceRollups("NEW", labels("NEW"), "+"),
                deviceOffDays("NEW", labels("OLD"), "-"), deviceOffDays("NEW", labels("NEW"), "+"), purge(deviceDays.formatted("NEW"))));
        sql.add(trigger("carbon_group_days_device_insert", "AFTER INSERT ON devices", null,
                deviceRollups("NEW", UNKNOWN_DEVICE, "-"), deviceRollups("NEW", labels("NEW"), "+"), deviceOffDays("NEW", labels("NEW"), "+"),
                purge(deviceDays.formatted("NEW"))));
        sql.add(trigger("carbon_group_days_device_delete", "AFTER DELETE ON devices", null,
                deviceRollups("OLD", labels("OLD"), "-"), deviceRollups("OLD", UNKNOWN_DEVICE, "+"), deviceOffDays("OLD", labels("OLD"), "-"),
                purge(deviceDays.formatted("OLD"))));
        return sql;
    }

    /**
     * A row trigger in SQLite's form, {@code CREATE TRIGGER name event FOR EACH ROW [WHEN condition] BEGIN statements END},
     * which {@link Dialect#migration} makes a function and trigger of on PostgreSQL.
     */
    private static String trigger(String name, String event, String when, String... statements) {
        return "CREATE TRIGGER " + name + " " + event + " FOR EACH ROW " + (when == null ? "" : "WHEN " + when + " ") + "BEGIN "
                + String.join("; ", statements) + "; END";
    }

    /** Adds the rows a SELECT of {@code (org, site, class, day, rollups, figures..., off_days, off_seconds)} gives to their group-days. */
    private static String addToGroupDays(String select) {
        return "INSERT INTO carbon_group_days (org, site, device_class, day_start_ms, rollups, " + String.join(", ", GROUP_DAY_FIGURES)
                + ", off_days, off_seconds) SELECT " + select + " ON CONFLICT (day_start_ms, org, site, device_class) DO UPDATE SET "
                + Stream.concat(Stream.of("rollups"), Stream.concat(GROUP_DAY_FIGURES.stream(), Stream.of("off_days", "off_seconds")))
                        .map(c -> c + " = carbon_group_days." + c + " + excluded." + c).collect(Collectors.joining(", "));
    }

    private static String labels(String device) {
        return Stream.of("org", "site", "device_class").map(l -> "COALESCE(" + device + "." + l + ", '')").collect(Collectors.joining(", "));
    }

    private static String figures(String prefix, String suffix) {
        return GROUP_DAY_FIGURES.stream().map(f -> prefix + f + suffix).collect(Collectors.joining(", "));
    }

    private static String zeros() {
        return GROUP_DAY_FIGURES.stream().map(f -> "0").collect(Collectors.joining(", "));
    }

    /** The device ({@code d}) of the trigger's row: by outer join ('' labels when it is not known) or inner join (no row then). */
    private static String device(String row, String join) {
        return " FROM (SELECT 1 AS one) n " + join + " devices d ON d.device_id = " + row + ".device_id WHERE true";
    }

    /** Adds ({@code +}) or takes away ({@code -}) the trigger's day rollup. */
    private static String rollupOf(String row, String sign) {
        return addToGroupDays(labels("d") + ", " + row + ".bucket_start_ms, " + sign + "1, " + figures(sign + row + ".", "") + ", 0, 0"
                + device(row, "LEFT JOIN"));
    }

    private static String offDayOf(String row, String sign) {
        return addToGroupDays(labels("d") + ", " + row + ".day_start_ms, 0, " + zeros() + ", " + sign + "1, " + sign + row
                + ".off_seconds" + device(row, "JOIN"));
    }

    /** Adds or takes away all the day rollups of a device at the given labels. */
    private static String deviceRollups(String device, String labels, String sign) {
        return addToGroupDays(labels + ", bucket_start_ms, " + sign + "1, " + figures(sign, "") + ", 0, 0 FROM rollups WHERE device_id = "
                + device + ".device_id AND period = 'day'");
    }

    private static String deviceOffDays(String device, String labels, String sign) {
        return addToGroupDays(labels + ", day_start_ms, 0, " + zeros() + ", " + sign + "1, " + sign + "off_seconds "
                + "FROM device_off_days WHERE device_id = " + device + ".device_id");
    }

    private static String purge(String days) {
        return "DELETE FROM carbon_group_days WHERE " + days + " AND rollups = 0 AND off_days = 0";
    }
}
