package io.kilowatch.collector.carbon;

import io.kilowatch.core.config.ConfigException;
import io.kilowatch.core.config.Settings;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code carbon.windows} keys (docs/configuration.md): how far ahead to plan, the maintenance job
 * assumed for each service's planned windows, and flexible jobs (backups, patching, batch runs).
 *
 * @param horizon how far ahead starts are looked for (NESO forecasts 48 hours)
 * @param serviceJobDuration how long the work done in a service's maintenance window takes
 * @param serviceJobWatts its power; 0 takes the latest power of the service's devices
 */
public record CarbonWindowsConfig(Duration horizon, Duration serviceJobDuration, double serviceJobWatts, List<Job> jobs) {

    /** Allowed local hours on some days: {@code to} before {@code from} runs past midnight; 00:00-24:00 is all day. */
    public record Hours(Set<DayOfWeek> days, LocalTime from, LocalTime to) {
    }

    /**
     * A flexible job.
     *
     * @param site its devices' site, for the intensity region and annual factor (null: the estate's)
     * @param region an intensity region key instead of the site's (null: the site's)
     * @param hours when it may run; empty for any time
     * @param deadline it must finish within this of now
     * @param defaultStart its usual local start time, to compare against; empty for "now"
     */
    public record Job(String name, Duration duration, double watts, String site, String region, List<Hours> hours, Duration deadline,
                      Optional<LocalTime> defaultStart) {
    }

    public static CarbonWindowsConfig from(Settings s) {
        String key = "carbon.windows.";
        Duration horizon = s.duration(key + "horizon", Duration.ofHours(48), Duration.ofHours(1), Duration.ofDays(7));
        List<Job> jobs = new ArrayList<>();
        for (String name : s.children("carbon.windows.jobs")) {
            String k = key + "jobs." + name + ".";
            Duration duration = s.duration(k + "duration", null, Duration.ofMinutes(1), Duration.ofDays(2));
            if (duration == null) {
                throw new ConfigException(k + "duration must be set, e.g. 2h");
            }
            String watts = s.string(k + "power_watts", null);
            if (watts == null) {
                throw new ConfigException(k + "power_watts must be set: the job's power while it runs");
            }
            List<Hours> hours = new ArrayList<>();
            Set<DayOfWeek> days = CarbonConfig.days(s, k + "days");
            String text = s.string(k + "hours", "");
            if (!text.isBlank()) {
                for (String range : text.split(",")) {
                    hours.add(hours(k + "hours", range.trim(), days));
                }
            }
            String defaultStart = s.string(k + "default_start", "");
            String region = s.string(k + "region", null);
            jobs.add(new Job(name, duration, s.number(k + "power_watts", 0, 0, 1_000_000), s.string(k + "site", null),
                    region == null ? null : CarbonConfig.regionKey(k + "region", region), List.copyOf(hours),
                    s.duration(k + "deadline", horizon, duration, Duration.ofDays(7)),
                    defaultStart.isEmpty() ? Optional.empty() : Optional.of(CarbonConfig.time(k + "default_start", defaultStart))));
        }
        return new CarbonWindowsConfig(horizon,
                s.duration(key + "service_job.duration", Duration.ofHours(1), Duration.ofMinutes(1), Duration.ofDays(1)),
                s.number(key + "service_job.power_watts", 0, 0, 1_000_000), List.copyOf(jobs));
    }

    private static Hours hours(String key, String range, Set<DayOfWeek> days) {
        String[] ends = range.split("-", 2);
        if (ends.length != 2) {
            throw new ConfigException(key + " must be local time ranges such as 22:00-06:00, comma-separated; got '" + range + "'");
        }
        return new Hours(days, CarbonConfig.time(key, ends[0].trim()), CarbonConfig.time(key, ends[1].trim()));
    }
}
