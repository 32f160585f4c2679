package io.kilowatch.collector.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What {@code /metrics} shows: the Micrometer registry's meters, then the families a feature writes straight into the
 * text, as an exporter writes const metrics. Every device's series go that way: built as the registry's snapshots (each
 * data point an object, each family sorted and checked by label) they cost 0.4 s of CPU per scrape at 20,000 devices
 * (async-profiler), most of it before a byte was written.
 */
public final class MetricsExposition {
    /**
     * Families a feature writes into the text itself, in the Prometheus text format 0.0.4 ({@link PrometheusText}): series
     * of the estate, so shown only by the collector holding the metrics duty. Called on a worker, from any thread.
     */
    @FunctionalInterface
    public interface Part {
        void writeTo(StringBuilder text);
    }

    private final PrometheusMeterRegistry registry;
    private final List<Part> parts = new CopyOnWriteArrayList<>();
    /** The last scrape's length: the next one's text is sized for it rather than grown (and copied) a dozen times on the way. */
    private volatile int lastLength;

    public MetricsExposition(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    public void add(Part part) {
        parts.add(part);
    }

    /**
     * @param estateToo whether to show the estate's series too, or only this collector's own ({@link PerCollectorMetrics})
     */
    public String scrape(boolean estateToo) {
        String meters = registry.scrape();
        if (!estateToo) {
            return PerCollectorMetrics.only(meters);
        }
        StringBuilder text = new StringBuilder(Math.max(meters.length(), lastLength) + 4_096).append(meters);
        parts.forEach(part -> part.writeTo(text));
        lastLength = text.length();
        return text.toString();
    }
}
