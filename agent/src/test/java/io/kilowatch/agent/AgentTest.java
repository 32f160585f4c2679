package io.kilowatch.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.agent.ship.RecordingCollector;
import io.kilowatch.core.config.CommandLine;
import io.kilowatch.core.config.ConfigException;
import io.kilowatch.core.report.Report;
import io.kilowatch.core.report.ReportValidator;
import io.kilowatch.core.testing.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real agent (OSHI on this machine) reporting to a real HTTP server, on a controlled clock. */
class AgentTest {
    /** Real time, so the host's real boot time lies before it; it moves only when told. */
    static ManualClock realNow() {
        return new ManualClock(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }

    private static Agent agent(RecordingCollector collector, Path dataDir, Path raplRoot, ManualClock clock, String... extra) {
        return agent(collector, dataDir, raplRoot, clock, Map.of(), extra);
    }

    /** The real agent with this test's settings; {@code env} holds what the environment would (secrets). The machine never sleeps. */
    static Agent agent(RecordingCollector collector, Path dataDir, Path raplRoot, ManualClock clock, Map<String, String> env, String... extra) {
        return agent(collector, dataDir, raplRoot, clock, env, new AtomicLong(), extra);
    }

    /** @param sleptNanos how long the machine has slept: the awake clock follows the manual clock less this */
    static Agent agent(RecordingCollector collector, Path dataDir, Path raplRoot, ManualClock clock, Map<String, String> env,
                       AtomicLong sleptNanos, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of(
                "--collector", collector.uri().toString(),
                "--device-id", "agent-test-1",
                "--data-dir", dataDir.toString(),
                "--set", "power.rapl.sysfs_root=" + raplRoot,
                "--set", "power.rapl.psu_efficiency=1.0",
                "--set", "power.rapl.platform_watts=0",
                "--set", "power.displays.count=false",
                "--set", "device.labels.site=County Hall"));
        args.addAll(List.of(extra));
        java.util.function.LongSupplier awake = () -> {
            Instant now = clock.instant();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano() - sleptNanos.get();
        };
        return AgentMain.build(CommandLine.parse(args.toArray(String[]::new), AgentMain.FLAGS), env, clock, awake);
    }

    /** One RAPL package zone in a fake powercap tree, its counter at 5 J. */
    static Path raplPackageZone(Path powercap) throws Exception {
        Path rapl = powercap.resolve("intel-rapl:0");
        Files.createDirectories(rapl);
        Files.writeString(rapl.resolve("name"), "package-0\n");
        Files.writeString(rapl.resolve("max_energy_range_uj"), "262143328850\n");
        Files.writeString(rapl.resolve("energy_uj"), "5000000\n");
        return rapl;
    }

    /** Step {@code step} of a steady 30 W: 5 s later, the counter 150 J on, and one sample taken. */
    static void raplStep(Agent agent, ManualClock clock, Path zone, int step) throws Exception {
        clock.advance(Duration.ofSeconds(5));
        Files.writeString(zone.resolve("energy_uj"), (5_000_000 + step * 150_000_000L) + "\n");
        agent.sample();
    }

    @Test
    void measuredPathReportsRaplEnergyFromAFakePowercapTree(@TempDir Path dir) throws Exception {
        Path rapl = raplPackageZone(dir.resolve("powercap"));
        ManualClock clock = realNow();
        try (RecordingCollector collector = new RecordingCollector()) {
            Agent agent = agent(collector, dir.resolve("data"), dir.resolve("powercap"), clock);
            for (int i = 1; i <= 3; i++) {
                raplStep(agent, clock, rapl, i);
            }
            agent.report();
            agent.awaitShipping();
            assertEquals(1, collector.stored.size());
            Report r = collector.stored.get(0);
            assertEquals("rapl", r.power().source());
            assertEquals(30.0, r.power().watts(), 1e-9);
            assertEquals(450.0, r.power().energyJoulesTotal(), 1e-9);
            assertEquals(1L, r.sequence());
            assertEquals("County Hall", r.labels().get("site"));
            assertEquals("desktop", r.labels().get("class"));
            assertNotNull(r.inventory(), "the first report carries the inventory");
            assertTrue(r.inventory().memoryBytes() > 0);
            assertTrue(r.agent().rssBytes() > 0, "the agent reports its own memory");
            assertEquals(List.of(), ReportValidator.validate(r, clock.instant()));

            raplStep(agent, clock, rapl, 4);
            agent.report();
            agent.awaitShipping();
            Report second = collector.stored.get(1);
            assertEquals(600.0, second.power().energyJoulesTotal(), 1e-9);
            assertNull(second.inventory(), "inventory is sent again only after the next refresh");
            assertEquals(0, second.agent().backlogReports());
        }
    }

