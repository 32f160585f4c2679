package io.kilowatch.core.energy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A meter's per-device energy between polls, worked by hand. */
class UpstreamMeterTest {
    private static final Instant T0 = Instant.parse("2025-03-04T10:00:00Z");

    @Test
    void integratesEachDevicesWattsBetweenPollsAndStopsWhereTheMeterCouldNotTell() {
        UpstreamMeter meter = new UpstreamMeter(Duration.ofSeconds(180));
        // The first poll only starts each device's stretch.
        assertEquals(List.of(), meter.poll(T0, Map.of("srv-a", 68.0)));
        // 60 s later at 70 W: (68 + 70) / 2 x 60 = 4140 J over 60,000 ms; srv-b starts.
        assertEquals(List.of(new UpstreamMeter.Increment("srv-a", 4140, 60_000)),
                meter.poll(T0.plusSeconds(60), Map.of("srv-a", 70.0, "srv-b", 35.0)).stream().filter(i -> i.deviceId().equals("srv-a")).toList());
        // srv-a is missing from a poll (its watts could not be attributed): its stretch ends; srv-b goes on, 35 W for 60 s.
        assertEquals(List.of(new UpstreamMeter.Increment("srv-b", 2100, 60_000)), meter.poll(T0.plusSeconds(120), Map.of("srv-b", 35.0)));
        // srv-a back: a new stretch, nothing yet; srv-b after a gap of 240 s, longer than 180 s: not bridged.
        assertEquals(List.of(), meter.poll(T0.plusSeconds(360), Map.of("srv-a", 60.0, "srv-b", 35.0)));
        assertEquals(List.of(new UpstreamMeter.Increment("srv-a", 3000, 60_000)), meter.poll(T0.plusSeconds(420), Map.of("srv-a", 40.0)));
    }
}
