package io.kilowatch.agent.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.DoubleSupplier;

/**
 * Live readings on Linux from procfs alone: the same files OSHI reads there, without OSHI's ~230 classes,
 * JNA and its native library (docs/agent-install.md, footprint). The figures follow OSHI's arithmetic so a
 * report means the same whichever probe made it.
 */
public final class ProcfsSystemProbe implements SystemProbe {
    /** glibc's {@code struct utmp} on Linux: 384 bytes, {@code ut_type} a short at 0, {@code ut_line} at 8, {@code ut_user} at 44. */
    static final int UTMP_RECORD_BYTES = 384;
    private static final int UT_LINE = 8;
    private static final int UT_USER = 44;
    private static final int LOGIN_PROCESS = 6;
    private static final int USER_PROCESS = 7;

    private final Path proc;
    private final Path utmp;
    private final int logicalProcessors;
    private final String osName;
    private final long bootTimeSeconds;

    public ProcfsSystemProbe() {
        this(Path.of("/proc"), Path.of("/etc"), Path.of("/run/utmp"));
    }

    /** @param proc procfs, {@code etc} for os-release and {@code utmp} the login records: all injectable for tests */
    ProcfsSystemProbe(Path proc, Path etc, Path utmp) {
        this.proc = proc;
        this.utmp = utmp;
        String stat = read(proc.resolve("stat"));
        this.logicalProcessors = Math.max(1, (int) stat.lines().filter(l -> l.matches("cpu\\d+ .*")).count());
        // Fixed while the machine runs, and read once, as OSHI does: a report runs interpreted, where every parse counts.
        this.osName = osName(readIfPresent(etc.resolve("os-release")), readIfPresent(proc.resolve("sys/kernel/osrelease")).trim());
        this.bootTimeSeconds = bootTime(stat, this::uptimeSeconds);
    }

    /** The whole-machine {@code cpu} line of /proc/stat in OSHI's tick order: user, nice, system, idle, iowait, irq, softirq, steal. */
    @Override
    public long[] cpuTicks() {
        return ticks(read(proc.resolve("stat")));
    }

    /** Parsed by hand, not with a regex: this runs three times a report, interpreted. */
    static long[] ticks(String procStat) {
        if (!procStat.startsWith("cpu ")) {
            throw new IllegalStateException("no cpu line first in /proc/stat");
        }
        long[] ticks = new long[8];
        int at = "cpu ".length();
        for (int i = 0; i < ticks.length; i++) {
            while (at < procStat.length() && procStat.charAt(at) == ' ') {
                at++;
            }
            long value = 0;
            while (at < procStat.length() && Character.isDigit(procStat.charAt(at))) {
                value = value * 10 + (procStat.charAt(at++) - '0');
            }
            ticks[i] = value;
        }
        return ticks;
    }

    @Override
    public double cpuUtilisationSince(long[][] baseline) {
        long[] now = cpuTicks();
        double load = utilisationBetween(baseline[0], now);
        baseline[0] = now;
        return load;
    }

    /**
     * OSHI's {@code getSystemCpuLoadBetweenTicks}: busy is every tick but idle and iowait, over all ticks
     * between the two readings (guest time is already inside user time in /proc/stat, so not added again).
     */
    static double utilisationBetween(long[] before, long[] after) {
        long total = 0;
        for (int i = 0; i < after.length; i++) {
            total += after[i] - before[i];
        }
        long idle = (after[3] - before[3]) + (after[4] - before[4]);
        return total > 0 ? Math.max(0, Math.min(1, (double) (total - idle) / total)) : 0;
    }

    @Override
    public HostSnapshot snapshot() {
        String meminfo = read(proc.resolve("meminfo"));
        long total = meminfoKilobytes(meminfo, "MemTotal") * 1024;
        long available = meminfoKilobytes(meminfo, "MemAvailable") * 1024;
        if (available == 0) { // kernels before 3.14 lack MemAvailable
            available = meminfoKilobytes(meminfo, "MemFree") * 1024;
        }
        return new HostSnapshot(
                read(proc.resolve("sys/kernel/hostname")).trim(),
                osName,
                Instant.ofEpochSecond(bootTimeSeconds),
                (long) uptimeSeconds(),
                sessions(utmp),
                Math.max(0, total - available),
                total);
    }

