package io.kilowatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Real agents stopped cleanly (SIGTERM, as a service stop or an OS shutdown does) send a last report saying
 * so; the real collector then shows the desktop as off as expected, not down, and the server as down.
 */
class CleanStopIT {
    @Test
    void aDesktopStoppedCleanlyIsOffAsExpectedAndAServerIsDown() throws Exception {
        Path out = Stack.outputDir("clean-stop-it");
        Path work = Files.createTempDirectory("kilowatch-clean-stop-it");
        for (String old : List.of("collector.log", "desktop.log", "server.log")) {
            Files.deleteIfExists(out.resolve(old));
        }
        int port = Stack.freePort();
        String base = "http://127.0.0.1:" + port;
        Path collectorData = work.resolve("collector");
        // Working hours around now, every day, so only the clean stop can make the desktop's silence expected.
        int offset = 12 - java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).getHour();
        String zone = String.format("UTC%+03d:00", offset);
        Process collector = Stack.collector(port, collectorData, out.resolve("collector.log"), "--set", "security.read.anonymous=true",
                "--set", "sustainability.working_hours.days=mon-sun", "--set", "sustainability.working_hours.start=06:00",
                "--set", "sustainability.working_hours.end=18:00", "--set", "sustainability.working_hours.time_zone=" + zone);
        try {
            Stack.waitUntil("collector healthy", Duration.ofSeconds(60), () -> Stack.status(base + "/health") == 200);
            Process desktop = Stack.agent(base, collectorData, "desk-1", work.resolve("desk"), out.resolve("desktop.log"));
            Process server = Stack.agent(base, collectorData, "srv-1", work.resolve("srv"), out.resolve("server.log"), "--class", "server");
            Stack.waitUntil("both reporting", Duration.ofSeconds(60), () -> sequence(base, "desk-1") >= 2 && sequence(base, "srv-1") >= 2);
            Stack.stop(desktop);
            Stack.stop(server);
            assertEquals(143, desktop.exitValue(), "stopped by SIGTERM through the shutdown hook");
            // past the allowance of 3 missed 1 s reports
            Stack.waitUntil("both silent past their allowance", Duration.ofSeconds(30),
                    () -> !Stack.device(base, "desk-1").getBoolean("up", true) && !Stack.device(base, "srv-1").getBoolean("up", true));
            JsonObject desk = Stack.device(base, "desk-1");
            JsonObject srv = Stack.device(base, "srv-1");
            assertTrue(desk.getBoolean("expected_off"), desk.encodePrettily());
            assertFalse(srv.getBoolean("expected_off"), "a server stopped is down: " + srv.encodePrettily());
            assertEquals(1.0, desk.getJsonObject("availability_ratio").getDouble("24h"), 1e-9, "its off time is not charged");
            assertTrue(srv.getJsonObject("availability_ratio").getDouble("24h") < 1.0, srv.encodePrettily());
        } finally {
            Stack.stop(collector);
        }
    }

    private static long sequence(String base, String id) {
        return Stack.device(base, id).getLong("last_sequence", 0L);
    }

}
