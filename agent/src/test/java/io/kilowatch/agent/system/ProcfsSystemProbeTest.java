package io.kilowatch.agent.system;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.software.os.OperatingSystem;

class ProcfsSystemProbeTest {
    /** node_exporter's recorded /proc of an 8-thread i7-8650U (src/test/resources/procfs/NOTICE). */
    static final Path NODE_EXPORTER_PROC = Path.of("src/test/resources/procfs/node_exporter/proc");

    @Test
    void readsTicksProcessorsAndBootTimeFromARecordedProcStat() {
        ProcfsSystemProbe probe = new ProcfsSystemProbe(NODE_EXPORTER_PROC, Path.of("/no/etc"), Path.of("/no/utmp"));
        assertArrayEquals(new long[] {301854, 612, 111922, 8979004, 3552, 2, 3944, 0}, probe.cpuTicks());
        assertEquals(8, probe.logicalProcessors());
        assertEquals(1418183276L, ProcfsSystemProbe.bootTime(ProcfsSystemProbe.read(NODE_EXPORTER_PROC.resolve("stat")), () -> 0));
    }

    @Test
    void utilisationCountsEverythingButIdleAndIowaitAsBusy() {
        long[] since = ProcfsSystemProbe.ticks(ProcfsSystemProbe.read(NODE_EXPORTER_PROC.resolve("stat")));
        long[] now = since.clone();
        now[0] += 30; // user
        now[2] += 10; // system
        now[3] += 50; // idle
        now[4] += 10; // iowait: waiting, not working
        assertEquals(0.4, ProcfsSystemProbe.utilisationBetween(since, now), 1e-12);
        assertEquals(0, ProcfsSystemProbe.utilisationBetween(since, since), "no ticks between is no load");
    }

    @Test
    void readsMemoryLinesOfMeminfo() {
        String meminfo = "MemTotal:       24683584 kB\nMemFree:         1017500 kB\nMemAvailable:   20956548 kB\nBuffers:          356472 kB\n";
        assertEquals(24683584, ProcfsSystemProbe.meminfoKilobytes(meminfo, "MemTotal"));
        assertEquals(20956548, ProcfsSystemProbe.meminfoKilobytes(meminfo, "MemAvailable"));
        assertEquals(0, ProcfsSystemProbe.meminfoKilobytes(meminfo, "Mem"));
        assertEquals(0, ProcfsSystemProbe.meminfoKilobytes(meminfo, "HugePages_Total"));
    }

    @Test
    void osNameHasOshisShape() {
        String osRelease = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\n";
        assertEquals("GNU/Linux Debian GNU/Linux 12 (bookworm) build 6.1.0-18-amd64", ProcfsSystemProbe.osName(osRelease, "6.1.0-18-amd64"));
        assertEquals("GNU/Linux Linux build 6.1.0", ProcfsSystemProbe.osName("", "6.1.0"));
    }

    @Test
    void sessionsAreUserAndLoginRecordsOfUtmp(@TempDir Path dir) throws Exception {
        ByteBuffer utmp = ByteBuffer.allocate(4 * ProcfsSystemProbe.UTMP_RECORD_BYTES).order(ByteOrder.nativeOrder());
        record(utmp, 0, 2, "reboot", "~"); // BOOT_TIME
        record(utmp, 1, 7, "alice", "pts/0"); // USER_PROCESS
        record(utmp, 2, 6, "LOGIN", "tty1"); // LOGIN_PROCESS
        record(utmp, 3, 8, "", "pts/1"); // DEAD_PROCESS: a closed session
        Path file = dir.resolve("utmp");
        Files.write(file, utmp.array());
        assertEquals(2, ProcfsSystemProbe.sessions(file));
        assertEquals(0, ProcfsSystemProbe.sessions(dir.resolve("none")), "no utmp (a container) is no session");
    }

    private static void record(ByteBuffer utmp, int index, int type, String user, String line) {
        int at = index * ProcfsSystemProbe.UTMP_RECORD_BYTES;
        utmp.putShort(at, (short) type);
        utmp.put(at + 8, line.getBytes(StandardCharsets.US_ASCII));
        utmp.put(at + 44, user.getBytes(StandardCharsets.US_ASCII));
    }

    /** Both read this machine's /proc: the procfs probe must say what OSHI says. */
    @Test
    @EnabledOnOs(OS.LINUX)
    void agreesWithOshiOnThisMachine() throws Exception {
        SystemInfo oshi = new SystemInfo();
        OperatingSystem os = oshi.getOperatingSystem();
        CentralProcessor cpu = oshi.getHardware().getProcessor();
        ProcfsSystemProbe probe = new ProcfsSystemProbe();

        // OSHI is read right before and after the snapshot, so values that move with time bracket ours
        long uptimeBefore = os.getSystemUptime();
        long usedBefore = usedBytes(oshi);
        HostSnapshot ours = probe.snapshot();
        long usedAfter = usedBytes(oshi);
        long uptimeAfter = os.getSystemUptime();
        assertTrue(ours.uptimeSeconds() >= uptimeBefore - 1 && ours.uptimeSeconds() <= uptimeAfter + 1,
                uptimeBefore + ".." + uptimeAfter + " vs " + ours.uptimeSeconds());
        assertTrue(ours.memoryUsedBytes() > Math.min(usedBefore, usedAfter) - 128L * 1024 * 1024
                && ours.memoryUsedBytes() < Math.max(usedBefore, usedAfter) + 128L * 1024 * 1024,
                usedBefore + ".." + usedAfter + " vs " + ours.memoryUsedBytes());
        assertEquals(os.getNetworkParams().getHostName(), ours.hostname());
        assertEquals(os.toString(), ours.os());
        assertEquals(oshi.getHardware().getMemory().getTotal(), ours.memoryTotalBytes());
        assertTrue(Math.abs(os.getSystemBootTime() - ours.bootTime().getEpochSecond()) <= 1, os.getSystemBootTime() + " vs " + ours.bootTime());
        assertEquals(os.getSessions().size(), ours.sessions());
        assertEquals(cpu.getLogicalProcessorCount(), probe.logicalProcessors());

        // nested reads (OSHI, ours, burn, ours, OSHI) over 2 s, so a read delayed by the scheduler moves little
        long[] oshiTicks = cpu.getSystemCpuLoadTicks();
        long[][] baseline = {probe.cpuTicks()};
        burn(Duration.ofSeconds(2));
        double ourLoad = probe.cpuUtilisationSince(baseline);
        double oshiLoad = cpu.getSystemCpuLoadBetweenTicks(oshiTicks);
        assertTrue(ourLoad > 0 && Math.abs(oshiLoad - ourLoad) < 0.1, "OSHI " + oshiLoad + " vs " + ourLoad);
    }

    private static long usedBytes(SystemInfo oshi) {
        return oshi.getHardware().getMemory().getTotal() - oshi.getHardware().getMemory().getAvailable();
    }

    private static void burn(Duration duration) {
        long end = System.nanoTime() + duration.toNanos();
        long x = 0;
        while (System.nanoTime() < end) {
            x += Long.numberOfTrailingZeros(x + System.nanoTime());
        }
        assertTrue(x >= 0);
    }
}
