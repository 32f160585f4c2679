package io.kilowatch.core.report;

import io.kilowatch.core.energy.DeviceClass;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a parsed report for what JSON types cannot: required fields, ranges, and sane numbers.
 * Every problem is listed with its JSON path, so an operator can fix an agent from one error message.
 */
public final class ReportValidator {
    public static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    public static final Set<String> LABEL_KEYS = Set.of("org", "site", "department", "class");
    public static final Set<String> POWER_SOURCES = Set.of("rapl", "battery", "model", "snmp");
    private static final Pattern LABEL_VALUE = Pattern.compile("[\\p{L}\\p{N} ._/&()-]{1,64}");
    /** 100 kW: more than any single device on a report; a bigger figure is a broken sensor. */
    static final double MAX_WATTS = 100_000;
    static final Duration MAX_CLOCK_AHEAD = Duration.ofMinutes(5);
    /** Older reports are from a spool replayed long after; raw samples would be past retention anyway. */
    /** How far back a report's timestamp, and the sleeps it carries, may reach. */
    public static final Duration MAX_AGE = Duration.ofDays(35);

    private ReportValidator() {
    }

    public static List<String> validate(Report r, Instant now) {
        List<String> problems = new ArrayList<>();
        if (r.schemaVersion() == null || r.schemaVersion() != Report.SCHEMA_VERSION && r.schemaVersion() != Report.SCHEMA_VERSION_POWER_STATES) {
            problems.add("$.schema_version must be " + Report.SCHEMA_VERSION + " or " + Report.SCHEMA_VERSION_POWER_STATES + ", got " + r.schemaVersion());
        } else if (r.schemaVersion() == Report.SCHEMA_VERSION && (r.sleeps() != null || r.stopping() != null)) {
            problems.add("$.sleeps and $.stopping need schema_version " + Report.SCHEMA_VERSION_POWER_STATES);
        }
        if (r.deviceId() == null || !DEVICE_ID.matcher(r.deviceId()).matches()) {
            problems.add("$.device_id must be 1-128 characters of letters, digits, '.', '_', ':' or '-', starting with a letter or digit");
        }
        if (r.sequence() == null || r.sequence() < 1) {
            problems.add("$.sequence must be an integer >= 1");
        }
        // Checks relative to the timestamp run only on a sane one: at the edges of time they would overflow.
        Instant time = null;
        if (r.timestamp() == null) {
            problems.add("$.timestamp is required");
        } else if (r.timestamp().isAfter(now.plus(MAX_CLOCK_AHEAD))) {
            problems.add("$.timestamp " + r.timestamp() + " is in the future (collector time " + now + "); check the agent's clock");
        } else if (r.timestamp().isBefore(now.minus(MAX_AGE))) {
            problems.add("$.timestamp " + r.timestamp() + " is more than " + MAX_AGE.toDays() + " days old");
        } else {
            time = r.timestamp();
        }
        if (r.intervalSeconds() == null || !(r.intervalSeconds() >= 1 && r.intervalSeconds() <= 3600)) {
            problems.add("$.interval_seconds must be between 1 and 3600");
        }
        validateLabels(r.labels(), problems);
        validateHost(r.host(), time, problems);
        validateUtilisation(r.utilisation(), problems);
        validatePower(r.power(), time, problems);
        validateSleeps(r.sleeps(), time, problems);
        if (r.agent() != null) {
            requireRatioOrNull(r.agent().cpuRatio(), "$.agent.cpu_ratio", problems);
            requireNonNegativeOrNull(r.agent().rssBytes(), "$.agent.rss_bytes", problems);
            requireNonNegativeOrNull(r.agent().backlogReports(), "$.agent.backlog_reports", problems);
            requireNonNegativeOrNull(r.agent().droppedReportsTotal(), "$.agent.dropped_reports_total", problems);
        }
        return problems;
    }

    /** Whether a label value is one a report may carry. */
    public static boolean isLabelValue(String value) {
        return value != null && LABEL_VALUE.matcher(value).matches();
    }

    private static void validateLabels(Map<String, String> labels, List<String> problems) {
        if (labels == null) {
            problems.add("$.labels is required (at least class)");
            return;
        }
        labels.forEach((key, value) -> {
            if (!LABEL_KEYS.contains(key)) {
                problems.add("$.labels." + key + " is not a known label; use " + String.join(", ", LABEL_KEYS.stream().sorted().toList()));
            } else if (value == null || !LABEL_VALUE.matcher(value).matches()) {
                problems.add("$.labels." + key + " must be 1-64 letters, digits, spaces or ._/&()-");
            }
        });
        String deviceClass = labels.get("class");
        if (deviceClass == null || DeviceClass.fromLabel(deviceClass).isEmpty()) {
            problems.add("$.labels.class must be one of " + DeviceClass.allLabels());
        }
    }

