package io.kilowatch.agent.ship;

import io.kilowatch.core.retry.Backoff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.agent.ship.RecordingCollector.Answer;
import io.kilowatch.core.report.Report;
import io.kilowatch.core.testing.ManualClock;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportShipperTest {
    static Report report(long sequence) {
        Instant t = Instant.parse("2026-11-25T10:00:00Z").plusSeconds(15 * sequence);
        return new Report(1, "pc-1", sequence, t, 15.0, Map.of("class", "desktop"),
                new Report.Host("pc-1", "Windows 11", t.minusSeconds(3600), 3600.0, 1),
                new Report.Utilisation(0.1, 1L, 2L), new Report.Power(30.0, "model", 450.0 * sequence, t.minusSeconds(3600)),
                null, null);
    }

    private static final Clock FIXED = Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC);

    private static ReportShipper shipper(URI uri, ReportSpool spool, int batch, AtomicLong renumbered, Clock clock) throws Exception {
        Path unused = java.nio.file.Files.createTempDirectory("kilowatch-no-credential").resolve("credential");
        return shipper(uri, spool, batch, renumbered, clock, Optional.empty(), new CredentialFile(unused));
    }

    private static ReportShipper shipper(URI uri, ReportSpool spool, int batch, AtomicLong renumbered, Clock clock,
                                         Optional<String> enrolmentToken, CredentialFile credential) {
        return new ReportShipper(List.of(uri), Duration.ofMinutes(5), Duration.ofSeconds(2), batch, "test", spool, last -> renumbered.incrementAndGet() + last,
                new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5), new SplittableRandom(7)), clock, "pc-1", enrolmentToken, credential,
                Tls.context(Optional.empty(), Optional.empty(), Optional.empty()));
    }

    /** A shipper over these collectors in order, batches of 10, failing back after 5 minutes. */
    private static ReportShipper overCollectors(List<URI> collectors, ReportSpool spool, Clock clock, Optional<String> enrolmentToken,
                                                Path credential) {
        return new ReportShipper(collectors, Duration.ofMinutes(5), Duration.ofSeconds(2), 10, "test", spool, last -> last + 1,
                new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5), new SplittableRandom(7)), clock, "pc-1", enrolmentToken,
                new CredentialFile(credential), Tls.context(Optional.empty(), Optional.empty(), Optional.empty()));
    }

    /** A loopback port nothing listens on. */
    private static int deadPort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void failsOverInOrderAndReturnsToTheFirstAfterTheFailbackInterval(@TempDir Path dir) throws Exception {
        int deadPort = deadPort();
        try (RecordingCollector first = new RecordingCollector(); RecordingCollector second = new RecordingCollector()) {
            URI dead = URI.create("http://127.0.0.1:" + deadPort);
            first.answer(r -> Answer.fail(503));
            ReportSpool spool = ReportSpool.open(dir.resolve("spool"), 100);
            ManualClock clock = new ManualClock(FIXED.instant());
            Path credential = dir.resolve("credential");
            ReportShipper shipper = overCollectors(List.of(first.uri(), dead, second.uri()), spool, clock, Optional.empty(), credential);
            spool.append(report(1));
            shipper.drain();
            assertEquals(List.of(1L), second.stored.stream().map(Report::sequence).toList(), "503 and a dead port: on to the third");
            assertEquals(second.uri(), shipper.activeCollector());

            first.answer(r -> Answer.stored());
            clock.advance(Duration.ofMinutes(4));
            spool.append(report(2));
            shipper.drain();
            assertEquals(List.of(1L, 2L), second.stored.stream().map(Report::sequence).toList(), "stays on the third until the failback interval");

            clock.advance(Duration.ofMinutes(2));
            spool.append(report(3));
            shipper.drain();
            assertEquals(List.of(3L), first.stored.stream().map(Report::sequence).toList(), "back on the first once it answers");
            assertEquals(first.uri(), shipper.activeCollector());
            assertEquals(0, spool.size());

            first.answer(r -> Answer.fail(503));
            second.answer(r -> Answer.fail(503));
            spool.append(report(4));
            shipper.drain();
            assertEquals(1, spool.size(), "every collector failed: kept for later");
            assertEquals(first.uri(), shipper.activeCollector(), "the next attempt starts again from the first");
        }
    }

    private static List<Long> sequences(RecordingCollector c) {
        return c.stored.stream().map(Report::sequence).toList();
    }

    @Test
    void aCollectorAskingToWaitIsLeftAloneThatLongAndTheNextTakesOver(@TempDir Path dir) throws Exception {
        try (RecordingCollector first = new RecordingCollector(); RecordingCollector second = new RecordingCollector()) {
            first.answer(r -> Answer.fail(503));
            first.retryAfter("120");
            ReportSpool spool = ReportSpool.open(dir.resolve("spool"), 100);
            ManualClock clock = new ManualClock(FIXED.instant());
            // failing back after 1 minute, sooner than the 2 minutes the first collector asks for
            ReportShipper shipper = new ReportShipper(List.of(first.uri(), second.uri()), Duration.ofMinutes(1), Duration.ofSeconds(2), 10, "test",
                    spool, last -> last + 1, new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5), new SplittableRandom(7)), clock, "pc-1",
                    Optional.empty(), new CredentialFile(dir.resolve("credential")), Tls.context(Optional.empty(), Optional.empty(), Optional.empty()));
            spool.append(report(1));
            shipper.drain();
            assertEquals(1, first.batchRequests());
            assertEquals(List.of(1L), sequences(second), "503 with Retry-After: on to the next at once");

            first.answer(r -> Answer.stored());
            clock.advance(Duration.ofSeconds(90));
            spool.append(report(2));
            shipper.drain();
            assertEquals(1, first.batchRequests(), "past the failback interval but not past Retry-After: the first is not asked");
            assertEquals(List.of(1L, 2L), sequences(second));

            clock.advance(Duration.ofSeconds(31));
            spool.append(report(3));
            shipper.drain();
            assertEquals(List.of(3L), sequences(first), "back on the first once its Retry-After has passed");
            assertEquals(0, spool.size(), "nothing lost on the way");
        }
    }

    @Test
    void withEveryCollectorWaitingReportsStaySpooledUntilTheFirstIsFree(@TempDir Path dir) throws Exception {
        try (RecordingCollector first = new RecordingCollector(); RecordingCollector second = new RecordingCollector()) {
            first.answer(r -> Answer.fail(503));
            first.retryAfter("30");
            second.answer(r -> Answer.fail(429));
            second.retryAfter(java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(FIXED.instant().plusSeconds(90).atZone(ZoneOffset.UTC)));
            ReportSpool spool = ReportSpool.open(dir.resolve("spool"), 100);
            ManualClock clock = new ManualClock(FIXED.instant());
            ReportShipper shipper = overCollectors(List.of(first.uri(), second.uri()), spool, clock, Optional.empty(), dir.resolve("credential"));
            LongStream.rangeClosed(1, 25).forEach(n -> spool.append(report(n)));
            shipper.drain();
            assertEquals(List.of(1, 1), List.of(first.batchRequests(), second.batchRequests()), "each asked once, then both asked to wait");

            first.answer(r -> Answer.stored());
            second.answer(r -> Answer.stored());
            for (int s = 1; s < 30; s++) {
                clock.advance(Duration.ofSeconds(1));
                shipper.drain();
            }
            assertEquals(List.of(1, 1), List.of(first.batchRequests(), second.batchRequests()), "not asked again before 30 s, whatever the backoff");
            assertEquals(25, spool.size());

            clock.advance(Duration.ofSeconds(1));
            shipper.drain();
            assertEquals(LongStream.rangeClosed(1, 25).boxed().toList(), sequences(first), "all of it, in order, once the first is free");
            assertEquals(1, second.batchRequests(), "the second, still waiting, was not asked");
            assertEquals(0, spool.size());
        }
    }

    @Test
    void aRetryAfterOfHoursHoldsBackFiveMinutesAtMost(@TempDir Path dir) throws Exception {
        try (RecordingCollector collector = new RecordingCollector()) {
            collector.answer(r -> Answer.fail(503));
            collector.retryAfter("86400");
            ReportSpool spool = ReportSpool.open(dir.resolve("spool"), 100);
            ManualClock clock = new ManualClock(FIXED.instant());
            ReportShipper shipper = shipper(collector.uri(), spool, 10, new AtomicLong(), clock);
            spool.append(report(1));
            shipper.drain();
            collector.answer(r -> Answer.stored());
            clock.advance(ReportShipper.MAX_RETRY_AFTER.minusSeconds(1));
            shipper.drain();
            assertEquals(1, collector.batchRequests());
            clock.advance(Duration.ofSeconds(1));
            shipper.drain();
            assertEquals(List.of(1L), sequences(collector));
        }
    }

    @Test
    void enrolsWithTheCollectorItFailsOverTo(@TempDir Path dir) throws Exception {
        int deadPort = deadPort();
        try (RecordingCollector live = new RecordingCollector()) {
            live.requireCredential("estate-token");
            ReportSpool spool = ReportSpool.open(dir.resolve("spool"), 100);
            ReportShipper shipper = overCollectors(List.of(URI.create("http://127.0.0.1:" + deadPort), live.uri()), spool,
                    new ManualClock(FIXED.instant()), Optional.of("estate-token"), dir.resolve("credential"));
            spool.append(report(1));
            shipper.drain();
            assertEquals(1, live.enrolments.size(), "enrolled with the live collector, not left with a credential no collector knows");
            assertEquals(List.of(1L), live.stored.stream().map(Report::sequence).toList());
        }
    }

    @Test
    void enrolsWithTheNextCollectorWhenTheFirstFailsItsEnrolment(@TempDir Path dir) throws Exception {
        com.sun.net.httpserver.HttpServer failing = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        failing.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        failing.start();
        try (RecordingCollector live = new RecordingCollector()) {
            live.requireCredential("estate-token");
            ReportSpool spool = ReportSpool.open(dir.resolve("spool"), 100);
            ReportShipper shipper = overCollectors(List.of(URI.create("http://127.0.0.1:" + failing.getAddress().getPort()), live.uri()), spool,
                    new ManualClock(FIXED.instant()), Optional.of("estate-token"), dir.resolve("credential"));
            spool.append(report(1));
            shipper.drain();
            assertEquals(1, live.enrolments.size(), "a collector answering 503 to the enrolment hands over, as for reports");
            assertEquals(List.of(1L), live.stored.stream().map(Report::sequence).toList());
            assertEquals(live.uri(), shipper.activeCollector());
        } finally {
            failing.stop(0);
        }
    }

    @Test
    void enrolsOnceKeepsItsCredentialAndEnrolsAgainWhenItIsRevoked(@TempDir Path dir) throws Exception {
        try (RecordingCollector collector = new RecordingCollector()) {
            collector.requireCredential("estate-token");
            ReportSpool spool = ReportSpool.open(dir.resolve("spool"), 100);
            CredentialFile file = new CredentialFile(dir.resolve("credential-pc-1"));
            ManualClock clock = new ManualClock(FIXED.instant());
            ReportShipper shipper = shipper(collector.uri(), spool, 10, new AtomicLong(), clock, Optional.of("estate-token"), file);
            spool.append(report(1));
            shipper.drain();
            spool.append(report(2));
            shipper.drain();
            assertEquals(1, collector.enrolments.size(), "one enrolment, then the kept credential");
            String first = file.read().orElseThrow();
            assertEquals(collector.enrolledCredential(), first);
            assertTrue(first.matches("[A-Za-z0-9_-]{43}"), "32 random bytes, URL-safe base64: " + first);
            assertEquals(List.of(1L, 2L), collector.stored.stream().map(Report::sequence).toList());
            if (java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                        java.nio.file.Files.getPosixFilePermissions(dir.resolve("credential-pc-1"))));
            }

            collector.revokeCredential();
            spool.append(report(3));
            shipper.drain();
            assertEquals(1, spool.size(), "refused: kept for later");
            assertTrue(file.read().isEmpty(), "a refused credential is forgotten");
            clock.advance(Duration.ofMinutes(10));
            shipper.drain();
            assertEquals(2, collector.enrolments.size());
            assertEquals(collector.enrolledCredential(), file.read().orElseThrow());
            assertNotEquals(first, file.read().orElseThrow(), "a new credential after revocation");
            assertEquals(List.of(1L, 2L, 3L), collector.stored.stream().map(Report::sequence).toList());
        }
    }

    @Test
    void anEnrolmentWhoseAnswerIsLostStillCounts(@TempDir Path dir) throws Exception {
        try (RecordingCollector collector = new RecordingCollector()) {
            collector.requireCredential("estate-token");
            collector.loseNextEnrolmentAnswer();
            ReportSpool spool = ReportSpool.open(dir.resolve("spool"), 100);
            CredentialFile file = new CredentialFile(dir.resolve("credential-pc-1"));
            ManualClock clock = new ManualClock(FIXED.instant());
            ReportShipper shipper = shipper(collector.uri(), spool, 10, new AtomicLong(), clock, Optional.of("estate-token"), file);
            spool.append(report(1));
            shipper.drain();
            assertEquals(1, spool.size(), "no answer: the report waits");
            assertEquals(collector.enrolledCredential(), file.read().orElseThrow(), "the credential was kept before asking");
            clock.advance(Duration.ofMinutes(10));
            shipper.drain();
            assertEquals(List.of(1L), collector.stored.stream().map(Report::sequence).toList());
            assertEquals(1, collector.enrolments.size(), "the kept credential works: no second enrolment, no 409");
        }
    }

    @Test
    void aWrongEnrolmentTokenKeepsEverythingSpooled(@TempDir Path dir) throws Exception {
        try (RecordingCollector collector = new RecordingCollector()) {
            collector.requireCredential("estate-token");
            ReportSpool spool = ReportSpool.open(dir.resolve("spool"), 100);
            ReportShipper shipper = shipper(collector.uri(), spool, 10, new AtomicLong(), FIXED, Optional.of("guess"),
                    new CredentialFile(dir.resolve("credential-pc-1")));
            spool.append(report(1));
            shipper.drain();
            assertEquals(1, spool.size());
            assertEquals(0, collector.stored.size());
        }
    }

    @Test
    void catchesUpInOrderAndInBatchesAfterTheCollectorComesBack(@TempDir Path dir) throws Exception {
        try (RecordingCollector collector = new RecordingCollector()) {
            ReportSpool spool = ReportSpool.open(dir, 1000);
            collector.answer(r -> Answer.fail(503));
            ManualClock clock = new ManualClock(FIXED.instant());
            ReportShipper shipper = shipper(collector.uri(), spool, 10, new AtomicLong(), clock);
            for (long s = 1; s <= 25; s++) {
                spool.append(report(s));
                shipper.drain();
            }
            assertEquals(25, spool.size(), "nothing leaves the spool while the collector fails");
            assertEquals(1, collector.batchSizes.size(), "backoff: no new attempt within the wait");

            collector.answer(r -> Answer.stored());
            clock.advance(Duration.ofMinutes(6));
            shipper.drain();
            assertEquals(0, spool.size());
            assertEquals(LongStream.rangeClosed(1, 25).boxed().toList(), collector.stored.stream().map(Report::sequence).toList());
            assertEquals(List.of(1, 10, 10, 5), collector.batchSizes);
            assertEquals(25, shipper.sent());
        }
    }

    @Test
    void aRejectedReportLeavesTheSpoolAndTheOthersGoOn(@TempDir Path dir) throws Exception {
        try (RecordingCollector collector = new RecordingCollector()) {
            ReportSpool spool = ReportSpool.open(dir, 1000);
            collector.answer(r -> r.sequence() == 2 ? Answer.rejected() : Answer.stored());
            ReportShipper shipper = shipper(collector.uri(), spool, 10, new AtomicLong(), FIXED);
            for (long s = 1; s <= 3; s++) {
                spool.append(report(s));
            }
            shipper.drain();
            assertEquals(1, shipper.rejected());
            assertEquals(List.of(1L, 3L), collector.stored.stream().map(Report::sequence).toList());
            assertEquals(0, spool.size());
        }
    }

    @Test
    void aReportWhoseNumberIsTakenIsResentUnderANewNumber(@TempDir Path dir) throws Exception {
        try (RecordingCollector collector = new RecordingCollector()) {
            AtomicLong renumbered = new AtomicLong();
            ReportSpool spool = ReportSpool.open(dir, 1000);
            // the agent lost its state: the collector already has sequences up to 900
            collector.answer(r -> r.sequence() <= 900 ? Answer.sequenceTaken(900) : Answer.stored());
            ReportShipper shipper = shipper(collector.uri(), spool, 10, renumbered, FIXED);
            spool.append(report(1));
            shipper.drain();
            assertEquals(1, renumbered.get());
            assertEquals(List.of(901L), collector.stored.stream().map(Report::sequence).toList());
            assertEquals(0, spool.size());
        }
    }

    @Test
    void aPlainResendIsSettledWithoutRenumbering(@TempDir Path dir) throws Exception {
        try (RecordingCollector collector = new RecordingCollector()) {
            AtomicLong renumbered = new AtomicLong();
            ReportSpool spool = ReportSpool.open(dir, 1000);
            // stored from a request whose answer was lost, and later reports stored since: still the same report
            collector.answer(r -> Answer.duplicate(r.sequence() + 20));
            spool.append(report(7));
            shipper(collector.uri(), spool, 10, renumbered, FIXED).drain();
            assertEquals(0, renumbered.get());
            assertEquals(0, spool.size());
            assertTrue(collector.stored.isEmpty());
        }
    }

    @Test
    void anUnreachableCollectorLeavesEverythingSpooled(@TempDir Path dir) throws Exception {
        URI closed;
        try (RecordingCollector gone = new RecordingCollector()) {
            closed = gone.uri();
        }
        ReportSpool spool = ReportSpool.open(dir, 3);
        ReportShipper shipper = shipper(closed, spool, 10, new AtomicLong(), FIXED);
        for (long s = 1; s <= 5; s++) {
            spool.append(report(s));
            shipper.drain();
        }
        assertEquals(3, spool.size());
        assertEquals(2, spool.droppedTotal());
        assertTrue(spool.oldest(10).stream().map(ReportSpool.Spooled::sequence).toList().equals(List.of(3L, 4L, 5L)));
    }
}
