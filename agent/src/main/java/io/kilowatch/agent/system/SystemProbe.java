package io.kilowatch.agent.system;

import java.time.Instant;
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

    public SystemProbe(SystemInfo systemInfo) {
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

    /** The agent's own process: CPU time used so far (ms) and resident memory (bytes). */
    public SelfUsage selfUsage() {
        OSProcess self = os.getCurrentProcess();
        if (self == null) {
            return new SelfUsage(0, 0);
        }
        return new SelfUsage(self.getUserTime() + self.getKernelTime(), self.getResidentSetSize());
    }

    public int logicalProcessors() {
        return logicalProcessors;
    }

    public record SelfUsage(long cpuMillis, long rssBytes) {
    }
}