    @Test
    void modelledPathWhenThereIsNoRaplAndTheCounterSurvivesRestarts(@TempDir Path dir) throws Exception {
        ManualClock clock = realNow();
        try (RecordingCollector collector = new RecordingCollector()) {
            Agent agent = agent(collector, dir.resolve("data"), dir.resolve("no-powercap"), clock,
                    "--set", "power.model.idle_watts=40", "--set", "power.model.max_watts=40");
            agent.sample();
            clock.advance(Duration.ofSeconds(10));
            agent.sample();
            agent.report();
            agent.awaitShipping();
            Report r = collector.stored.get(0);
            assertEquals("model", r.power().source());
            assertEquals(40.0, r.power().watts(), 1e-9);
            assertEquals(400.0, r.power().energyJoulesTotal(), 1e-9);

            // a new agent process on the same data dir continues the counter and the sequence
            Agent restarted = agent(collector, dir.resolve("data"), dir.resolve("no-powercap"), clock,
                    "--set", "power.model.idle_watts=40", "--set", "power.model.max_watts=40");
            restarted.sample();
            clock.advance(Duration.ofSeconds(5));
            restarted.sample();
            restarted.report();
            restarted.awaitShipping();
            Report after = collector.stored.get(1);
            assertEquals(2L, after.sequence());
            assertEquals(600.0, after.power().energyJoulesTotal(), 1e-9);
            assertEquals(r.power().counterStart(), after.power().counterStart());
        }
    }

    @Test
    void takesUpTheCollectorsSettingsFromTheNextReportButItsOwnConfigWins(@TempDir Path dir) throws Exception {
        ManualClock clock = realNow();
        try (RecordingCollector collector = new RecordingCollector()) {
            Agent agent = agent(collector, dir.resolve("data"), dir.resolve("no-powercap"), clock,
                    "--set", "power.model.idle_watts=40", "--set", "power.displays.count=false");
            collector.settings("{\"report_interval_seconds\": 60, \"labels\": {\"site\": \"Depot\", \"department\": \"Finance\"},"
                    + " \"power_model\": {\"idle_watts\": 10, \"max_watts\": 10}, \"sources\": {\"report_interval\": \"10-desktops\"}}");
            agent.sample();
            agent.report();
            agent.awaitShipping();
            Report first = collector.stored.get(0);
            assertEquals(15.0, first.intervalSeconds(), 1e-9);
            assertNull(first.labels().get("department"));
            assertEquals("device.labels.site,power.model.idle_watts", collector.localSettingsHeaders.get(0),
                    "the agent tells the collector what its own config sets");

            clock.advance(Duration.ofSeconds(10));
            agent.sample();
            agent.report();
            agent.awaitShipping();
            Report second = collector.stored.get(1);
            assertEquals(60.0, second.intervalSeconds(), 1e-9, "the collector's interval, from the next report");
            assertEquals("Finance", second.labels().get("department"));
            assertEquals("County Hall", second.labels().get("site"), "the agent's own site wins");
            assertEquals(40.0, second.power().watts(), 1e-9, "its own idle watts win; the central max lifts to it");

            collector.settings("{}");
            agent.sample();
            agent.report();
            agent.awaitShipping();
            agent.report();
            agent.awaitShipping();
            Report reverted = collector.stored.get(3);
            assertEquals(15.0, reverted.intervalSeconds(), 1e-9, "no rule any more: back to its own values");
            assertNull(reverted.labels().get("department"));
        }
    }

    /** The machine sleeps for {@code d}: the wall clock moves on, the awake clock does not. */
    private static void sleep(ManualClock clock, AtomicLong slept, Duration d) {
        clock.advance(d);
        slept.addAndGet(d.toNanos());
    }

    @Test
    void measuredPathCountsNoEnergyAcrossASleepAndReportsIt(@TempDir Path dir) throws Exception {
        Path rapl = raplPackageZone(dir.resolve("powercap"));
        ManualClock clock = realNow();
        AtomicLong slept = new AtomicLong();
        try (RecordingCollector collector = new RecordingCollector()) {
            Agent agent = agent(collector, dir.resolve("data"), dir.resolve("powercap"), clock, Map.of(), slept,
                    "--set", "power.rapl.platform_watts=12");
            agent.sample();
            raplStep(agent, clock, rapl, 1);
            Instant fellAsleep = clock.instant();
            // 14 hours asleep; RAPL moved 2 J meanwhile, and 12 W of board over 14 h would be 605 kJ if bridged
            sleep(clock, slept, Duration.ofHours(14));
            clock.advance(Duration.ofSeconds(5));
            Files.writeString(rapl.resolve("energy_uj"), (5_000_000 + 150_000_000L + 2_000_000L) + "\n");
            agent.sample();
            raplStep(agent, clock, rapl, 2);
            agent.report();
            agent.awaitShipping();
            Report r = collector.stored.get(0);
            assertEquals(2, r.schemaVersion());
            assertEquals(List.of(new Report.Sleep(fellAsleep, fellAsleep.plus(Duration.ofHours(14)))), r.sleeps());
            // two awake 5 s steps of RAPL (150 J, then 148 J from the counter as it was on waking) + 12 W board;
            // the step across the sleep (2 J of RAPL, 14 h of board) is not counted
            assertEquals(150 + 60 + 148 + 60, r.power().energyJoulesTotal(), 1e-6);
            assertEquals(List.of(), ReportValidator.validate(r, clock.instant()));

            raplStep(agent, clock, rapl, 3);
            agent.report();
            agent.awaitShipping();
            assertNull(collector.stored.get(1).sleeps(), "a sleep is reported once");
            assertEquals(1, collector.stored.get(1).schemaVersion(), "no power states: version 1, which any collector takes");
        }
    }

