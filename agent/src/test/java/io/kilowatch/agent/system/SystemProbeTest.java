package io.kilowatch.agent.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import oshi.SystemInfo;
import oshi.software.os.OSProcess;

/** The agent's own usage, read the cheap way, against what OSHI's whole-process read says on this machine. */
class SystemProbeTest {
    @Test
    void selfUsageAgreesWithOshisReadOfTheSameProcess() {
        SystemInfo systemInfo = new SystemInfo();
        OshiSystemProbe probe = new OshiSystemProbe(systemInfo);
        SystemProbe.SelfUsage cheap = probe.selfUsage();
        OSProcess oshi = systemInfo.getOperatingSystem().getCurrentProcess();
        SystemProbe.SelfUsage after = probe.selfUsage();

        long oshiCpuMillis = oshi.getUserTime() + oshi.getKernelTime();
        // the kernel counts CPU in 10 ms ticks; OSHI's read itself costs CPU between the two cheap reads
        assertTrue(oshiCpuMillis >= cheap.cpuMillis() - 20 && oshiCpuMillis <= after.cpuMillis() + 20,
                cheap.cpuMillis() + " <= " + oshiCpuMillis + " <= " + after.cpuMillis());
        assertTrue(cheap.cpuMillis() > 0);
        double rssRatio = (double) cheap.rssBytes() / oshi.getResidentSetSize();
        assertTrue(rssRatio > 0.9 && rssRatio < 1.1, cheap.rssBytes() + " bytes against OSHI's " + oshi.getResidentSetSize());
    }

    @Test
    void residentMemoryIsReadFromProcfsWhereThereIsOne() {
        OptionalLong self = SystemProbe.residentBytes(Path.of("/proc/self/status"));
        assertTrue(self.isPresent() && self.getAsLong() > 10 * 1024 * 1024, "a JVM holds more than 10 MiB: " + self);
        // kthreadd, a kernel thread, has no memory of its own: its status file has no VmRSS line
        assertEquals(OptionalLong.empty(), SystemProbe.residentBytes(Path.of("/proc/2/status")));
        assertEquals(OptionalLong.empty(), SystemProbe.residentBytes(Path.of("/no/such/proc/status")));
    }

    @Test
    void withoutProcfsOshiReadsTheResidentMemory() {
        OshiSystemProbe probe = new OshiSystemProbe(new SystemInfo(), Path.of("/no/such/proc/status"));
        assertTrue(probe.selfUsage().rssBytes() > 10 * 1024 * 1024);
    }
}
