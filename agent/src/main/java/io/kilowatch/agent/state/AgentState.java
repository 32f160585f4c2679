package io.kilowatch.agent.state;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Properties;

/**
 * What an agent must remember across restarts so the collector never counts energy twice: the next
 * sequence number and the energy counter with its start (and the carbon counter that goes with it). Saved before each report is sent, with an
 * atomic rename, so a crash leaves either the old file or the new one, never half of one.
 * Thread-safe: the sampler takes numbers for new reports while the shipper may renumber old ones.
 */
public final class AgentState {
    private final Path file;
    private long lastSequence;
    private double energyJoules;
    private double carbonGrams;
    private Instant counterStart;

    private AgentState(Path file, long lastSequence, double energyJoules, double carbonGrams, Instant counterStart) {
        this.file = file;
        this.lastSequence = lastSequence;
        this.energyJoules = energyJoules;
        this.carbonGrams = carbonGrams;
        this.counterStart = counterStart.truncatedTo(ChronoUnit.MILLIS);
    }

    /** Loads the state of one device, or starts a fresh counter when there is none (or it is unreadable). */
    public static AgentState load(Path file, Instant now) {
        if (!Files.exists(file)) {
            return new AgentState(file, 0, 0, 0, now);
        }
        try {
            Properties p = new Properties();
            p.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
            long sequence = Long.parseLong(p.getProperty("last_sequence", "0"));
            double joules = Double.parseDouble(p.getProperty("energy_joules_total", "0"));
            // Older state files have no carbon counter: it starts at zero beside the energy it goes with.
            double grams = Double.parseDouble(p.getProperty("carbon_grams_total", "0"));
            Instant start = Instant.parse(p.getProperty("counter_start"));
            if (sequence < 0 || !(joules >= 0) || Double.isInfinite(joules) || !(grams >= 0) || Double.isInfinite(grams)) {
                throw new IllegalArgumentException("negative or non-finite values");
            }
            return new AgentState(file, sequence, joules, grams, start);
        } catch (IOException | RuntimeException e) {
            // A new counter start tells the collector to count from zero; the sequence restarts after
            // the newest it acknowledged, which the collector reports back in every response.
            return new AgentState(file, 0, 0, 0, now);
        }
    }

    public synchronized long lastSequence() {
        return lastSequence;
    }

    public synchronized double energyJoules() {
        return energyJoules;
    }

    public synchronized double carbonGrams() {
        return carbonGrams;
    }

    public Instant counterStart() {
        return counterStart;
    }

    /** Moves the sequence on to at least {@code sequence} (never back); saved with the next report. */
    public synchronized void ensureAbove(long sequence) {
        lastSequence = Math.max(lastSequence, sequence);
    }

    /**
     * A fresh number above the collector's newest for this device, for a report the collector holds
     * under an older numbering (the agent lost its state). The sequence only ever moves on.
     */
    public synchronized long renumberAbove(long collectorsLastSequence) {
        lastSequence = Math.max(lastSequence, collectorsLastSequence);
        return nextReport(energyJoules, carbonGrams);
    }

    /** Takes the next sequence number and the counters to report with it, and saves them first. */
    public synchronized long nextReport(double energyJoulesTotal, double carbonGramsTotal) {
        lastSequence++;
        energyJoules = energyJoulesTotal;
        carbonGrams = carbonGramsTotal;
        save();
        return lastSequence;
    }

    private void save() {
        Properties p = new Properties();
        p.setProperty("last_sequence", Long.toString(lastSequence));
        p.setProperty("energy_joules_total", Double.toString(energyJoules));
        p.setProperty("carbon_grams_total", Double.toString(carbonGrams));
        p.setProperty("counter_start", counterStart.toString());
        StringWriter text = new StringWriter();
        try {
            p.store(text, "Kilowatch agent state: do not edit while the agent runs");
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text.toString(), StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save agent state to " + file, e);
        }
    }
}
