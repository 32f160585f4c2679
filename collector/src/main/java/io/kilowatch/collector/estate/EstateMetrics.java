package io.kilowatch.collector.estate;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;

/**
 * Publishes the estate to Micrometer, names per docs/metrics.md: the estate's totals and the ingest counters (every
 * device's series are {@link DeviceMetrics}, written into /metrics directly). All read the live {@link Estate} when scraped,
 * so /metrics never shows a figure older than the newest stored report.
 * Prometheus names come from Micrometer's naming convention: {@code kilowatch.estate.power} with base
 * unit watts is exposed as {@code kilowatch_estate_power_watts}.
 */
public final class EstateMetrics {
    private final MeterRegistry registry;
    private final Counter stored;
    private final Counter duplicates;
    private final Counter rejected;

    public EstateMetrics(MeterRegistry registry, Estate estate, Clock clock) {
        this.registry = registry;
        Gauge.builder("kilowatch.estate.power", estate, e -> e.rows().stream().filter(r -> e.isUp(r, clock.instant()))
                        .mapToDouble(deviceRow -> deviceRow.power().watts()).sum())
                .baseUnit("watts").description("Power of all devices that are up now").register(registry);
        for (boolean up : new boolean[] {true, false}) {
            Gauge.builder("kilowatch.estate.devices", estate, e -> e.rows().stream().filter(r -> e.isUp(r, clock.instant()) == up).count())
                    .tag("state", up ? "up" : "down").description("Devices by state").register(registry);
        }
        this.stored = ingestCounter("stored");
        this.duplicates = ingestCounter("duplicate");
        this.rejected = ingestCounter("rejected");
    }

    /** The store's backlog of acknowledged reports it has not yet written: a writer falling behind shows here first. */
    public void watchUnwritten(EstateStore store) {
        Gauge.builder("kilowatch.ingest.unwritten.reports", store, EstateStore::unwrittenReports)
                .description("Reports acknowledged and waiting in the ingest journal to be written into the store").register(registry);
    }

    private Counter ingestCounter(String outcome) {
        return Counter.builder("kilowatch.ingest.reports").tag("outcome", outcome)
                .description("Agent reports received, by outcome").register(registry);
    }

    public void countStored() {
        stored.increment();
    }

    public void countDuplicate() {
        duplicates.increment();
    }

    public void countRejected() {
        rejected.increment();
    }
}
