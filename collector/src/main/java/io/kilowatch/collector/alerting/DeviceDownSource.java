package io.kilowatch.collector.alerting;

import io.kilowatch.collector.estate.DeviceRow;
import io.kilowatch.collector.estate.Estate;
import io.kilowatch.core.alerting.Condition;
import io.kilowatch.core.alerting.ConditionSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code device_down}: a device that has missed its allowance of reports, as {@code kilowatch_device_up} shows 0,
 * unless its silence is expected (a desktop, laptop or thin client stopped cleanly or out of working hours:
 * {@link Estate#silenceExpected}). A server asleep is down.
 */
public final class DeviceDownSource implements ConditionSource {
    public static final String RULE = "device_down";
    private final Estate estate;

    public DeviceDownSource(Estate estate) {
        this.estate = estate;
    }

    @Override
    public List<Condition> conditionsAt(Instant now) {
        List<Condition> down = new ArrayList<>();
        for (DeviceRow row : estate.rows()) {
            if (estate.isUp(row, now) || estate.silenceExpected(row, now)) {
                continue;
            }
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put("device", row.deviceId());
            labels.putAll(row.labels());
            long silentSeconds = Duration.between(Instant.ofEpochMilli(row.reporting().lastSeenMs()), now).toSeconds();
            String name = row.host().hostname() == null || row.host().hostname().isBlank() || row.host().hostname().equals(row.deviceId())
                    ? row.deviceId() : row.deviceId() + " (" + row.host().hostname() + ")";
            down.add(new Condition(RULE, labels, silentSeconds, name + " has not reported for " + humane(silentSeconds)
                    + (row.identity().site() == null || row.identity().site().isBlank() ? "" : " at " + row.identity().site())));
        }
        return down;
    }

    private static String humane(long seconds) {
        return seconds < 120 ? seconds + " s" : seconds < 7200 ? seconds / 60 + " min" : seconds / 3600 + " h";
    }
}
