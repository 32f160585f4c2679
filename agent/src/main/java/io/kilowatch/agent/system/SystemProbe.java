package io.kilowatch.agent.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * Live readings of the host: {@link ProcfsSystemProbe} on Linux (plain files, nothing native),
 * {@link OshiSystemProbe} elsewhere. Utilisation is measured between calls from CPU tick counters, so each
 * caller keeps its own baseline.
 */
public interface SystemProbe {
    /** A baseline for {@link #cpuUtilisationSince}. */
    long[] cpuTicks();

    /** Whole-machine CPU utilisation (0..1) since the baseline, which is moved to now. */
    double cpuUtilisationSince(long[][] baseline);

    HostSnapshot snapshot();

    /** The agent's own process: CPU time used so far (ms) and resident memory (bytes). */
    SelfUsage selfUsage();

    int logicalProcessors();

    record SelfUsage(long cpuMillis, long rssBytes) {
    }

    /** CPU time of this process from the JDK's native process info: well under a millisecond, even interpreted. */
    static long selfCpuMillis() {
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toMillis).orElse(0L);
    }

    /** {@code VmRSS} of a Linux {@code /proc/<pid>/status} file in bytes; empty where there is no such file or line. */
    static OptionalLong residentBytes(Path status) {
        String text;
        try {
            text = Files.readString(status);
        } catch (IOException | UnsupportedOperationException e) {
            return OptionalLong.empty();
        }
        int at = text.indexOf("\nVmRSS:");
        if (at < 0) {
            return OptionalLong.empty();
        }
        int end = text.indexOf('\n', at + 1);
        String value = text.substring(at + "\nVmRSS:".length(), end < 0 ? text.length() : end).trim();
        if (!value.endsWith(" kB")) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(value.substring(0, value.length() - 3).trim()) * 1024);
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
