package io.kilowatch.collector.estate;

import io.kilowatch.core.report.Report;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds valid reports for tests, with the fields a test cares about set by name. */
public final class Reports {
    private String deviceId = "pc-1";
    private long sequence = 1;
    private Instant time = Instant.parse("2026-03-10T09:00:00Z");
    private Instant boot = Instant.parse("2026-03-10T07:00:00Z");
    private double watts = 40;
    private double cpu = 0.25;
    private String source = "model";
    private double counterJoules = 0;
    private Instant counterStart = Instant.parse("2026-03-01T00:00:00Z");
    private Integer sessions = 1;
    private final Map<String, String> labels = new LinkedHashMap<>(Map.of("class", "desktop", "org", "Northshire", "site", "County Hall"));

    public static Reports report() {
        return new Reports();
    }

    public Reports device(String id) {
        deviceId = id;
        return this;
    }

    public Reports sequence(long s) {
        sequence = s;
        return this;
    }

    public Reports at(Instant t) {
        time = t;
        return this;
    }

    public Reports bootedAt(Instant b) {
        boot = b;
        return this;
    }

    public Reports watts(double w) {
        watts = w;
        return this;
    }

    public Reports cpu(double ratio) {
        cpu = ratio;
        return this;
    }

    public Reports source(String s) {
        source = s;
        return this;
    }

    public Reports counter(double joules) {
        counterJoules = joules;
        return this;
    }

    public Reports counterStart(Instant start) {
        counterStart = start;
        return this;
    }

    private java.util.List<Report.Sleep> sleeps;
    private Boolean stopping;

    /** The machine slept over [from, to] (a schema 2 report). */
    public Reports slept(Instant from, Instant to) {
        sleeps = sleeps == null ? new java.util.ArrayList<>() : sleeps;
        sleeps.add(new Report.Sleep(from, to));
        return this;
    }

    /** The agent's last report before a clean stop (a schema 2 report). */
    public Reports stopping() {
        stopping = true;
        return this;
    }

    /** Logged-in user sessions at the report, or null for an agent that cannot count them. */
    public Reports sessions(Integer count) {
        sessions = count;
        return this;
    }

    public Reports label(String key, String value) {
        labels.put(key, value);
        return this;
    }

    public Report build() {
        return new Report(Report.schemaVersionFor(sleeps, stopping), deviceId, sequence, time, 15.0, Map.copyOf(labels),
                new Report.Host(deviceId.toUpperCase(), "Microsoft Windows 11 Pro", boot, (double) (time.getEpochSecond() - boot.getEpochSecond()), sessions),
                new Report.Utilisation(cpu, 4L << 30, 16L << 30),
                new Report.Power(watts, source, counterJoules, counterStart),
                new Report.AgentSelf("0.1.0", 0.002, 60_000_000L, 0, 0L),
                null, sleeps == null ? null : java.util.List.copyOf(sleeps), stopping);
    }
}
