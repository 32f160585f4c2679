package io.kilowatch.collector.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.collector.estate.DeviceRow;
import io.kilowatch.collector.estate.MeteredEnergy;
import io.kilowatch.collector.estate.RollupIncrement;
import io.kilowatch.collector.estate.SampleRow;
import io.kilowatch.collector.estate.SessionIncrement;
import io.kilowatch.core.availability.UptimeSpan;
import io.kilowatch.core.carbon.EnergyFootprint;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ingest journal's bytes: a report's writes come back equal, every component and every null. */
class RecordCodecTest {
    private static ReportWrites everything() {
        DeviceRow device = new DeviceRow("pc-é-1", new DeviceRow.Identity("Council", "Town Hall", "ICT", "desktop"),
                new DeviceRow.Host("pc-1", "Windows 11", 1_700_000_000_000L, 2),
                new DeviceRow.Reporting(1, 2, 3, 42, 15_000, 99L), new DeviceRow.Utilisation(0.25, 4L << 30, 16L << 30),
                new DeviceRow.Power(41.5, "model", 5, 123.25), new DeviceRow.Counted(1e6, 42.5),
                new DeviceRow.AgentSelf("1.2.3", 0.001, 30L << 20, 7, 1L),
                new DeviceRow.Inventory("{\"cpu\":\"x".repeat(30_000) + "\"}", 8L)); // longer than a 64 KiB modified-UTF-8 string
        SampleRow sample = new SampleRow("pc-é-1", 42, 10, 11, 41.5, "model", 0.25, 4L << 30, 1_700_000_000_000L, 123.25, 600, 0.1);
        EnergyFootprint footprint = new EnergyFootprint(600, 60, 0.1, 0.01, 0.005, 0, 0.0001, 0, 0, 600, 0, 0.02, 0, List.of("DESNZ 2025", "flat"));
        return new ReportWrites("pc-é-1", 1_700_000_000_000L, 10, sample, device, true, new MeteredEnergy(900, 30_000),
                List.of(new UptimeSpan(Instant.ofEpochSecond(100, 5), Instant.ofEpochSecond(200))),
                List.of(new RollupIncrement("pc-é-1", RollupIncrement.HOUR, 0, footprint, 300.0, 0.5),
                        new RollupIncrement("pc-é-1", RollupIncrement.DAY, 0, footprint, null, 0)),
                new SessionIncrement("pc-é-1", 0, 15, 1));
    }

    private static ReportWrites nulls() {
        DeviceRow device = new DeviceRow("vm", new DeviceRow.Identity(null, null, null, "server"), new DeviceRow.Host(null, null, 0, null),
                new DeviceRow.Reporting(1, 2, 3, 4, 5, null), new DeviceRow.Utilisation(0, null, null), new DeviceRow.Power(0, "model", 0, 0),
                new DeviceRow.Counted(0, 0), new DeviceRow.AgentSelf(null, null, null, null, null), new DeviceRow.Inventory(null, null));
        SampleRow sample = new SampleRow("vm", 1, 0, 0, 0, "model", 0, null, 0, 0, 0, 0);
        return new ReportWrites("vm", 0, 0, sample, null, false, MeteredEnergy.NONE, List.of(), List.of(), null);
    }

    @Test
    void aGroupOfReportsWritesComesBackEqual() {
        List<ReportWrites> group = List.of(everything(), nulls(), everything());
        assertEquals(group, RecordCodec.decode(ReportWrites.class, RecordCodec.encode(ReportWrites.class, group)));
        assertEquals(List.of(), RecordCodec.decode(ReportWrites.class, RecordCodec.encode(ReportWrites.class, List.of())));
    }

    @Test
    void bytesThatAreNotAJournalRowAreRefused() {
        byte[] encoded = RecordCodec.encode(ReportWrites.class, List.of(everything()));
        IllegalArgumentException cut = assertThrows(IllegalArgumentException.class,
                () -> RecordCodec.decode(ReportWrites.class, Arrays.copyOf(encoded, encoded.length / 2)));
        assertTrue(cut.getMessage().startsWith("not a journal of ReportWrites"), cut.getMessage());
        byte[] longer = Arrays.copyOf(encoded, encoded.length + 3);
        IllegalArgumentException extra = assertThrows(IllegalArgumentException.class, () -> RecordCodec.decode(ReportWrites.class, longer));
        assertTrue(extra.getMessage().contains("3 bytes left over"), extra.getMessage());
    }
}
