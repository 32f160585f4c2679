package io.kilowatch.agent.system;

import java.time.Instant;

/** What the host looks like at one moment: the non-power half of a report. */
public record HostSnapshot(
        String hostname,
        String os,
        Instant bootTime,
        double uptimeSeconds,
        int sessions,
        long memoryUsedBytes,
        long memoryTotalBytes) {
}
