package io.kilowatch.collector.http;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per key (a device id): {@code perMinute} requests a minute on average, up to
 * {@code burst} at once, so one misbehaving or hostile agent cannot crowd out the others. Buckets that
 * have refilled completely are forgotten, which bounds memory to the keys active in the last minutes.
 */
public final class RateLimiter {
    private final double tokensPerMilli;
    private final double burst;
    private final Clock clock;
    private final Map<String, double[]> buckets = new ConcurrentHashMap<>(); // key -> {tokens, lastRefillMillis}

    public RateLimiter(int perMinute, int burst, Clock clock) {
        this.tokensPerMilli = perMinute / 60_000.0;
        this.burst = burst;
        this.clock = clock;
    }

    /** Takes one token; returns 0 when allowed, else the seconds until a token will be there. */
    public long acquire(String key) {
        long now = clock.millis();
        double[] wait = {0};
        buckets.compute(key, (k, bucket) -> {
            double[] b = bucket == null ? new double[] {burst, now} : bucket;
            b[0] = Math.min(burst, b[0] + (now - b[1]) * tokensPerMilli);
            b[1] = now;
            if (b[0] >= 1) {
                b[0] -= 1;
            } else {
                wait[0] = (1 - b[0]) / tokensPerMilli / 1000.0;
            }
            return b;
        });
        return wait[0] == 0 ? 0 : Math.max(1, (long) Math.ceil(wait[0]));
    }

    /**
     * Forgets buckets that would be full by now: their keys have been quiet long enough. Each bucket is looked at in the
     * same atomic step as {@link #acquire} takes from it, so this may run on another thread than requests: a token taken
     * meanwhile is never forgotten.
     */
    public void forgetIdle() {
        long now = clock.millis();
        for (String key : buckets.keySet()) {
            buckets.computeIfPresent(key, (k, b) -> b[0] + (now - b[1]) * tokensPerMilli >= burst ? null : b);
        }
    }

    int size() {
        return buckets.size();
    }
}
