package io.kilowatch.collector.output.influx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskBacklogTest {
    @TempDir
    Path dir;

    private static List<String> points(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "m,device=d" + (i % 3) + " v=" + i + " " + (1_700_000_000_000_000_000L + i)).toList();
    }

    @Test
    void pointsComeBackInOrderAndCommittedOnesDoNotReturnAfterReopening() throws IOException {
        try (DiskBacklog b = new DiskBacklog(dir, 64L * 1024 * 1024)) {
            assertEquals(0, b.append(points(0, 100)));
            assertEquals(100, b.pending());
            DiskBacklog.Batch first = b.peek(30);
            assertEquals(points(0, 30), first.lines());
            assertEquals(first.lines(), b.peek(30).lines(), "peeking does not consume");
            b.commit(first.end());
            assertEquals(70, b.pending());
            b.append(points(100, 120));
        }
        try (DiskBacklog b = new DiskBacklog(dir, 64L * 1024 * 1024)) {
            assertEquals(90, b.pending());
            assertEquals(points(30, 120), b.peek(1000).lines());
        }
    }

    @Test
    void readingCrossesSegmentsAndFinishedSegmentsAreDeleted() throws IOException {
        try (DiskBacklog b = new DiskBacklog(dir, 1024 * 1024)) { // 128 KiB segments
            for (int i = 0; i < 80; i++) {
                b.append(points(i * 100, i * 100 + 100));
            }
            assertTrue(segments() > 2, "several segments: " + segments());
            List<String> all = new ArrayList<>();
            while (b.pending() > 0) {
                DiskBacklog.Batch batch = b.peek(333);
                all.addAll(batch.lines());
                b.commit(batch.end());
            }
            assertEquals(points(0, 8000), all);
            assertEquals(1, segments(), "only the segment being written remains");
        }
    }

    @Test
    void aTornRecordAtTheTailIsCutOffAndEverythingBeforeItKept() throws IOException {
        try (DiskBacklog b = new DiskBacklog(dir, 64L * 1024 * 1024)) {
            b.append(points(0, 10));
        }
        Path segment = onlySegment();
        long whole = Files.size(segment);
        // A crash in the middle of a write: a header promising more bytes than follow.
        Files.write(segment, new byte[] {0, 0, 0, 100, 1, 2, 3, 4, 'm', ','}, StandardOpenOption.APPEND);
        try (DiskBacklog b = new DiskBacklog(dir, 64L * 1024 * 1024)) {
            assertEquals(10, b.pending());
            assertEquals(whole, Files.size(segment));
            b.append(points(10, 12));
            assertEquals(points(0, 12), b.peek(100).lines());
        }
    }

    @Test
    void aCorruptRecordEndsTheSegmentWhereItStarts() throws IOException {
        try (DiskBacklog b = new DiskBacklog(dir, 64L * 1024 * 1024)) {
            b.append(points(0, 10));
        }
        Path segment = onlySegment();
        byte[] bytes = Files.readAllBytes(segment);
        bytes[bytes.length - 3] ^= 0x55; // flips a bit in the last record's payload: its CRC no longer matches
        Files.write(segment, bytes);
        try (DiskBacklog b = new DiskBacklog(dir, 64L * 1024 * 1024)) {
            assertEquals(points(0, 9), b.peek(100).lines());
        }
    }

    @Test
    void pastTheBoundTheOldestUnsentPointsAreDroppedAndCounted() throws IOException {
        long max = 1024 * 1024;
        try (DiskBacklog b = new DiskBacklog(dir, max)) {
            long dropped = 0;
            int appended = 0;
            for (int i = 0; i < 400; i++) {
                dropped += b.append(points(i * 100, i * 100 + 100));
                appended += 100;
            }
            assertTrue(dropped > 0, "the bound was reached");
            assertTrue(b.totalBytes() <= max, b.totalBytes() + " bytes on disk");
            assertEquals(appended - dropped, b.pending(), "every point is either pending or counted as dropped");
            List<String> left = b.peek(Integer.MAX_VALUE).lines();
            assertEquals(points(appended - left.size(), appended), left, "the newest points are kept, in order");
        }
    }

    private long segments() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("segment-")).count();
        }
    }

    private Path onlySegment() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> all = files.filter(p -> p.getFileName().toString().startsWith("segment-")).toList();
            assertEquals(1, all.size());
            return all.get(0);
        }
    }
}
