package io.kilowatch.agent.ship;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kilowatch.core.report.Report;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ReportShipperTest {
    static Report report(long sequence) {
        Instant t = Instant.parse("2026-11-25T10:00:00Z").plusSeconds(15 * sequence);
        return new Report(1, "pc-1", sequence, t, 15.0, Map.of("class", "desktop"),
                new Report.Host("pc-1", "Windows 11", t.minusSeconds(3600), 3600.0, 1),
                new Report.Utilisation(0.1, 1L, 2L), new Report.Power(30.0, "model", 450.0 * sequence, t.minusSeconds(3600)),
                null, null);
    }

    private static ReportShipper shipper(URI uri, int maxBacklog, AtomicLong renumbered) {
        return new ReportShipper(uri, Duration.ofSeconds(2), maxBacklog, "test", last -> renumbered.incrementAndGet() + last);
    }

    @Test
    void deliversInOrderAfterTheCollectorComesBack() throws Exception {
        try (RecordingCollector collector = new RecordingCollector()) {
            ReportShipper shipper = shipper(collector.uri(), 100, new AtomicLong());
            collector.answer(r -> new RecordingCollector.Answer(503, "{\"error\":\"busy\"}"));
            shipper.ship(report(1));
            shipper.ship(report(2));
            assertEquals(2, shipper.backlogSize());
            assertEquals(0, collector.stored.size());
            collector.answer(r -> new RecordingCollector.Answer(201, "{\"duplicate\":false,\"last_sequence\":" + r.sequence() + "}"));
            shipper.ship(report(3));
            assertEquals(0, shipper.backlogSize());
            assertEquals(List.of(1L, 2L, 3L), collector.stored.stream().map(Report::sequence).toList());
            assertEquals(3, shipper.sent());
        }
    }

    @Test
    void unreachableCollectorKeepsABoundedBacklogAndCountsDrops() throws Exception {
        URI closed;
        try (RecordingCollector gone = new RecordingCollector()) {
            closed = gone.uri();
        }
        ReportShipper shipper = shipper(closed, 3, new AtomicLong());
        for (long s = 1; s <= 5; s++) {
            shipper.ship(report(s));
        }
        assertEquals(3, shipper.backlogSize());
        assertEquals(2, shipper.dropped());
    }

    @Test
    void aRejectedReportIsDroppedNotRetriedForever() throws Exception {
        try (RecordingCollector collector = new RecordingCollector()) {
            ReportShipper shipper = shipper(collector.uri(), 10, new AtomicLong());
            collector.answer(r -> r.sequence() == 1 ? new RecordingCollector.Answer(400, "{\"error\":\"bad\"}")
                    : new RecordingCollector.Answer(201, "{\"duplicate\":false,\"last_sequence\":" + r.sequence() + "}"));
            shipper.ship(report(1));
            shipper.ship(report(2));
            assertEquals(1, shipper.rejected());
            assertEquals(List.of(2L), collector.stored.stream().map(Report::sequence).toList());
        }
    }

    @Test
    void aDuplicateOfAnOlderNumberingIsResentUnderANewNumber() throws Exception {
        try (RecordingCollector collector = new RecordingCollector()) {
            AtomicLong renumbered = new AtomicLong();
            ReportShipper shipper = shipper(collector.uri(), 10, renumbered);
            // the agent lost its state: the collector already has sequences up to 900
            collector.answer(r -> r.sequence() <= 900
                    ? new RecordingCollector.Answer(200, "{\"duplicate\":true,\"last_sequence\":900}")
                    : new RecordingCollector.Answer(201, "{\"duplicate\":false,\"last_sequence\":" + r.sequence() + "}"));
            shipper.ship(report(1));
            assertEquals(1, renumbered.get());
            assertEquals(List.of(901L), collector.stored.stream().map(Report::sequence).toList());
        }
    }
}
