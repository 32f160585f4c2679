import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Simulates many agents reporting to a collector over loopback, each on its own schedule, and prints
 * throughput and acknowledgement latency. Bounded in agents, time and requests in flight.
 *
 *   java bench/LoadGen.java --collector http://127.0.0.1:8080 --agents 10000 [--interval 15] [--seconds 60]
 *       [--in-flight 256] [--collector-pid PID] [--warmup-requests 5000] [--scrape-every 0]
 *
 * Only the JDK is needed (a single-file program); bench/ingest-load.sh runs it at several sizes.
 */
public final class LoadGen {
    public static void main(String[] args) throws Exception {
        String collector = arg(args, "--collector", "http://127.0.0.1:8080");
        int agents = Integer.parseInt(arg(args, "--agents", "1000"));
        double intervalSeconds = Double.parseDouble(arg(args, "--interval", "15"));
        int seconds = Integer.parseInt(arg(args, "--seconds", "60"));
        int inFlight = Integer.parseInt(arg(args, "--in-flight", "256"));
        String pid = arg(args, "--collector-pid", "");
        int warmupRequests = Integer.parseInt(arg(args, "--warmup-requests", "5000"));
        int scrapeEverySeconds = Integer.parseInt(arg(args, "--scrape-every", "0"));
        if (agents < 1 || agents > 200_000 || seconds < 1 || seconds > 3_600) {
            throw new IllegalArgumentException("agents must be 1..200000 and seconds 1..3600");
        }
        URI uri = URI.create(collector + "/api/v1/reports");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        Semaphore permits = new Semaphore(inFlight);
        long[] sequence = new long[agents];
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong skipped = new AtomicLong();
        AtomicLongArray latencyMicros = new AtomicLongArray(4_000_000);
        AtomicLongArray sentMillis = new AtomicLongArray(latencyMicros.length());
        AtomicLong latencyCount = new AtomicLong();
        Instant boot = Instant.now().minusSeconds(86_400);
        Instant counterStart = Instant.now().minusSeconds(3_600);
        long runId = System.currentTimeMillis() % 100_000;

        warmUp(http, URI.create(collector + "/health"), permits, inFlight, warmupRequests);
        long startNanos = System.nanoTime();
        AtomicLong slowestScrapeMicros = scrapeEverySeconds > 0 ? scrape(http, URI.create(collector + "/metrics"), scrapeEverySeconds) : null;
        long endNanos = startNanos + TimeUnit.SECONDS.toNanos(seconds);
        long intervalNanos = (long) (intervalSeconds * 1e9);
        long maxRss = 0;
        long nextRssCheck = startNanos;
        // Agent i reports at start + i * interval / agents, then every interval: an even spread, as a real estate's.
        long tick = 0;
        while (true) {
            long slotNanos = startNanos + tick * intervalNanos / agents;
            if (slotNanos >= endNanos) {
                break;
            }
            long wait = slotNanos - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            int agent = (int) (tick % agents);
            tick++;
            if (!permits.tryAcquire(5, TimeUnit.SECONDS)) {
                skipped.incrementAndGet(); // the collector cannot keep up: counted, not queued without bound
                continue;
            }
            long seq = ++sequence[agent];
            Instant now = Instant.now();
            String body = report("load-" + runId + "-" + agent, seq, now, boot, counterStart, 40.0 + agent % 50, seq * 600.0);
            long sentAt = System.nanoTime();
            http.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding())
                    .whenComplete((response, error) -> {
                        permits.release();
                        if (error == null && response.statusCode() / 100 == 2) {
                            ok.incrementAndGet();
                            long i = latencyCount.getAndIncrement();
                            if (i < latencyMicros.length()) {
                                latencyMicros.set((int) i, (System.nanoTime() - sentAt) / 1_000);
                                sentMillis.set((int) i, (sentAt - startNanos) / 1_000_000);
                            }
                        } else if (failed.incrementAndGet() == 1) {
                            System.err.println("first failure: " + (error != null ? error : "HTTP " + response.statusCode()));
                        }
                    });
            if (!pid.isEmpty() && System.nanoTime() >= nextRssCheck) {
                maxRss = Math.max(maxRss, rssKib(pid));
                nextRssCheck = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            }
        }
        permits.tryAcquire(inFlight, 60, TimeUnit.SECONDS);
        double elapsed = (System.nanoTime() - startNanos) / 1e9;
        int n = (int) Math.min(latencyCount.get(), latencyMicros.length());
        long[] sorted = new long[n];
        for (int i = 0; i < n; i++) {
            sorted[i] = latencyMicros.get(i);
        }
        // p99 of each interval (every agent once), by when the request was sent, and after the first: the first interval holds
        // the devices' first reports (new to the collector) and what of this client's warm-up warmUp did not cover
        int windows = (int) Math.ceil(seconds / intervalSeconds);
        StringBuilder byWindow = new StringBuilder();
        for (int w = 0; w < windows; w++) {
            long from = (long) (w * intervalSeconds * 1000), to = (long) ((w + 1) * intervalSeconds * 1000);
            byWindow.append(w == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.1f", percentile(sentBetween(sentMillis, latencyMicros, n, from, to), 0.99)));
        }
        long[] afterFirst = sentBetween(sentMillis, latencyMicros, n, (long) (intervalSeconds * 1000), Long.MAX_VALUE);
        Arrays.sort(sorted);
        if (!pid.isEmpty()) {
            maxRss = Math.max(maxRss, rssKib(pid));
        }
        System.out.printf(Locale.ROOT, "agents=%d interval=%.0fs seconds=%.0f offered=%.1f/s stored=%.1f/s ok=%d failed=%d skipped=%d "
                        + "p50=%.1fms p99=%.1fms max=%.1fms p99_by_interval_ms=%s p99_after_first_interval=%.1fms collector_rss_max=%s%s%n",
                agents, intervalSeconds, elapsed, tick / elapsed, ok.get() / elapsed, ok.get(), failed.get(), skipped.get(),
                percentile(sorted, 0.50), percentile(sorted, 0.99), n == 0 ? 0 : sorted[n - 1] / 1000.0, byWindow, percentile(afterFirst, 0.99),
                pid.isEmpty() ? "n/a" : String.format(Locale.ROOT, "%.0fMiB", maxRss / 1024.0),
                slowestScrapeMicros == null ? "" : String.format(Locale.ROOT, " scrape_max=%.0fms", slowestScrapeMicros.get() / 1000.0));
    }

