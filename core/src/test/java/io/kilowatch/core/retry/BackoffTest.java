package io.kilowatch.core.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void waitsGrowExponentiallyUpToTheCapWithJitter() {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5), new SplittableRandom(42));
        Set<Long> waits = new HashSet<>();
        for (int failure = 1; failure <= 40; failure++) {
            long bound = Math.min(300_000, 1000L << Math.min(failure - 1, 20));
            long wait = backoff.failed().toMillis();
            assertTrue(wait >= 0 && wait <= bound, "failure " + failure + ": " + wait + " > " + bound);
            waits.add(wait);
        }
        assertTrue(waits.size() > 30, "jitter spreads the waits: " + waits.size() + " distinct values");
        backoff.succeeded();
        assertEquals(0, backoff.failures());
        assertTrue(backoff.failed().toMillis() <= 1000);
    }
}
