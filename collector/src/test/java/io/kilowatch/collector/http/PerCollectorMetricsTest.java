package io.kilowatch.collector.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PerCollectorMetricsTest {
    @Test
    void onlyPerCollectorFamiliesAreKeptWithTheirHelpAndTypeLines() {
        String exposition = """
                # HELP jvm_threads_live_threads live threads
                # TYPE jvm_threads_live_threads gauge
                jvm_threads_live_threads 12.0
                # HELP kilowatch_device_power_watts wall power
                # TYPE kilowatch_device_power_watts gauge
                kilowatch_device_power_watts{class="desktop",device="pc-1",org="",site="",source="rapl"} 42.0
                # HELP kilowatch_device_events_total device events
                # TYPE kilowatch_device_events_total counter
                kilowatch_device_events_total{kind="reboot"} 1.0
                # HELP kilowatch_ingest_reports_total reports received
                # TYPE kilowatch_ingest_reports_total counter
                kilowatch_ingest_reports_total{outcome="stored"} 3.0
                kilowatch_estate_power_watts 42.0
                """;
        assertEquals("""
                # HELP jvm_threads_live_threads live threads
                # TYPE jvm_threads_live_threads gauge
                jvm_threads_live_threads 12.0
                # HELP kilowatch_device_events_total device events
                # TYPE kilowatch_device_events_total counter
                kilowatch_device_events_total{kind="reboot"} 1.0
                # HELP kilowatch_ingest_reports_total reports received
                # TYPE kilowatch_ingest_reports_total counter
                kilowatch_ingest_reports_total{outcome="stored"} 3.0
                """, PerCollectorMetrics.only(exposition));
    }

    @Test
    void theMetricsReferenceNamesEveryPerCollectorPrefix() throws Exception {
        String doc = Files.readString(Path.of("../docs/metrics.md"));
        String section = doc.substring(doc.indexOf("## Several collectors"));
        for (String prefix : PerCollectorMetrics.PREFIXES) {
            String shown = prefix.endsWith("_") ? prefix + "*" : prefix;
            assertTrue(section.contains("`" + shown), "docs/metrics.md, Several collectors, lists " + shown);
        }
    }
}
