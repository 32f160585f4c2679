package io.kilowatch.collector.output.influx;

import com.influxdb.client.InfluxDBClient;
import com.influxdb.client.InfluxDBClientFactory;
import com.influxdb.client.InfluxDBClientOptions;
import com.influxdb.client.WriteApiBlocking;
import com.influxdb.exceptions.InfluxException;
import io.kilowatch.core.retry.Backoff;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends points to InfluxDB through a durable backlog. Callers hand over line protocol (nanosecond
 * timestamps) without waiting; one thread appends it to the {@link DiskBacklog} (one fsync per group of
 * points), another reads it back in order and writes it with the client's blocking API, committing
 * only what the server acknowledged, retrying with exponential backoff while it is down or slow. The
 * client's own async WriteApi is not used: its retry buffer lives in memory and dies with the process.
 *
 * <p>Delivery is at least once: a crash between InfluxDB's acknowledgement and the checkpoint sends
 * that batch again, which InfluxDB takes as the same points (same series and timestamp overwrite).
 */
public final class InfluxOutput implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InfluxOutput.class);
    /** Points waiting in memory for the appender; past this a stalled disk sheds points (counted). */
    private static final int HANDOFF_CAPACITY = 100_000;

    private final InfluxConfig config;
    private final DiskBacklog backlog;
    private final InfluxDBClient client;
    private final WriteApiBlocking writer;
    private final BlockingQueue<String> handoff = new LinkedBlockingQueue<>(HANDOFF_CAPACITY);
    /** Points handed over and not yet in the backlog, those the appender holds included; changed with the backlog under the lock. */
    private final AtomicLong handedOver = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition appended = lock.newCondition();
    private final Backoff backoff;
    private final Counter written;
    private final Counter failed;
    private final Counter droppedFull;
    private final Counter droppedRejected;
    private final Counter droppedDisk;
    private final Timer latency;
    private final Thread appender;
    private final Thread sender;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private volatile boolean running = true;

    public InfluxOutput(InfluxConfig config, MeterRegistry registry) throws IOException {
        this.config = config;
        this.backlog = new DiskBacklog(config.backlogDir(), config.backlogMaxBytes());
        OkHttpClient.Builder http = new OkHttpClient.Builder().connectTimeout(config.timeout()).readTimeout(config.timeout())
                .writeTimeout(config.timeout());
        InfluxDBClientOptions.Builder options = InfluxDBClientOptions.builder().url(config.url()).org(config.org())
                .bucket(config.bucket()).precision(config.precision()).okHttpClient(http);
        config.token().ifPresent(t -> options.authenticateToken(t.toCharArray()));
        this.client = InfluxDBClientFactory.create(options.build());
        this.writer = client.getWriteApiBlocking();
        this.backoff = new Backoff(Duration.ofSeconds(1), config.maxBackoff(), new SplittableRandom());
        String help = "Points for InfluxDB ";
        this.written = Counter.builder("kilowatch.influxdb.points.written").description(help + "acknowledged by the server").register(registry);
        this.failed = Counter.builder("kilowatch.influxdb.points.failed")
                .description(help + "in write attempts that failed and will be retried").register(registry);
        this.droppedFull = Counter.builder("kilowatch.influxdb.points.dropped").tag("reason", "backlog_full")
                .description(help + "given up: backlog full, rejected by the server as invalid, or not writable to disk").register(registry);
        this.droppedRejected = Counter.builder("kilowatch.influxdb.points.dropped").tag("reason", "rejected")
                .description(help + "given up: backlog full, rejected by the server as invalid, or not writable to disk").register(registry);
        this.droppedDisk = Counter.builder("kilowatch.influxdb.points.dropped").tag("reason", "disk_error")
                .description(help + "given up: backlog full, rejected by the server as invalid, or not writable to disk").register(registry);
        Gauge.builder("kilowatch.influxdb.points.queued", this, InfluxOutput::queued)
                .description(help + "waiting to be sent (on disk and being handed to it)").register(registry);
        Gauge.builder("kilowatch.influxdb.backlog", this, o -> o.locked(o.backlog::totalBytes)).baseUnit("bytes")
                .description("Size of the on-disk InfluxDB backlog").register(registry);
        this.latency = Timer.builder("kilowatch.influxdb.write.duration").description("Time of one write request to InfluxDB, failed ones included")
                .register(registry);
        this.appender = daemon(this::appendLoop, "kilowatch-influxdb-backlog");
        this.sender = daemon(this::sendLoop, "kilowatch-influxdb-writer");
    }

    private static Thread daemon(Runnable body, String name) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    public void start() {
        appender.start();
        sender.start();
        LOG.atInfo().addKeyValue("url", config.url()).addKeyValue("org", config.org()).addKeyValue("bucket", config.bucket())
                .addKeyValue("backlog", config.backlogDir().toAbsolutePath()).log("writing to InfluxDB");
    }

    /** Hands points over (line protocol, nanosecond timestamps); never blocks. */
    public void offer(List<String> lines) {
        int dropped = 0;
        for (String line : lines) {
            // Counted before it is visible to the appender, so queued() never reads zero while a point is in flight.
            handedOver.incrementAndGet();
            if (!handoff.offer(line)) {
                handedOver.decrementAndGet();
                dropped++;
            }
        }
        if (dropped > 0) {
            droppedDisk.increment(dropped);
            LOG.atError().addKeyValue("points", dropped).log("InfluxDB output cannot write its backlog to disk fast enough; points dropped");
        }
    }

    /** Points not yet acknowledged by InfluxDB. */
    public long queued() {
        return locked(() -> handedOver.get() + backlog.pending());
    }

    private void appendLoop() {
        List<String> group = new ArrayList<>();
        while (running || !handoff.isEmpty()) {
            try {
                String first = handoff.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                handoff.drainTo(group, 10_000);
                appendGroup(group);
                group.clear();
            } catch (InterruptedException e) {
                running = false;
            }
        }
    }

    private void appendGroup(List<String> group) {
        lock.lock();
        try {
            long dropped;
            try {
                dropped = backlog.append(group);
            } finally {
                handedOver.addAndGet(-group.size());
            }
            if (dropped > 0) {
                droppedFull.increment(dropped);
                LOG.atError().addKeyValue("points", dropped).addKeyValue("max_bytes", config.backlogMaxBytes())
                        .log("InfluxDB backlog is full: the oldest unsent points were dropped (outputs.influxdb.backlog.max_bytes)");
            }
            if (backlog.pending() >= config.batchSize()) {
                appended.signalAll();
            }
        } catch (IOException e) {
            droppedDisk.increment(group.size());
            LOG.atError().setCause(e).addKeyValue("points", group.size()).log("writing the InfluxDB backlog failed; points dropped");
        } finally {
            lock.unlock();
        }
    }

    private void sendLoop() {
        while (running) {
            try {
                awaitBatch();
                while (running && sendOneBatch()) {
                    // Keeps going while there is more to send and the server takes it.
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // A bug must not end the thread silently: the backlog would only grow.
                LOG.atError().setCause(e).log("InfluxDB output failed unexpectedly; retrying");
                try {
                    stopping.await(backoff.failed().toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    /** Waits for a full batch or the flush interval, whichever comes first. */
    private void awaitBatch() throws InterruptedException {
        lock.lock();
        try {
            long nanos = config.flushInterval().toNanos();
            while (running && backlog.pending() < config.batchSize() && nanos > 0) {
                nanos = appended.awaitNanos(nanos);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Sends the oldest batch; true if one was sent and more may follow, false when empty or after a failure's wait. */
    private boolean sendOneBatch() throws InterruptedException {
        DiskBacklog.Batch batch;
        try {
            batch = lockedIo(() -> backlog.peek(config.batchSize()));
        } catch (IOException e) {
            LOG.atError().setCause(e).log("reading the InfluxDB backlog failed");
            stopping.await(backoff.failed().toMillis(), TimeUnit.MILLISECONDS);
            return false;
        }
        if (batch.lines().isEmpty()) {
            return false;
        }
        List<String> lines = batch.lines().stream().map(this::toPrecision).toList();
        long start = System.nanoTime();
        try {
            writer.writeRecords(config.bucket(), config.org(), config.precision(), lines);
            latency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            written.increment(lines.size());
            if (backoff.failures() > 0) {
                LOG.atInfo().addKeyValue("failures", backoff.failures()).log("InfluxDB reachable again; sending the backlog");
            }
            backoff.succeeded();
        } catch (InfluxException e) {
            latency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            if (e.status() == 400 || e.status() == 422) {
                // Invalid points never become valid: retrying them would block everything behind them for ever.
                droppedRejected.increment(lines.size());
                LOG.atError().addKeyValue("points", lines.size()).addKeyValue("status", e.status()).addKeyValue("error", e.getMessage())
                        .log("InfluxDB rejected a batch as invalid; dropped");
            } else {
                failed.increment(lines.size());
                Duration wait = backoff.failed();
                LOG.atWarn().addKeyValue("status", e.status()).addKeyValue("error", e.getMessage())
                        .addKeyValue("retry_in_ms", wait.toMillis()).addKeyValue("queued", queued())
                        .log("writing to InfluxDB failed; the points stay in the backlog");
                stopping.await(wait.toMillis(), TimeUnit.MILLISECONDS);
                return false;
            }
        }
        try {
            lockedIo(() -> {
                backlog.commit(batch.end());
                return null;
            });
        } catch (IOException e) {
            // Sent but not marked: they go again after a restart, which InfluxDB takes as the same points.
            LOG.atError().setCause(e).log("recording InfluxDB progress failed");
        }
        return true;
    }

    /** Line protocol is kept with nanosecond timestamps; the last field of a line is its time. */
    private String toPrecision(String line) {
        int space = line.lastIndexOf(' ');
        long nanos = Long.parseLong(line.substring(space + 1));
        long divisor = switch (config.precision()) {
            case S -> 1_000_000_000L;
            case MS -> 1_000_000L;
            case US -> 1_000L;
            case NS -> 1L;
        };
        return divisor == 1 ? line : line.substring(0, space + 1) + Math.floorDiv(nanos, divisor);
    }

    private interface IoCall<T> {
        T call() throws IOException;
    }

    private <T> T lockedIo(IoCall<T> call) throws IOException {
        lock.lock();
        try {
            return call.call();
        } finally {
            lock.unlock();
        }
    }

    private long locked(java.util.function.LongSupplier value) {
        lock.lock();
        try {
            return value.getAsLong();
        } finally {
            lock.unlock();
        }
    }

    /** Stops sending and writes what is still in memory to the backlog, so it goes out after the next start. */
    @Override
    public void close() throws IOException, InterruptedException {
        running = false;
        stopping.countDown();
        lock.lock();
        try {
            appended.signalAll();
        } finally {
            lock.unlock();
        }
        // Not interrupted: a write in flight finishes (within the timeout) and is recorded, so it is not sent twice.
        sender.join(config.timeout().toMillis() + 5_000);
        appender.join(10_000);
        lock.lock();
        try {
            backlog.close();
        } finally {
            lock.unlock();
        }
        client.close();
    }
}