    private static void validateHost(Report.Host host, Instant time, List<String> problems) {
        if (host == null) {
            problems.add("$.host is required");
            return;
        }
        if (host.hostname() == null || host.hostname().isBlank() || host.hostname().length() > 255) {
            problems.add("$.host.hostname is required (at most 255 characters)");
        }
        if (host.os() != null && host.os().length() > 255) {
            problems.add("$.host.os must be at most 255 characters");
        }
        if (host.bootTime() == null) {
            problems.add("$.host.boot_time is required");
        } else if (time != null && host.bootTime().isAfter(time.plusSeconds(60))) {
            problems.add("$.host.boot_time is after the report's timestamp");
        }
        requireNonNegativeOrNull(host.uptimeSeconds(), "$.host.uptime_seconds", problems);
        if (host.sessions() != null && (host.sessions() < 0 || host.sessions() > 100_000)) {
            problems.add("$.host.sessions must be between 0 and 100000");
        }
    }

    private static void validateUtilisation(Report.Utilisation u, List<String> problems) {
        if (u == null) {
            problems.add("$.utilisation is required");
            return;
        }
        if (u.cpuRatio() == null) {
            problems.add("$.utilisation.cpu_ratio is required");
        } else {
            requireRatioOrNull(u.cpuRatio(), "$.utilisation.cpu_ratio", problems);
        }
        requireNonNegativeOrNull(u.memoryUsedBytes(), "$.utilisation.memory_used_bytes", problems);
        requireNonNegativeOrNull(u.memoryTotalBytes(), "$.utilisation.memory_total_bytes", problems);
        if (u.memoryUsedBytes() != null && u.memoryTotalBytes() != null && u.memoryUsedBytes() > u.memoryTotalBytes()) {
            problems.add("$.utilisation.memory_used_bytes is larger than memory_total_bytes");
        }
    }

    private static void validatePower(Report.Power p, Instant time, List<String> problems) {
        if (p == null) {
            problems.add("$.power is required");
            return;
        }
        if (p.watts() == null || !(p.watts() >= 0 && p.watts() <= MAX_WATTS)) {
            problems.add("$.power.watts must be a number between 0 and " + (long) MAX_WATTS);
        }
        if (p.source() == null || !POWER_SOURCES.contains(p.source())) {
            problems.add("$.power.source must be one of " + String.join(", ", POWER_SOURCES.stream().sorted().toList()));
        }
        if (p.energyJoulesTotal() == null || !(p.energyJoulesTotal() >= 0) || p.energyJoulesTotal().isInfinite()) {
            problems.add("$.power.energy_joules_total must be a finite number >= 0");
        }
        if (p.counterStart() == null) {
            problems.add("$.power.counter_start is required");
        } else if (time != null && p.counterStart().isAfter(time.plusSeconds(60))) {
            problems.add("$.power.counter_start is after the report's timestamp");
        } else if (time != null && p.energyJoulesTotal() != null && p.watts() != null) {
            double seconds = (double) Duration.between(p.counterStart(), time).toSeconds() + 60;
            if (p.energyJoulesTotal() > MAX_WATTS * Math.max(seconds, 0)) {
                problems.add("$.power.energy_joules_total is more than " + (long) MAX_WATTS + " W could use since counter_start");
            }
        }
    }

    /** Most sleep periods one report may carry: a backlog of a month of nightly sleeps and lunchtime naps. */
    static final int MAX_SLEEPS = 500;

    private static void validateSleeps(List<Report.Sleep> sleeps, Instant time, List<String> problems) {
        if (sleeps == null) {
            return;
        }
        if (sleeps.size() > MAX_SLEEPS) {
            problems.add("$.sleeps holds " + sleeps.size() + " periods; at most " + MAX_SLEEPS);
            return;
        }
        Instant previousEnd = null;
        for (int i = 0; i < sleeps.size(); i++) {
            Report.Sleep sleep = sleeps.get(i);
            String path = "$.sleeps[" + i + "]";
            if (sleep == null || sleep.start() == null || sleep.end() == null) {
                problems.add(path + " needs start and end");
            } else if (!sleep.end().isAfter(sleep.start())) {
                problems.add(path + ".end must be after its start");
            } else if (time != null && (sleep.end().isAfter(time.plusSeconds(60)) || sleep.start().isBefore(time.minus(MAX_AGE)))) {
                problems.add(path + " must lie between " + MAX_AGE.toDays() + " days before the report's timestamp and the timestamp");
            } else if (previousEnd != null && sleep.start().isBefore(previousEnd)) {
                problems.add(path + " overlaps the one before it; periods go oldest first");
            } else {
                previousEnd = sleep.end();
            }
        }
    }

    private static void requireRatioOrNull(Double value, String path, List<String> problems) {
        if (value != null && !(value >= 0 && value <= 1)) {
            problems.add(path + " must be between 0 and 1");
        }
    }

    private static void requireNonNegativeOrNull(Number value, String path, List<String> problems) {
        if (value != null && !(value.doubleValue() >= 0) || value != null && Double.isInfinite(value.doubleValue())) {
            problems.add(path + " must be a finite number >= 0");
        }
    }
}
