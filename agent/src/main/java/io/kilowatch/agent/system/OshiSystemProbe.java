package io.kilowatch.agent.system;

import java.nio.file.Path;
import java.time.Instant;
import java.util.OptionalLong;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

/**
 * Live readings from OSHI, which hides the platform: used on Windows and macOS (Linux has
 * {@link ProcfsSystemProbe}, which loads neither OSHI nor JNA).
 */
public final class OshiSystemProbe implements SystemProbe {
    private final CentralProcessor processor;
    private final GlobalMemory memory;
    private final OperatingSystem os;
    private final int logicalProcessors;
    private final Path procSelfStatus;

    public OshiSystemProbe(SystemInfo systemInfo) {
        this(systemInfo, Path.of("/proc/self/status"));
    }

    /** @param procSelfStatus Linux's status file of this process, read for its resident memory where it exists */
    OshiSystemProbe(SystemInfo systemInfo, Path procSelfStatus) {
        this.procSelfStatus = procSelfStatus;
        this.processor = systemInfo.getHardware().getProcessor();
        this.memory = systemInfo.getHardware().getMemory();
        this.os = systemInfo.getOperatingSystem();
        this.logicalProcessors = Math.max(1, processor.getLogicalProcessorCount());
    }

    @Override
    public long[] cpuTicks() {
        return processor.getSystemCpuLoadTicks();
    }

    @Override
    public double cpuUtilisationSince(long[][] baseline) {
        double load = processor.getSystemCpuLoadBetweenTicks(baseline[0]);
        baseline[0] = processor.getSystemCpuLoadTicks();
        return Double.isFinite(load) ? Math.max(0, Math.min(1, load)) : 0;
    }

    @Override
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
    @Override
    public SelfUsage selfUsage() {
        long cpuMillis = SystemProbe.selfCpuMillis();
        OptionalLong rss = SystemProbe.residentBytes(procSelfStatus);
        if (rss.isPresent()) {
            return new SelfUsage(cpuMillis, rss.getAsLong());
        }
        OSProcess self = os.getCurrentProcess();
        return self == null ? new SelfUsage(cpuMillis, 0) : new SelfUsage(cpuMillis, self.getResidentSetSize());
    }

    @Override
    public int logicalProcessors() {
        return logicalProcessors;
    }
}
