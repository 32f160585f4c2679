package io.kilowatch.collector.events;

import java.time.Instant;

/**
 * Something that happened to a device: an SNMP trap, a reboot seen in sysUpTime, polls failing or
 * recovering. Served at {@code GET /api/v1/events/devices} and counted in {@code kilowatch_device_events_total{kind}}.
 *
 * @param kind snake_case: {@code cold_start}, {@code link_down}, {@code on_battery}, {@code reboot}, {@code poll_failed}, {@code down}, {@code up}, ...
 * @param severity {@code info}, {@code warning} or {@code critical}
 * @param source what saw it: {@code trap} or {@code poll}
 */
public record DeviceEvent(String id, String deviceId, Instant time, String kind, String severity, String source, String message) {
    public static final int MAX_MESSAGE = 1024;

    public DeviceEvent {
        message = message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE - 1) + "…" : message;
    }

    public static DeviceEvent of(String deviceId, Instant time, String kind, String severity, String source, String message) {
        return new DeviceEvent(java.util.UUID.randomUUID().toString(), deviceId, time, kind, severity, source, message);
    }
}
