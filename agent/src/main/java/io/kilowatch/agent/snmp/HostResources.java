package io.kilowatch.agent.snmp;

import static io.kilowatch.agent.snmp.OidTree.constant;

import io.kilowatch.core.report.Report;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.snmp4j.smi.Counter32;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.TimeTicks;
import org.snmp4j.smi.Variable;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.VirtualMemory;
import oshi.software.os.FileSystem;
import oshi.software.os.OSFileStore;

/**
 * The HOST-RESOURCES-MIB (RFC 2790) subset managers poll: hrSystemUptime, hrSystemNumUsers,
 * hrMemorySize, hrStorageTable (memory, swap, file systems) and hrProcessorTable. Memory comes from
 * the report so it matches what the collector was sent; disks, swap and per-processor load are read
 * from OSHI when a report is made, which works the same on Windows, Linux and macOS.
 */
final class HostResources {
    static final OID ROOT = new OID("1.3.6.1.2.1.25");
    static final OID HR_SYSTEM_UPTIME = new OID("1.3.6.1.2.1.25.1.1.0");
    static final OID HR_SYSTEM_NUM_USERS = new OID("1.3.6.1.2.1.25.1.5.0");
    static final OID HR_MEMORY_SIZE = new OID("1.3.6.1.2.1.25.2.2.0");
    static final OID HR_STORAGE_ENTRY = new OID("1.3.6.1.2.1.25.2.3.1");
    static final OID HR_PROCESSOR_ENTRY = new OID("1.3.6.1.2.1.25.3.3.1");
    private static final OID HR_STORAGE_TYPES = new OID("1.3.6.1.2.1.25.2.1");
    private static final int RAM = 2;
    private static final int VIRTUAL_MEMORY = 3;
    private static final int FIXED_DISK = 4;
    private static final int REMOVABLE_DISK = 5;
    private static final int COMPACT_DISC = 7;
    private static final int NETWORK_DISK = 10;
    /** Net-SNMP's indexes, so managers' saved views of a host keep working: RAM 1, swap 10, file systems from 31. */
    static final int RAM_INDEX = 1;
    static final int SWAP_INDEX = 10;
    static final int FIRST_FILE_SYSTEM_INDEX = 31;
    /** hrDeviceIndex of the first processor, as Net-SNMP numbers them (hrDeviceProcessor class << 16). */
    static final int FIRST_PROCESSOR_INDEX = 196608;
    /** RFC 2790: hrProcessorLoad is "the average, over the last minute". */
    private static final Duration LOAD_WINDOW = Duration.ofMinutes(1);

    private final CentralProcessor processor;
    private final VirtualMemory swap;
    private final FileSystem fileSystem;
    private final Clock clock;
    private final List<TickSample> ticks = new ArrayList<>();

    private record TickSample(Instant at, long[][] ticks) {
    }

    HostResources(SystemInfo systemInfo, Clock clock) {
        this.processor = systemInfo.getHardware().getProcessor();
        this.swap = systemInfo.getHardware().getMemory().getVirtualMemory();
        this.fileSystem = systemInfo.getOperatingSystem().getFileSystem();
        this.clock = clock;
    }

    /** The subtree's instances after a report: called on the agent's sampling thread. */
    Map<OID, Supplier<Variable>> values(Report report) {
        Map<OID, Supplier<Variable>> v = new LinkedHashMap<>();
        Instant boot = report.host().bootTime();
        v.put(HR_SYSTEM_UPTIME, () -> centiseconds(Duration.between(boot, clock.instant())));
        v.put(HR_SYSTEM_NUM_USERS, constant(new Integer32(report.host().sessions())));
        long ramTotal = report.utilisation().memoryTotalBytes();
        v.put(HR_MEMORY_SIZE, constant(new Integer32(clampInt(ramTotal / 1024))));
        storage(v, RAM_INDEX, RAM, "Physical memory", ramTotal, report.utilisation().memoryUsedBytes(), 1024);
        long swapTotal = swap.getSwapTotal();
        if (swapTotal > 0) {
            storage(v, SWAP_INDEX, VIRTUAL_MEMORY, "Swap space", swapTotal, swap.getSwapUsed(), 1024);
        }
        List<OSFileStore> stores = fileSystem.getFileStores(true);
        for (int i = 0; i < stores.size(); i++) {
            OSFileStore store = stores.get(i);
            long total = store.getTotalSpace();
            storage(v, FIRST_FILE_SYSTEM_INDEX + i, storageType(store), store.getMount(), total,
                    Math.max(0, total - store.getFreeSpace()), allocationUnits(total));
        }
        processors(v);
        return v;
    }

