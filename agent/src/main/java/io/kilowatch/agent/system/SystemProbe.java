package io.kilowatch.agent.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

/**
 * Live readings from OSHI, which hides the platform: the same calls work on Windows, Linux and macOS.
 * Utilisation is measured between calls from CPU tick counters, so each caller keeps its own baseline.
 */
public final class SystemProbe {
    private final CentralProcessor processor;
    private final GlobalMemory memory;
    private final OperatingSystem os;
    private final int logicalProcessors;
    private final Path procSelfStatus;

    public SystemProbe(SystemInfo systemInfo) {
        this(systemInfo, Path.of("/proc/self/status"));
    }

    /** @param procSelfStatus Linux's status file of this process, read for its resident memory where it exists */
    SystemProbe(SystemInfo systemInfo, Path procSelfStatus) {
        this.procSelfStatus = procSelfStatus;
        this.processor = systemInfo.getHardware().getProcessor();
        this.memory = systemInfo.getHardware().getMemory();
        this.os = systemInfo.getOperatingSystem();
        this.logicalProcessors = Math.max(1, processor.getLogicalProcessorCount());
    }

    /** A baseline for {@link #cpuUtilisationSince}. */
    public long[] cpuTicks() {
        return processor.getSystemCpuLoadTicks();
    }

    /** Whole-machine CPU utilisation (0..1) since the baseline, which is moved to now. */
    public double cpuUtilisationSince(long[][] baseline) {
        double load = processor.getSystemCpuLoadBetweenTicks(baseline[0]);
        baseline[0] = processor.getSystemCpuLoadTicks();
        return Double.isFinite(load) ? Math.max(0, Math.min(1, load)) : 0;
    }

    public HostSnapshot snapshot() {
        long total = memory.getTotal();
        long used = Math.max(0, total - memory.getAvailable());
        return new HostSnapshot(
                os.getNetworkParams().getHostName(),
                os.toString(),
                Instant.ofEpochSecond(os.getSystemBootTime()),
                os.getSystemUptime(),
                os.getSessions().size(),
                used,
                total);
    }

    /**
     * The agent's own process: CPU time used so far (ms) and resident memory (bytes). Read once a report, so
     * it runs interpreted: OSHI's whole-process read (every /proc/self file, parsed with regexes, owner looked
     * up) took 14-18 ms of CPU a call that way, more than the rest of a report; the JDK's native process info
     * and one line of /proc/self/status take well under a millisecond. OSHI stays where there is no procfs.
     */
    public SelfUsage selfUsage() {
        long cpuMillis = ProcessHandle.current().info().totalCpuDuration().map(Duration::toMillis).orElse(0L);
        OptionalLong rss = residentBytes(procSelfStatus);
        if (rss.isPresent()) {
            return new SelfUsage(cpuMillis, rss.getAsLong());
        }
        OSProcess self = os.getCurrentProcess();
        return self == null ? new SelfUsage(cpuMillis, 0) : new SelfUsage(cpuMillis, self.getResidentSetSize());
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

    public int logicalProcessors() {
        return logicalProcessors;
    }

    public record SelfUsage(long cpuMillis, long rssBytes) {
    }
}