    @Test
    void modelledPathCountsNoEnergyAcrossEvenAShortSleepAndTheLastReportSaysItStops(@TempDir Path dir) throws Exception {
        ManualClock clock = realNow();
        AtomicLong slept = new AtomicLong();
        try (RecordingCollector collector = new RecordingCollector()) {
            Agent agent = agent(collector, dir.resolve("data"), dir.resolve("no-powercap"), clock, Map.of(), slept,
                    "--set", "power.model.idle_watts=40", "--set", "power.model.max_watts=40");
            agent.sample();
            clock.advance(Duration.ofSeconds(5));
            agent.sample();
            // 20 s: shorter than the gap the integrator would bridge (4 samples + 5 s), but the clocks show sleep
            sleep(clock, slept, Duration.ofSeconds(20));
            agent.sample();
            agent.report();
            agent.awaitShipping();
            Report r = collector.stored.get(0);
            assertEquals(200.0, r.power().energyJoulesTotal(), 1e-9, "40 W for the 5 s awake only");
            assertEquals(1, r.sleeps().size());
            assertEquals(Duration.ofSeconds(20), Duration.between(r.sleeps().get(0).start(), r.sleeps().get(0).end()));

            clock.advance(Duration.ofSeconds(5));
            agent.close();
            Report last = collector.stored.get(collector.stored.size() - 1);
            assertEquals(Boolean.TRUE, last.stopping(), "a clean stop says so in a last report");
            assertEquals(2, last.schemaVersion());
            assertEquals(400.0, last.power().energyJoulesTotal(), 1e-9);
        }
    }

    @Test
    void aSleepLongerThanAReportMayReachBackIsReportedFromTheEarliestItMay(@TempDir Path dir) throws Exception {
        ManualClock clock = realNow();
        AtomicLong slept = new AtomicLong();
        try (RecordingCollector collector = new RecordingCollector()) {
            Agent agent = agent(collector, dir.resolve("data"), dir.resolve("no-powercap"), clock, Map.of(), slept);
            agent.sample();
            // hibernated for 60 days: further back than the 35 days a report may reach
            sleep(clock, slept, Duration.ofDays(60));
            Instant woke = clock.instant();
            clock.advance(Duration.ofSeconds(5));
            agent.sample();
            agent.report();
            agent.awaitShipping();
            Report r = collector.stored.get(0);
            assertEquals(List.of(new Report.Sleep(clock.instant().minus(ReportValidator.MAX_AGE), woke)), r.sleeps());
            assertEquals(List.of(), ReportValidator.validate(r, clock.instant()), "the report is one the collector takes");
        }
    }

    @Test
    void badConfigFailsFastNamingTheKey(@TempDir Path dir) throws Exception {
        try (RecordingCollector collector = new RecordingCollector()) {
            ConfigException badClass = assertThrows(ConfigException.class,
                    () -> agent(collector, dir, dir, realNow(), "--set", "device.class=toaster"));
            assertTrue(badClass.getMessage().contains("device.class"), badClass.getMessage());
            ConfigException typo = assertThrows(ConfigException.class,
                    () -> agent(collector, dir, dir, realNow(), "--set", "power.modle.idle_watts=3"));
            assertTrue(typo.getMessage().contains("power.modle.idle_watts"), typo.getMessage());
            ConfigException url = assertThrows(ConfigException.class,
                    () -> agent(collector, dir, dir, realNow(), "--collector", "ftp://x"));
            assertTrue(url.getMessage().contains("collector.url"), url.getMessage());
            ConfigException second = assertThrows(ConfigException.class,
                    () -> agent(collector, dir, dir, realNow(), "--collector", collector.uri() + ",ftp://x"));
            assertTrue(second.getMessage().contains("ftp://x"), "each of several URLs is checked: " + second.getMessage());
            ConfigException interval = assertThrows(ConfigException.class,
                    () -> agent(collector, dir, dir, realNow(), "--interval", "0s"));
            assertTrue(interval.getMessage().contains("report_interval"), interval.getMessage());
        }
    }
}
