package io.kilowatch.core.energy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class AgentCounterTest {
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void firstReadingHasNoBaseline() {
        assertEquals(0, new AgentCounter(START, 5_000).joulesSince(null));
    }

    @Test
    void increaseOfTheSameCounter() {
        assertEquals(750, new AgentCounter(START, 5_750).joulesSince(new AgentCounter(START, 5_000)), 1e-12);
    }

    @Test
    void startsEqualToTheMillisecondAreTheSameCounter() {
        Instant withNanos = START.plusNanos(893_293_464);
        Instant asStored = Instant.ofEpochMilli(withNanos.toEpochMilli());
        assertEquals(750, new AgentCounter(withNanos, 5_750).joulesSince(new AgentCounter(asStored, 5_000)), 1e-12);
    }

    @Test
    void aNewCounterStartCountsEverythingSinceTheReset() {
        Instant restarted = START.plusSeconds(3_600);
        assertEquals(40, new AgentCounter(restarted, 40).joulesSince(new AgentCounter(START, 5_000)), 1e-12);
    }

    @Test
    void aCounterGoingBackIsAReset() {
        assertEquals(12, new AgentCounter(START, 12).joulesSince(new AgentCounter(START, 5_000)), 1e-12);
    }
}
