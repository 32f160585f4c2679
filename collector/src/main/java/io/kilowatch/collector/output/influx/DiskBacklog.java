package io.kilowatch.collector.output.influx;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded, crash-safe queue of points on disk: append-only segment files of framed records
 * (length, CRC-32, UTF-8 line protocol), each append forced to disk before it returns, read in order
 * from a checkpoint that is replaced atomically once InfluxDB has taken a batch. After a crash the
 * segments are scanned again; a torn record at the tail (a write cut short) is cut off, everything
 * before it is kept. When the bound is reached the oldest segment goes, and its unsent points are
 * reported as dropped, never silently.
 *
 * <p>Not thread-safe by itself; {@link InfluxOutput} calls it under one lock.
 */
final class DiskBacklog implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(DiskBacklog.class);
    private static final Pattern SEGMENT = Pattern.compile("segment-(\\d{19})\\.log");
    private static final int HEADER_BYTES = 8;
    /** A record larger than this is corruption, not a point. */
    private static final int MAX_RECORD_BYTES = 1 << 20;

    /** Where reading stands: a segment, a byte offset in it, and how many of its records lie before that offset. */
    record Position(long segment, long offset, int index) {
    }

    /** Points read from the backlog, not yet acknowledged; {@link #commit} takes the end. */
    record Batch(List<String> lines, Position end) {
    }

    private static final class Segment {
        final long id;
        final Path file;
        long bytes;
        int records;

        Segment(long id, Path file) {
            this.id = id;
            this.file = file;
        }
    }

    private final Path dir;
    private final long maxBytes;
    private final long segmentBytes;
    private final Deque<Segment> segments = new ArrayDeque<>();
    private FileChannel tail;
    private Position read;

    /** Opens (or creates) the backlog in {@code dir}, recovering what a crash left. */
    DiskBacklog(Path dir, long maxBytes) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.maxBytes = maxBytes;
        // Eight or more segments, so dropping the oldest frees a small part of the bound, not all of it.
        this.segmentBytes = Math.max(64 * 1024, Math.min(16L * 1024 * 1024, maxBytes / 8));
        Position checkpoint = readCheckpoint();
        List<Long> ids;
        try (Stream<Path> files = Files.list(dir)) {
            ids = files.map(p -> SEGMENT.matcher(p.getFileName().toString())).filter(Matcher::matches)
                    .map(m -> Long.parseLong(m.group(1))).sorted().toList();
        }
        for (long id : ids) {
            Segment s = new Segment(id, segmentFile(id));
            if (checkpoint != null && id < checkpoint.segment()) {
                Files.delete(s.file);
                continue;
            }
            scan(s);
            segments.addLast(s);
        }
        if (segments.isEmpty()) {
            segments.addLast(create(checkpoint == null ? 1 : checkpoint.segment() + 1));
        }
        Segment first = segments.peekFirst();
        read = checkpoint != null && checkpoint.segment() == first.id && checkpoint.offset() <= first.bytes
                ? checkpoint : new Position(first.id, 0, 0);
        tail = FileChannel.open(segments.peekLast().file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        if (pending() > 0) {
            LOG.atInfo().addKeyValue("points", pending()).addKeyValue("dir", dir).log("InfluxDB backlog found; it is sent first");
        }
    }

    /**
     * Appends points and forces them to disk. Returns how many points were dropped to stay within the
     * bound: unsent points of the oldest segments, or these new ones if a single batch exceeds it.
     */
    long append(List<String> lines) throws IOException {
        long dropped = 0;
        List<byte[]> records = new ArrayList<>(lines.size());
        long need = 0;
        for (String line : lines) {
            byte[] payload = line.getBytes(StandardCharsets.UTF_8);
            if (payload.length > MAX_RECORD_BYTES || need + HEADER_BYTES + payload.length > maxBytes - segmentBytes) {
                dropped++;
                continue;
            }
            records.add(payload);
            need += HEADER_BYTES + payload.length;
        }
        if (records.isEmpty()) {
            return dropped;
        }
        if (segments.peekLast().bytes > 0 && segments.peekLast().bytes + need > segmentBytes) {
            roll();
        }
        while (totalBytes() + need > maxBytes && segments.size() > 1) {
            dropped += dropOldest();
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) need);
        CRC32 crc = new CRC32();
        for (byte[] payload : records) {
            crc.reset();
            crc.update(payload);
            buffer.putInt(payload.length).putInt((int) crc.getValue()).put(payload);
        }
        buffer.flip();
        while (buffer.hasRemaining()) {
            tail.write(buffer);
        }
        tail.force(false);
        Segment last = segments.peekLast();
        last.bytes += need;
        last.records += records.size();
        return dropped;
    }

    /** Up to {@code max} points from the read position on, oldest first. */
    Batch peek(int max) throws IOException {
        List<String> lines = new ArrayList<>();
        Position at = read;
        for (Segment s : segments) {
            if (s.id < at.segment()) {
                continue;
            }
            long offset = s.id == at.segment() ? at.offset() : 0;
            int index = s.id == at.segment() ? at.index() : 0;
            if (offset >= s.bytes) {
                at = new Position(s.id, offset, index);
                continue;
            }
            try (FileChannel in = FileChannel.open(s.file, StandardOpenOption.READ)) {
                in.position(offset);
                ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
                while (offset < s.bytes && lines.size() < max) {
                    header.clear();
                    readFully(in, header);
                    int length = header.getInt(0);
                    ByteBuffer payload = ByteBuffer.allocate(length);
                    readFully(in, payload);
                    lines.add(new String(payload.array(), StandardCharsets.UTF_8));
                    offset += HEADER_BYTES + length;
                    index++;
                }
            }
            at = new Position(s.id, offset, index);
            if (lines.size() >= max) {
                break;
            }
        }
        return new Batch(lines, at);
    }

    /**
     * Marks everything before {@code end} as sent: the checkpoint is written to a temporary file,
     * forced, and renamed over the old one, so a crash leaves either the old or the new checkpoint.
     * Segments wholly before it are deleted. An end the bound has already dropped past is ignored.
     */
    void commit(Position end) throws IOException {
        if (end.segment() < read.segment() || (end.segment() == read.segment() && end.offset() <= read.offset())) {
            return;
        }
        Path temporary = dir.resolve("checkpoint.tmp");
        try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            out.write(ByteBuffer.wrap((end.segment() + " " + end.offset() + " " + end.index() + "\n").getBytes(StandardCharsets.US_ASCII)));
            out.force(true);
        }
        Files.move(temporary, dir.resolve("checkpoint"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        read = end;
        while (segments.size() > 1 && segments.peekFirst().id < read.segment()) {
            Files.delete(segments.removeFirst().file);
        }
    }

    /** Points appended and not yet committed. */
    long pending() {
        long n = 0;
        for (Segment s : segments) {
            if (s.id >= read.segment()) {
                n += s.records - (s.id == read.segment() ? read.index() : 0);
            }
        }
        return n;
    }

    long totalBytes() {
        return segments.stream().mapToLong(s -> s.bytes).sum();
    }

    @Override
    public void close() throws IOException {
        tail.close();
    }

    private long dropOldest() throws IOException {
        Segment oldest = segments.removeFirst();
        long unsent = oldest.id < read.segment() ? 0 : oldest.records - (oldest.id == read.segment() ? read.index() : 0);
        Files.delete(oldest.file);
        if (read.segment() <= oldest.id) {
            read = new Position(segments.peekFirst().id, 0, 0);
        }
        return unsent;
    }

    private void roll() throws IOException {
        tail.close();
        Segment next = create(segments.peekLast().id + 1);
        segments.addLast(next);
        tail = FileChannel.open(next.file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    private Segment create(long id) throws IOException {
        Segment s = new Segment(id, segmentFile(id));
        Files.createFile(s.file);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
        return s;
    }

    /** Counts a segment's whole records and cuts off a torn or corrupt tail. */
    private void scan(Segment s) throws IOException {
        try (FileChannel in = FileChannel.open(s.file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = in.size();
            long offset = 0;
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
            CRC32 crc = new CRC32();
            while (offset + HEADER_BYTES <= size) {
                header.clear();
                in.read(header, offset);
                int length = header.getInt(0);
                if (length < 0 || length > MAX_RECORD_BYTES || offset + HEADER_BYTES + length > size) {
                    break;
                }
                ByteBuffer payload = ByteBuffer.allocate(length);
                in.read(payload, offset + HEADER_BYTES);
                crc.reset();
                crc.update(payload.array());
                if ((int) crc.getValue() != header.getInt(4)) {
                    break;
                }
                offset += HEADER_BYTES + length;
                s.records++;
            }
            if (offset < size) {
                LOG.atWarn().addKeyValue("file", s.file).addKeyValue("bytes", size - offset)
                        .log("InfluxDB backlog segment ends in a torn record (a crash mid-write); cut off");
                in.truncate(offset);
                in.force(true);
            }
            s.bytes = offset;
        }
    }

    private Position readCheckpoint() throws IOException {
        Path file = dir.resolve("checkpoint");
        if (!Files.exists(file)) {
            return null;
        }
        String[] parts = Files.readString(file, StandardCharsets.US_ASCII).trim().split(" ");
        try {
            return new Position(Long.parseLong(parts[0]), Long.parseLong(parts[1]), Integer.parseInt(parts[2]));
        } catch (RuntimeException e) {
            throw new IOException("InfluxDB backlog checkpoint " + file + " is unreadable: " + e.getMessage(), e);
        }
    }

    private Path segmentFile(long id) {
        return dir.resolve(String.format("segment-%019d.log", id));
    }

    private static void readFully(FileChannel in, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (in.read(buffer) < 0) {
                throw new IOException("InfluxDB backlog segment ended early");
            }
        }
    }
}
