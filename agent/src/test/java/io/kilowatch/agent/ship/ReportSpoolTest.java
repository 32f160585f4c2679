package io.kilowatch.agent.ship;

import static io.kilowatch.agent.ship.ReportShipperTest.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.core.report.ReportCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportSpoolTest {
    @Test
    void whatWasSpooledIsThereAfterAReopenInOrder(@TempDir Path dir) throws Exception {
        ReportSpool spool = ReportSpool.open(dir, 100);
        spool.append(report(12));
        spool.append(report(10));
        spool.append(report(11));
        ReportSpool reopened = ReportSpool.open(dir, 100);
        assertEquals(List.of(10L, 11L, 12L), reopened.oldest(10).stream().map(ReportSpool.Spooled::sequence).toList());
        assertEquals(report(11), ReportCodec.fromJson(reopened.oldest(10).get(1).json()));
        assertEquals(12, reopened.maxSequence());
        reopened.remove(10);
        assertEquals(List.of(11L), ReportSpool.open(dir, 100).oldest(1).stream().map(ReportSpool.Spooled::sequence).toList());
    }

    @Test
    void aWriteCutShortLeavesNoReportAndATornFileIsSetAside(@TempDir Path dir) throws Exception {
        ReportSpool spool = ReportSpool.open(dir, 100);
        spool.append(report(1));
        Files.writeString(dir.resolve("00000000000000000002.json.tmp"), "{\"schema_vers");
        Files.writeString(dir.resolve("00000000000000000003.json"), "{\"schema_version\":1,\"device_");
        Files.writeString(dir.resolve("00000000000000000004.json"), "{\"schema_version\":1,\"sequence\":5}");
        ReportSpool reopened = ReportSpool.open(dir, 100);
        assertFalse(Files.exists(dir.resolve("00000000000000000002.json.tmp")));
        assertEquals(List.of(1L), reopened.oldest(10).stream().map(ReportSpool.Spooled::sequence).toList());
        assertTrue(Files.exists(dir.resolve("unreadable/00000000000000000003.json")));
        assertTrue(Files.exists(dir.resolve("unreadable/00000000000000000004.json")), "a report under another's number");
        assertEquals(1, reopened.size());
    }

    @Test
    void pastTheBoundTheOldestAreDroppedAndTheCountIsKept(@TempDir Path dir) {
        ReportSpool spool = ReportSpool.open(dir, 2);
        for (long s = 1; s <= 5; s++) {
            spool.append(report(s));
        }
        assertEquals(List.of(4L, 5L), spool.oldest(10).stream().map(ReportSpool.Spooled::sequence).toList());
        assertEquals(3, spool.droppedTotal());
        assertEquals(3, ReportSpool.open(dir, 2).droppedTotal());
    }
}
