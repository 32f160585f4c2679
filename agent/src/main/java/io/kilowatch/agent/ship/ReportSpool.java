package io.kilowatch.agent.ship;

import io.kilowatch.core.report.Report;
import io.kilowatch.core.report.ReportJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports not yet acknowledged by the collector, one file each, named by sequence number. A report is
 * written to a temporary file, forced to disk and renamed into place before it is offered to the
 * collector, so it survives kill -9 and power loss; it is deleted only once the collector has answered
 * for it. Past {@code maxReports} the oldest are dropped and counted (their energy is not lost: every
 * later report carries the agent's counter). Reports are kept and sent as the JSON they were written as,
 * never read back into objects. Thread-safe.
 */
public final class ReportSpool {
    private static final Logger LOG = LoggerFactory.getLogger(ReportSpool.class);
    private static final String SUFFIX = ".json";
    private static final String DROPPED_FILE = "dropped-total";

    private final Path dir;
    private final int maxReports;
    private final TreeMap<Long, Path> files = new TreeMap<>();
    private long droppedTotal;

    /** A spooled report: its sequence number and its JSON as the collector takes it. */
    public record Spooled(long sequence, String json) {
    }

    private ReportSpool(Path dir, int maxReports) {
        this.dir = dir;
        this.maxReports = maxReports;
    }

    /** Opens (or creates) a spool directory, picking up what an earlier run left in it. */
    public static ReportSpool open(Path dir, int maxReports) {
        ReportSpool spool = new ReportSpool(dir, maxReports);
        try {
            Files.createDirectories(dir);
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path file : entries) {
                    String name = file.getFileName().toString();
                    if (name.endsWith(".tmp")) {
                        Files.deleteIfExists(file); // a write cut short before its rename: never offered, never acknowledged
                    } else if (name.endsWith(SUFFIX)) {
                        spool.files.put(Long.parseLong(name.substring(0, name.length() - SUFFIX.length())), file);
                    }
                }
            }
            Path dropped = dir.resolve(DROPPED_FILE);
            if (Files.exists(dropped)) {
                spool.droppedTotal = Long.parseLong(Files.readString(dropped).trim());
            }
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot open the report spool in " + dir + ": " + e.getMessage(), e);
        }
        return spool;
    }

    /** Writes a report durably; drops the oldest past the bound. */
    public synchronized void append(Report report) {
        Path file = dir.resolve(String.format("%020d%s", report.sequence(), SUFFIX));
        writeDurably(file, ReportJson.toJson(report));
        files.put(report.sequence(), file);
        long droppedNow = 0;
        while (files.size() > maxReports) {
            delete(files.pollFirstEntry().getValue());
            droppedNow++;
        }
        if (droppedNow > 0) {
            droppedTotal += droppedNow;
            writeDurably(dir.resolve(DROPPED_FILE), Long.toString(droppedTotal));
            LOG.atWarn().addKeyValue("dropped", droppedNow).addKeyValue("dropped_total", droppedTotal)
                    .addKeyValue("max_reports", maxReports).log("report spool full; oldest reports dropped");
        }
    }

    /**
     * Up to {@code limit} of the oldest reports, in sequence order. A file that is not one JSON object
     * with its own sequence number (a damaged disk) is set aside, so it cannot spoil a batch.
     */
    public synchronized List<Spooled> oldest(int limit) {
        List<Spooled> reports = new ArrayList<>();
        for (Map.Entry<Long, Path> entry : new ArrayList<>(files.entrySet())) {
            if (reports.size() >= limit) {
                break;
            }
            try {
                String json = Files.readString(entry.getValue(), StandardCharsets.UTF_8);
                if (!(Json.member(Json.parse(json), "sequence") instanceof Long sequence) || sequence != entry.getKey().longValue()) {
                    throw new IllegalArgumentException("not the report its name says");
                }
                reports.add(new Spooled(entry.getKey(), json));
            } catch (IOException | IllegalArgumentException e) {
                LOG.atError().addKeyValue("file", entry.getValue()).addKeyValue("error", e.getMessage())
                        .log("unreadable spooled report set aside");
                setAside(entry.getValue());
                files.remove(entry.getKey());
            }
        }
        return reports;
    }

    /** Forgets a report the collector has answered for. */
    public synchronized void remove(long sequence) {
        Path file = files.remove(sequence);
        if (file != null) {
            delete(file);
        }
    }

    public synchronized int size() {
        return files.size();
    }

    public synchronized long maxSequence() {
        return files.isEmpty() ? 0 : files.lastKey();
    }

    public synchronized long droppedTotal() {
        return droppedTotal;
    }

    private void writeDurably(Path file, String text) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + tmp, e);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            move(tmp, file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rename " + tmp + " to " + file, e);
        }
    }

    private static void move(Path from, Path to) {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rename " + from + " to " + to, e);
        }
    }

    private void setAside(Path file) {
        try {
            Path aside = Files.createDirectories(dir.resolve("unreadable"));
            move(file, aside.resolve(file.getFileName()));
        } catch (IOException e) {
            delete(file);
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file, e);
        }
    }
}