    /** GET /metrics every so often, gzip accepted, as Prometheus does, while the agents report; the slowest scrape so far. */
    private static AtomicLong scrape(HttpClient http, URI metrics, int everySeconds) {
        AtomicLong slowestMicros = new AtomicLong();
        Thread scraper = new Thread(() -> {
            while (true) {
                long start = System.nanoTime();
                try {
                    HttpResponse<Void> response = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(60))
                                    .header("Accept-Encoding", "gzip").GET().build(),
                            HttpResponse.BodyHandlers.discarding());
                    if (response.statusCode() / 100 != 2) { // the no-op peer answers every path 201
                        System.err.println("scrape: HTTP " + response.statusCode());
                        return;
                    }
                    slowestMicros.accumulateAndGet((System.nanoTime() - start) / 1_000, Math::max);
                    TimeUnit.SECONDS.sleep(everySeconds);
                } catch (Exception e) {
                    System.err.println("scrape: " + e);
                    return;
                }
            }
        }, "scraper");
        scraper.setDaemon(true);
        scraper.start();
        return slowestMicros;
    }

    private static String report(String device, long seq, Instant now, Instant boot, Instant counterStart, double watts, double joules) {
        return "{\"schema_version\":1,\"device_id\":\"" + device + "\",\"sequence\":" + seq + ",\"timestamp\":\"" + now
                + "\",\"interval_seconds\":15.0,\"labels\":{\"class\":\"desktop\",\"org\":\"Load\",\"site\":\"Bench\"},"
                + "\"host\":{\"hostname\":\"" + device + "\",\"os\":\"Windows 11\",\"boot_time\":\"" + boot + "\",\"uptime_seconds\":86400.0,\"sessions\":1},"
                + "\"utilisation\":{\"cpu_ratio\":0.12,\"memory_used_bytes\":4294967296,\"memory_total_bytes\":17179869184},"
                + "\"power\":{\"watts\":" + watts + ",\"source\":\"model\",\"energy_joules_total\":" + joules + ",\"counter_start\":\"" + counterStart + "\"}}";
    }

    /** The latencies (sorted) of the requests sent in [fromMillis, toMillis) after the start. */
    private static long[] sentBetween(AtomicLongArray sentMillis, AtomicLongArray latencyMicros, int n, long fromMillis, long toMillis) {
        return java.util.stream.IntStream.range(0, n).filter(i -> sentMillis.get(i) >= fromMillis && sentMillis.get(i) < toMillis)
                .mapToLong(latencyMicros::get).sorted().toArray();
    }

    private static double percentile(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1000.0;
    }

    private static long rssKib(String pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (Exception e) {
            return 0;
        }
        return 0;
    }

    private static String arg(String[] args, String name, String defaultValue) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return defaultValue;
    }

    /**
     * The generator's own warm-up, before anything is measured: its JIT and its connections (as many as requests in
     * flight). GET /health stores nothing, so the collector still sees every agent's first report in the first interval.
     */
    private static void warmUp(HttpClient http, URI health, Semaphore permits, int inFlight, int requests) throws InterruptedException {
        for (int i = 0; i < requests; i++) {
            permits.acquire();
            http.sendAsync(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.discarding())
                    .whenComplete((response, error) -> permits.release());
        }
        permits.acquire(inFlight);
        permits.release(inFlight);
    }
}
