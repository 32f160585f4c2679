package io.kilowatch.collector.store;

import java.util.List;

/**
 * The store's tables, as numbered migrations in SQL that SQLite and PostgreSQL both run as written:
 * epoch-millisecond BIGINTs for time, DOUBLE PRECISION for measures, INSERT ... ON CONFLICT for upserts.
 */
final class Schema {
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
            )"""));

    private Schema() {
    }
}
