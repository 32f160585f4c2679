package io.kilowatch.collector.output.influx;

import static io.kilowatch.collector.estate.Reports.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.collector.estate.Estate;
import io.kilowatch.collector.estate.IngestPlan;
import io.kilowatch.collector.estate.ReportAccounting;
import io.kilowatch.collector.carbon.IntensityCache;
import io.kilowatch.core.carbon.AnnualGridFactors;
import io.kilowatch.core.carbon.CarbonPolicy;
import io.kilowatch.core.carbon.SiteCarbon;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class InfluxFeedTest {
    private static final double KWH = 3_600_000;
    private final ReportAccounting accounting = new ReportAccounting(new CarbonPolicy(new SiteCarbon(AnnualGridFactors.ukDesnz(),
            AnnualGridFactors.ukDesnzTdLosses(), "national", 1.0, null), Map.of(), ZoneOffset.UTC), ZoneOffset.UTC, new IntensityCache());
    private final Instant t0 = Instant.parse("2024-03-10T09:00:00Z");

    private IngestPlan[] twoReports() {
        IngestPlan first = accounting.plan(report().at(t0).bootedAt(t0.minusSeconds(7200)).counter(1_000).watts(42.5).build(), null, 1L, null);
        IngestPlan second = accounting.plan(report().sequence(2).at(t0.plusSeconds(15)).bootedAt(t0.minusSeconds(7200)).counter(1_000 + KWH).watts(40).build(), first.device(), 2L, null);
        return new IngestPlan[] {first, second};
    }

    @Test
    void aReportBecomesOnePointAtItsOwnTimeWithItsIntervalsEnergyAndCarbon() {
        String line = InfluxFeed.sample(twoReports()[1]);
        assertEquals("kilowatch_device,class=desktop,device=pc-1,org=Northshire,site=County\\ Hall,source=model "
                + "boot_time_seconds=1710054000i,carbon_grams=207.05,cpu_utilization_ratio=" + field(line, "cpu_utilization_ratio")
                + ",energy_joules=3600000.0" + memory(line) + ",power_watts=40.0,sequence=2i "
                + t0.plusSeconds(15).toEpochMilli() * 1_000_000L, line);
    }

    @Test
    void snapshotsCarryStateAvailabilityAndTheEstateAlignedToTheInterval() {
        Estate estate = new Estate(3);
        for (IngestPlan plan : twoReports()) {
            estate.update(plan);
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Gauge.builder("kilowatch.service.availability", () -> 0.9991).baseUnit("ratio").tags("service", "email", "window", "30d").register(registry);
        Gauge.builder("kilowatch.service.up", () -> 1).tags("service", "email").register(registry);
        FunctionCounter.builder("kilowatch.service.down", this, x -> 12.0).baseUnit("seconds").tags("service", "email").register(registry);
        Gauge.builder("kilowatch.service.no.data", () -> Double.NaN).tags("service", "web").register(registry);
        Gauge.builder("kilowatch.device.unrelated", () -> 5).register(registry);

        Instant now = t0.plusSeconds(20);
        List<String> lines = InfluxFeed.snapshot(estate, registry, now, Duration.ofSeconds(60));
        long aligned = Instant.parse("2024-03-10T09:00:00Z").toEpochMilli() * 1_000_000L;
        assertEquals(3, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).startsWith("kilowatch_device_status,class=desktop,device=pc-1,org=Northshire,site=County\\ Hall "), lines.get(0));
        assertTrue(lines.get(0).contains("up=1i"), lines.get(0));
        assertTrue(lines.get(0).contains("availability_ratio_24h=1.0"), lines.get(0));
        assertTrue(lines.get(0).endsWith(" " + aligned), lines.get(0));
        assertEquals("kilowatch_estate devices_down=0i,devices_up=1i,power_watts=40.0 " + aligned, lines.get(1));
        // The service family: one point per service, fields named after the metrics; NaN (web) is left out.
        assertEquals("kilowatch_service,service=email availability_ratio_30d=0.9991,down_seconds_total=12.0,up=1.0 " + aligned, lines.get(2));
    }

    @Test
    void everyMeasurementAndFieldWrittenIsDocumented() throws Exception {
        String schema = Files.readString(Path.of("../docs/influxdb.md"));
        Estate estate = new Estate(3);
        List<String> lines = new java.util.ArrayList<>();
        for (IngestPlan plan : twoReports()) {
            estate.update(plan);
            lines.add(InfluxFeed.sample(plan));
        }
        lines.addAll(InfluxFeed.snapshot(estate, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), t0.plusSeconds(20), Duration.ofMinutes(1)));
        Pattern names = Pattern.compile("(?:^|,)([a-z0-9_]+)=");
        for (String line : lines) {
            String measurement = line.substring(0, line.indexOf(line.contains(",") && line.indexOf(',') < line.indexOf(' ') ? ',' : ' '));
            assertTrue(schema.contains("`" + measurement + "`"), measurement);
            Matcher m = names.matcher(line.substring(measurement.length()).replace("\\ ", "_").replace(' ', ','));
            while (m.find()) {
                assertTrue(schema.contains("`" + m.group(1) + "`"), measurement + "." + m.group(1) + " is not in docs/influxdb.md");
            }
        }
    }

    private static String field(String line, String name) {
        Matcher m = Pattern.compile(name + "=([^,]+)").matcher(line);
        assertTrue(m.find(), name);
        return m.group(1);
    }

    private static String memory(String line) {
        return line.contains("memory_used_bytes=") ? ",memory_used_bytes=" + field(line, "memory_used_bytes") : "";
    }
}