    private static void storage(Map<OID, Supplier<Variable>> v, int index, int type, String descr, long totalBytes,
                                long usedBytes, int units) {
        v.put(column(HR_STORAGE_ENTRY, 1, index), constant(new Integer32(index)));
        v.put(column(HR_STORAGE_ENTRY, 2, index), constant(new OID(HR_STORAGE_TYPES).append(type)));
        v.put(column(HR_STORAGE_ENTRY, 3, index), constant(new OctetString(descr)));
        v.put(column(HR_STORAGE_ENTRY, 4, index), constant(new Integer32(units)));
        v.put(column(HR_STORAGE_ENTRY, 5, index), constant(new Integer32(clampInt(totalBytes / units))));
        v.put(column(HR_STORAGE_ENTRY, 6, index), constant(new Integer32(clampInt(usedBytes / units))));
        v.put(column(HR_STORAGE_ENTRY, 7, index), constant(new Counter32(0)));
    }

    /** Per-processor load over the last minute; absent until two readings a minute apart or so exist. */
    private void processors(Map<OID, Supplier<Variable>> v) {
        Instant now = clock.instant();
        ticks.add(new TickSample(now, processor.getProcessorCpuLoadTicks()));
        // Keep the newest sample that is at least a minute old as the baseline, and everything after it.
        while (ticks.size() > 2 && Duration.between(ticks.get(1).at(), now).compareTo(LOAD_WINDOW) >= 0) {
            ticks.remove(0);
        }
        if (ticks.size() < 2) {
            return;
        }
        double[] load = processor.getProcessorCpuLoadBetweenTicks(ticks.get(0).ticks());
        for (int i = 0; i < load.length; i++) {
            int index = FIRST_PROCESSOR_INDEX + i;
            v.put(column(HR_PROCESSOR_ENTRY, 1, index), constant(new OID("0.0")));
            double percent = Double.isFinite(load[i]) ? Math.max(0, Math.min(1, load[i])) * 100 : 0;
            v.put(column(HR_PROCESSOR_ENTRY, 2, index), constant(new Integer32((int) Math.round(percent))));
        }
    }

    private static int storageType(OSFileStore store) {
        String type = store.getType().toLowerCase(Locale.ROOT);
        String description = store.getDescription().toLowerCase(Locale.ROOT);
        if (description.contains("network") || type.startsWith("nfs") || type.equals("cifs") || type.equals("smbfs")) {
            return NETWORK_DISK;
        }
        if (description.contains("cd") || type.equals("iso9660") || type.equals("udf") || type.equals("cdfs")) {
            return COMPACT_DISC;
        }
        return description.contains("removable") ? REMOVABLE_DISK : FIXED_DISK;
    }

    /** The smallest power of two from 4 KiB that keeps hrStorageSize inside Integer32 (RFC 2790 gives no unit). */
    static int allocationUnits(long totalBytes) {
        long units = 4096;
        while (totalBytes / units > Integer.MAX_VALUE && units < (1L << 30)) {
            units <<= 1;
        }
        return (int) units;
    }

    static TimeTicks centiseconds(Duration d) {
        // TimeTicks wrap after 497 days, as every SNMP agent's do.
        return new TimeTicks(Math.max(0, d.toMillis() / 10) & 0xFFFF_FFFFL);
    }

    private static OID column(OID entry, int column, int index) {
        return new OID(entry).append(column).append(index);
    }

    private static int clampInt(long value) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(0, value));
    }
}
