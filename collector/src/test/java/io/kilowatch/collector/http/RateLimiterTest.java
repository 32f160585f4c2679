package io.kilowatch.collector.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import io.kilowatch.core.testing.ManualClock;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));

    @Test
    void allowsABurstThenTheAverageRatePerKey() {
        RateLimiter limiter = new RateLimiter(6, 3, clock); // one every 10 s on average
        for (int i = 0; i < 3; i++) {
            assertEquals(0, limiter.acquire("pc-1"));
        }
        long retryAfter = limiter.acquire("pc-1");
        assertEquals(10, retryAfter);
        assertEquals(0, limiter.acquire("pc-2"), "another device has its own bucket");
        clock.advance(Duration.ofSeconds(10));
        assertEquals(0, limiter.acquire("pc-1"));
        assertTrue(limiter.acquire("pc-1") > 0);
    }

    @Test
    void quietKeysAreForgotten() {
        RateLimiter limiter = new RateLimiter(60, 5, clock);
        limiter.acquire("a");
        limiter.acquire("b");
        clock.advance(Duration.ofMinutes(1));
        limiter.forgetIdle();
        assertEquals(0, limiter.size());
    }

    @Test
    void aKeyStillBeingLimitedIsNotForgotten() {
        RateLimiter limiter = new RateLimiter(60, 5, clock);
        for (int i = 0; i < 5; i++) {
            limiter.acquire("busy");
        }
        limiter.acquire("quiet");
        clock.advance(Duration.ofSeconds(4)); // "quiet" is full again, "busy" has 4 of 5 tokens
        limiter.forgetIdle();
        assertEquals(1, limiter.size());
        for (int i = 0; i < 4; i++) {
            assertEquals(0, limiter.acquire("busy"));
        }
        assertTrue(limiter.acquire("busy") > 0, "forgetting it would have given it a full bucket");
    }
}