    /** One {@code Name:  value kB} line of /proc/meminfo; 0 where the kernel has no such line. */
    static long meminfoKilobytes(String meminfo, String name) {
        String key = name + ":";
        int at = meminfo.startsWith(key) ? 0 : meminfo.indexOf("\n" + key);
        if (at < 0) {
            return 0;
        }
        at += meminfo.charAt(at) == '\n' ? 1 : 0;
        int end = meminfo.indexOf('\n', at);
        String value = meminfo.substring(at + name.length() + 1, end < 0 ? meminfo.length() : end).trim();
        int space = value.indexOf(' ');
        return Long.parseLong(space < 0 ? value : value.substring(0, space));
    }

    private double uptimeSeconds() {
        String uptime = read(proc.resolve("uptime"));
        return Double.parseDouble(uptime.substring(0, uptime.indexOf(' ')));
    }

    /** {@code btime} of /proc/stat, as OSHI takes it; now less the uptime where a kernel lacks the line. */
    static long bootTime(String procStat, DoubleSupplier uptimeSeconds) {
        return procStat.lines().filter(l -> l.startsWith("btime ")).findFirst()
                .map(l -> Long.parseLong(l.substring("btime ".length()).trim()))
                .orElseGet(() -> Instant.now().getEpochSecond() - (long) uptimeSeconds.getAsDouble());
    }

    /**
     * OSHI's text for a Linux OS ({@code "GNU/Linux Debian GNU/Linux 12 (bookworm) build 6.1.0-18-amd64"}):
     * manufacturer, os-release NAME and VERSION, and the kernel release. The collector shows it as is and
     * matches nothing in it, so a missing os-release only shortens it.
     */
    static String osName(String osRelease, String kernelRelease) {
        Map<String, String> fields = new HashMap<>();
        for (String line : osRelease.lines().toList()) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                fields.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim().replaceAll("^\"|\"$", ""));
            }
        }
        StringBuilder name = new StringBuilder("GNU/Linux ").append(fields.getOrDefault("NAME", "Linux"));
        if (fields.containsKey("VERSION")) {
            name.append(' ').append(fields.get("VERSION"));
        }
        return name.append(" build ").append(kernelRelease).toString();
    }

    /**
     * Login sessions as OSHI counts them on Linux (its {@code getutxent} loop): utmp records of type
     * USER_PROCESS or LOGIN_PROCESS with a user and a terminal. No utmp file (a container) is no session.
     */
    static int sessions(Path utmp) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(utmp);
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteBuffer records = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        int sessions = 0;
        for (int at = 0; at + UTMP_RECORD_BYTES <= bytes.length; at += UTMP_RECORD_BYTES) {
            int type = records.getShort(at);
            if ((type == USER_PROCESS || type == LOGIN_PROCESS)
                    && !cString(bytes, at + UT_USER, 32).isEmpty() && !cString(bytes, at + UT_LINE, 32).isEmpty()) {
                sessions++;
            }
        }
        return sessions;
    }

    static String cString(byte[] bytes, int offset, int max) {
        int end = offset;
        while (end < offset + max && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, offset, end - offset, StandardCharsets.UTF_8);
    }

    /** Here the JDK's process info and /proc/self/status are the whole answer: nothing falls back to OSHI. */
    @Override
    public SelfUsage selfUsage() {
        OptionalLong rss = SystemProbe.residentBytes(proc.resolve("self/status"));
        return new SelfUsage(SystemProbe.selfCpuMillis(), rss.orElse(0));
    }

    @Override
    public int logicalProcessors() {
        return logicalProcessors;
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String readIfPresent(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }
}
