package io.kilowatch.collector.estate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.collector.http.MetricsExposition;
import io.kilowatch.core.availability.UptimeSpan;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each device's series on /metrics come from the live estate when scraped: a change shows at the next scrape, and nothing is left behind. */
class DeviceMetricsTest {
    private static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");
    private final Estate estate = new Estate(3);
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final MetricsExposition exposition = new MetricsExposition(registry);

    DeviceMetricsTest() {
        new EstateMetrics(registry, estate, Clock.fixed(NOW, ZoneOffset.UTC));
        exposition.add(new DeviceMetrics(estate, Clock.fixed(NOW, ZoneOffset.UTC)));
    }

    private static DeviceRow row(String id, String site, String source, double watts, Integer backlog, long lastSeenMs) {
        return new DeviceRow(id, new DeviceRow.Identity("Council", site, "Finance", "desktop"),
                new DeviceRow.Host(id.toUpperCase(), "Windows 11", NOW.minusSeconds(3_600).toEpochMilli(), 1),
                new DeviceRow.Reporting(NOW.minusSeconds(3_600).toEpochMilli(), lastSeenMs, lastSeenMs, 7, 15_000, null),
                new DeviceRow.Utilisation(0.25, null, null), new DeviceRow.Power(watts, source, 0, 0),
                new DeviceRow.Counted(5_400, 1.25), new DeviceRow.AgentSelf("0.1.0", null, null, backlog, 2L), new DeviceRow.Inventory(null, null));
    }

    private void load(DeviceRow row) {
        estate.load(new EstateStore.Changes(List.of(row), Map.of("pc-1", List.of(new UptimeSpan(NOW.minusSeconds(3_600), NOW))), Map.of()));
    }

    @Test
    void everySeriesOfADeviceIsExposedWithItsLabels() {
        load(row("pc-1", "Town Hall", "rapl", 42.5, null, NOW.toEpochMilli()));
        String text = exposition.scrape(true);
        String labels = "class=\"desktop\",device=\"pc-1\",org=\"Council\",site=\"Town Hall\"";
        for (String line : List.of(
                "kilowatch_device_up{" + labels + "} 1.0",
                "kilowatch_device_power_watts{" + labels + ",source=\"rapl\"} 42.5",
                "kilowatch_device_cpu_utilization_ratio{" + labels + "} 0.25",
                "kilowatch_device_boot_time_seconds{" + labels + "} " + NOW.minusSeconds(3_600).getEpochSecond() / 1e9 + "E9",
                "kilowatch_device_energy_joules_total{" + labels + "} 5400.0",
                "kilowatch_device_carbon_grams_total{" + labels + "} 1.25",
                "kilowatch_agent_backlog_reports{" + labels + "} NaN",
                "kilowatch_agent_dropped_reports_total{" + labels + "} 2.0",
                "kilowatch_device_availability_ratio{" + labels + ",window=\"24h\"} 1.0",
                "# TYPE kilowatch_device_energy_joules_total counter",
                "# HELP kilowatch_device_power_watts Power now, labelled with how it was obtained")) {
            assertTrue(text.contains(line + "\n"), () -> "missing: " + line + "\n" + text);
        }
        assertTrue(text.contains("kilowatch_device_last_report_timestamp_seconds{" + labels + "} "), text);
        assertEquals(3, text.lines().filter(l -> l.startsWith("kilowatch_device_availability_ratio{")).count());
    }

    @Test
    void aNewSiteOrPowerSourceReplacesTheOldSeriesAndASilentDeviceIsDown() {
        load(row("pc-1", "Town Hall", "model", 40, 0, NOW.toEpochMilli()));
        load(row("pc-1", "Depot", "pdu_outlet", 38, 3, NOW.minusSeconds(300).toEpochMilli()));
        String text = exposition.scrape(true);
        assertFalse(text.contains("Town Hall"), text);
        assertFalse(text.contains("source=\"model\""), text);
        String labels = "class=\"desktop\",device=\"pc-1\",org=\"Council\",site=\"Depot\"";
        assertTrue(text.contains("kilowatch_device_power_watts{" + labels + ",source=\"pdu_outlet\"} 38.0\n"), text);
        assertTrue(text.contains("kilowatch_agent_backlog_reports{" + labels + "} 3.0\n"), text);
        // 300 s silent at a 15 s interval with an allowance of 3 missed reports
        assertTrue(text.contains("kilowatch_device_up{" + labels + "} 0.0\n"), text);
        assertEquals(1, text.lines().filter(l -> l.startsWith("kilowatch_device_up{")).count());
    }

    @Test
    void labelValuesAreEscapedAndEachFamilyIsWrittenOnceWithItsTypeWhateverTheNumberOfDevices() {
        load(row("pc-1", "Hall \"A\" \\ East\nWing", "model", 40, 0, NOW.toEpochMilli()));
        load(row("pc-2", "Depot", "model", 41, 0, NOW.toEpochMilli()));
        String text = exposition.scrape(true);
        assertTrue(text.contains("kilowatch_device_up{class=\"desktop\",device=\"pc-1\",org=\"Council\",site=\"Hall \\\"A\\\" \\\\ East\\nWing\"} 1.0\n"), text);
        for (String family : List.of("kilowatch_device_up", "kilowatch_device_power_watts", "kilowatch_device_availability_ratio",
                "kilowatch_device_energy_joules_total", "kilowatch_agent_dropped_reports_total")) {
            assertEquals(1, text.lines().filter(l -> l.startsWith("# TYPE " + family + " ")).count(), family);
            assertEquals(1, text.lines().filter(l -> l.startsWith("# HELP " + family + " ")).count(), family);
        }
        assertTrue(text.contains("# TYPE kilowatch_agent_dropped_reports_total counter\n"), text);
        assertEquals(2, text.lines().filter(l -> l.startsWith("kilowatch_device_energy_joules_total{")).count());
    }

    @Test
    void aCollectorWithoutTheMetricsDutyShowsNoDeviceSeries() {
        load(row("pc-1", "Town Hall", "rapl", 42.5, null, NOW.toEpochMilli()));
        String text = exposition.scrape(false);
        assertFalse(text.contains("kilowatch_device_up"), text);
        assertTrue(text.contains("kilowatch_ingest_reports_total"), text);
    }

    @Test
    void promtoolReadsTheExpositionWithoutAComplaint() throws Exception {
        load(row("pc-1", "Hall \"A\" \\ East\nWing", "rapl", 42.5, 3, NOW.toEpochMilli()));
        load(row("pc-2", "Depot", "model", 41, null, NOW.minusSeconds(600).toEpochMilli()));
        Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        try (var in = promtool.getOutputStream()) {
            in.write(exposition.scrape(true).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        String output = new String(promtool.getInputStream().readAllBytes());
        assertTrue(promtool.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "promtool timed out");
        assertEquals(0, promtool.exitValue(), output);
        assertEquals("", output.strip(), "promtool's lint findings");
    }
}
