package io.kilowatch.core.availability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AvailabilityTest {
    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");
    private static final Duration GRACE = Duration.ofSeconds(45); // 3 missed 15 s reports

    private static Instant at(long minutes) {
        return T0.plus(Duration.ofMinutes(minutes));
    }

    @Test
    void alwaysReportingIsFullyAvailable() {
        List<UptimeSpan> spans = new ArrayList<>();
        for (int m = 0; m <= 60; m++) {
            Availability.record(spans, at(-120), at(m));
        }
        assertEquals(1, spans.size());
        assertEquals(1.0, Availability.ratio(spans, at(0), at(60), GRACE).orElseThrow(), 1e-12);
    }

    @Test
    void sleepsAcrossSeveralBootsAndTheGapBetweenThem() {
        // two boots, 0..100 and 120..200 minutes, down 100..120; sleeps at 10..20, 30..40, 95..105 (over the end of
        // the first boot into the gap), 150..160 and 190..250 (open past now, 200)
        List<UptimeSpan> spans = List.of(new UptimeSpan(at(0), at(100)), new UptimeSpan(at(120), at(200)));
        List<UptimeSpan> asleep = List.of(new UptimeSpan(at(150), at(160)), new UptimeSpan(at(10), at(20)), new UptimeSpan(at(95), at(105)),
                new UptimeSpan(at(30), at(40)), new UptimeSpan(at(190), at(250)));
        // up 180 min less 45 asleep in it = 135; asleep 50 in all; down 15 (105..120)
        assertEquals(135.0 / 200, Availability.ratio(spans, asleep, false, at(0), at(200), GRACE).orElseThrow(), 1e-12, "server");
        assertEquals(135.0 / 150, Availability.ratio(spans, asleep, true, at(0), at(200), GRACE).orElseThrow(), 1e-12, "desktop");
    }

    @Test
    void sleepIsNeitherUpNorDownForADesktopAndDownForAServer() {
        // one boot, reporting 0..60, with a reported sleep 20..40 inside the span (the same boot before and after)
        List<UptimeSpan> spans = new ArrayList<>();
        Availability.record(spans, at(-10), at(20));
        Availability.record(spans, at(-10), at(60));
        List<UptimeSpan> asleep = List.of(new UptimeSpan(at(20), at(40)));
        assertEquals(1.0, Availability.ratio(spans, asleep, true, at(0), at(60), GRACE).orElseThrow(), 1e-12, "desktop: expected");
        assertEquals(40.0 / 60.0, Availability.ratio(spans, asleep, false, at(0), at(60), GRACE).orElseThrow(), 1e-12, "server: down");
        assertEquals(1.0, Availability.ratio(spans, at(0), at(60), GRACE).orElseThrow(), 1e-12, "without the sleep known: up, as before");

        // stopped cleanly at 30 (open until now): the desktop's observed time ends there; the server is down from 30.75
        List<UptimeSpan> stopped = new ArrayList<>();
        Availability.record(stopped, at(-10), at(30));
        List<UptimeSpan> off = List.of(new UptimeSpan(at(30), at(60)));
        assertEquals(1.0, Availability.ratio(stopped, off, true, at(0), at(60), GRACE).orElseThrow(), 1e-12);
        assertEquals(30.0 / 60.0, Availability.ratio(stopped, off, false, at(0), at(60), GRACE).orElseThrow(), 1e-12);
        assertTrue(Availability.ratio(stopped, List.of(new UptimeSpan(at(-10), at(60))), true, at(0), at(60), GRACE).isEmpty(),
                "asleep the whole window: unknown, not 100 %");
    }

    @Test
    void aGapAfterTheGraceIsDownUntilTheNextBoot() {
        List<UptimeSpan> spans = new ArrayList<>();
        Availability.record(spans, at(0), at(0));
        Availability.record(spans, at(0), at(30)); // last report of first boot
        Availability.record(spans, at(40), at(45)); // rebooted at 40: down 30..40
        Availability.record(spans, at(40), at(60));
        assertEquals(2, spans.size());
        assertEquals(50.0 / 60.0, Availability.ratio(spans, at(0), at(60), GRACE).orElseThrow(), 1e-12);
    }

    @Test
    void silenceAfterTheLastReportCountsUpOnlyForTheGrace() {
        List<UptimeSpan> spans = new ArrayList<>(List.of(new UptimeSpan(at(0), at(50))));
        // 50 + 0.75 min of grace up, the rest of the hour down
        assertEquals((50 + 0.75) / 60.0, Availability.ratio(spans, at(0), at(60), GRACE).orElseThrow(), 1e-12);
        assertFalse(Availability.isUp(at(50), at(60), GRACE));
        assertTrue(Availability.isUp(at(50), at(50).plusSeconds(45), GRACE));
    }

    @Test
    void observationStartsAtTheEarliestEvidence() {
        List<UptimeSpan> spans = new ArrayList<>(List.of(new UptimeSpan(at(600), at(660))));
        // a 7-day window, but the device only exists for the last hour, all of it up
        assertEquals(1.0, Availability.ratio(spans, at(660).minus(Duration.ofDays(7)), at(660), GRACE).orElseThrow(), 1e-12);
    }

    @Test
    void spansBeforeTheWindowAreClippedAndOverlapsNotCountedTwice() {
        List<UptimeSpan> spans = new ArrayList<>(List.of(
                new UptimeSpan(at(-100), at(20)),
                new UptimeSpan(at(10), at(40)), // clock skew: overlaps the previous boot
                new UptimeSpan(at(50), at(60))));
        // up 0..40 and 50..60 within [0, 60): 50 of 60 minutes
        assertEquals(50.0 / 60.0, Availability.ratio(spans, at(0), at(60), GRACE).orElseThrow(), 1e-12);
    }

    @Test
    void noEvidenceIsUnknownNotZero() {
        assertTrue(Availability.ratio(List.of(), at(0), at(60), GRACE).isEmpty());
    }

    @Test
    void bootTimeWobbleIsTheSameBootButABootAfterTheLastReportIsNew() {
        List<UptimeSpan> spans = new ArrayList<>();
        Availability.record(spans, at(0), at(5));
        Availability.record(spans, at(0).plusSeconds(2), at(6)); // derived boot time moved by 2 s
        assertEquals(1, spans.size());
        assertEquals(at(6), spans.get(0).end());
        Availability.record(spans, at(6).plusSeconds(20), at(7)); // booted 20 s after the last report
        assertEquals(2, spans.size());
    }
}
