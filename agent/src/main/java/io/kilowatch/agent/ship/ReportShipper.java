package io.kilowatch.agent.ship;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kilowatch.core.report.Report;
import io.kilowatch.core.report.ReportCodec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongUnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends reports to the collector in order. Reports the collector could not take (down, overloaded,
 * unreachable) wait in a bounded backlog and go first next time; past the bound the oldest are dropped
 * and counted. The energy counter makes a dropped report cost detail, never energy. A report the
 * collector rejects as invalid is logged and dropped: sending it again would fail again.
 */
public final class ReportShipper {
    private static final Logger LOG = LoggerFactory.getLogger(ReportShipper.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final URI reportsUri;
    private final Duration timeout;
    private final int maxBacklog;
    private final String userAgent;
    /** Given the collector's newest sequence for this device, returns a fresh sequence number above it. */
    private final LongUnaryOperator renumber;
    private final Deque<Report> backlog = new ArrayDeque<>();
    private long sent;
    private long dropped;
    private long rejected;

    public ReportShipper(URI collector, Duration timeout, int maxBacklog, String userAgent, LongUnaryOperator renumber) {
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
        this.reportsUri = collector.resolve("/api/v1/reports");
        this.timeout = timeout;
        this.maxBacklog = maxBacklog;
        this.userAgent = userAgent;
        this.renumber = renumber;
    }

    /** Queues a report and sends everything queued, oldest first, until one fails. */
    public void ship(Report report) {
        backlog.addLast(report);
        while (backlog.size() > maxBacklog) {
            backlog.removeFirst();
            dropped++;
        }
        drain();
    }

    public int backlogSize() {
        return backlog.size();
    }

    public long sent() {
        return sent;
    }

    public long dropped() {
        return dropped;
    }

    public long rejected() {
        return rejected;
    }

    private void drain() {
        while (!backlog.isEmpty()) {
            Report next = backlog.peekFirst();
            Outcome outcome = send(next);
            switch (outcome.kind) {
                case STORED -> {
                    backlog.removeFirst();
                    sent++;
                }
                case DUPLICATE_OF_OLDER_NUMBERING -> {
                    // The collector already holds this number from before the agent lost its state:
                    // the report is new data, so it goes again under a number above the collector's.
                    backlog.removeFirst();
                    backlog.addFirst(withSequence(next, renumber.applyAsLong(outcome.collectorsLastSequence)));
                }
                case REJECTED -> {
                    backlog.removeFirst();
                    rejected++;
                }
                case RETRY_LATER -> {
                    return;
                }
            }
        }
    }

    private enum Kind { STORED, DUPLICATE_OF_OLDER_NUMBERING, REJECTED, RETRY_LATER }

    private record Outcome(Kind kind, long collectorsLastSequence) {
    }

    private Outcome send(Report report) {
        HttpRequest request = HttpRequest.newBuilder(reportsUri)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", userAgent)
                .POST(HttpRequest.BodyPublishers.ofString(ReportCodec.toJson(report)))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                JsonNode body = JSON.readTree(response.body());
                long last = body.path("last_sequence").asLong(report.sequence());
                if (body.path("duplicate").asBoolean(false) && last > report.sequence()) {
                    return new Outcome(Kind.DUPLICATE_OF_OLDER_NUMBERING, last);
                }
                return new Outcome(Kind.STORED, last);
            }
            if (status == 408 || status == 429 || status >= 500) {
                LOG.atWarn().addKeyValue("status", status).addKeyValue("backlog", backlog.size())
                        .log("collector busy or failing; will retry");
                return new Outcome(Kind.RETRY_LATER, 0);
            }
            LOG.atError().addKeyValue("status", status).addKeyValue("sequence", report.sequence())
                    .addKeyValue("reason", response.body()).log("collector rejected a report; dropped");
            return new Outcome(Kind.REJECTED, 0);
        } catch (IOException e) {
            LOG.atWarn().addKeyValue("collector", reportsUri).addKeyValue("error", e.toString())
                    .addKeyValue("backlog", backlog.size()).log("collector unreachable; will retry");
            return new Outcome(Kind.RETRY_LATER, 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(Kind.RETRY_LATER, 0);
        }
    }

    static Report withSequence(Report r, long sequence) {
        return new Report(r.schemaVersion(), r.deviceId(), sequence, r.timestamp(), r.intervalSeconds(), r.labels(),
                r.host(), r.utilisation(), r.power(), r.agent(), r.inventory());
    }
}
