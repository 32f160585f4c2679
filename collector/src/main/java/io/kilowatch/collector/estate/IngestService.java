package io.kilowatch.collector.estate;

import io.kilowatch.core.report.Report;
import io.kilowatch.core.report.ReportCodec;
import io.kilowatch.core.report.ReportCodec.BatchItem;
import io.kilowatch.core.report.ReportFormatException;
import io.kilowatch.core.report.ReportValidator;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Takes in agent reports, one or a batch: parse and validate them on the caller's thread (cheap, and bad
 * input never reaches the store), store the valid ones in one transaction (shared with other requests
 * by group commit), and only then update the live view and answer. An answer of "stored" therefore
 * means durably stored.
 */
public final class IngestService {
    /**
     * The answer for one report: accepted (new or a resend) with the device's newest sequence, or
     * rejected with reasons.
     */
    /** @param sequenceTaken see {@link EstateStore.IngestOutcome#sequenceTaken()} */
    public record Result(Long sequence, boolean accepted, boolean duplicate, boolean sequenceTaken, long lastSequence, List<String> problems) {
        static Result rejected(Long sequence, List<String> problems) {
            return new Result(sequence, false, false, false, 0, problems);
        }
    }

    /** The answers for a batch and the device it is from (its credential's, else its first report's; null if none says). */
    public record BatchResult(String deviceId, List<Result> results) {
    }

    private final GroupCommitter committer;
    private final ReportAccounting accounting;
    private final Estate estate;
    private final EstateMetrics metrics;
    private final Clock clock;
    private final java.util.function.ToLongFunction<String> rateLimit;
    private final java.util.function.Consumer<IngestPlan> onStored;

    /**
     * @param onStored told of every newly stored report's plan (after the live view took it in)
     */
    public IngestService(GroupCommitter committer, ReportAccounting accounting, Estate estate,
                         EstateMetrics metrics, Clock clock, java.util.function.ToLongFunction<String> rateLimit,
                         java.util.function.Consumer<IngestPlan> onStored) {
        this.onStored = onStored;
        this.committer = committer;
        this.accounting = accounting;
        this.estate = estate;
        this.metrics = metrics;
        this.clock = clock;
        this.rateLimit = rateLimit;
    }

    /** A device sent more than its share of requests; nothing of this request was looked at further. */
    public static final class RateLimitedException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        public final long retryAfterSeconds;

        RateLimitedException(String deviceId, long retryAfterSeconds) {
            super("too many requests from device '" + deviceId + "'; retry after " + retryAfterSeconds + " s");
            this.retryAfterSeconds = retryAfterSeconds;
        }
    }

    /**
     * One report ({@code POST /api/v1/reports}).
     *
     * @param authenticatedDevice the device the request's credential belongs to, or null when credentials are not required
     */
    public Future<Result> ingest(String body, String authenticatedDevice) {
        BatchItem item;
        try {
            item = new BatchItem(ReportCodec.fromJson(body), null);
        } catch (ReportFormatException e) {
            item = new BatchItem(null, e.getMessage());
        }
        return ingestAll(List.of(item), authenticatedDevice).map(batch -> batch.results().get(0));
    }

    /** A report made in the collector (an SNMP poll): validated and stored as an agent's would be. */
    public Future<Result> ingest(Report report, String authenticatedDevice) {
        return ingestAll(List.of(new BatchItem(report, null)), authenticatedDevice).map(batch -> batch.results().get(0));
    }

    /** A batch ({@code POST /api/v1/reports/batch}); a body that is no batch at all fails with {@link ReportFormatException}. */
    public Future<BatchResult> ingestBatch(String body, String authenticatedDevice) {
        try {
            return ingestAll(ReportCodec.batchFromJson(body), authenticatedDevice);
        } catch (ReportFormatException e) {
            metrics.countRejected();
            return Future.failedFuture(e);
        }
    }

    private Future<BatchResult> ingestAll(List<BatchItem> items, String authenticatedDevice) {
        if (authenticatedDevice != null) {
            String other = items.stream().map(BatchItem::report).filter(r -> r != null && !authenticatedDevice.equals(r.deviceId()))
                    .map(Report::deviceId).findFirst().orElse(null);
            if (other != null) {
                metrics.countRejected();
                return Future.failedFuture(new AgentCredentials.Refused(403,
                        "the credential belongs to device '" + authenticatedDevice + "', not '" + other + "'"));
            }
        }
        String device = authenticatedDevice != null ? authenticatedDevice : items.stream().map(BatchItem::report)
                .filter(r -> r != null && r.deviceId() != null).map(Report::deviceId).findFirst().orElse(null);
        long retryAfter = device == null ? 0 : rateLimit.applyAsLong(device);
        if (retryAfter > 0) {
            metrics.countRejected();
            return Future.failedFuture(new RateLimitedException(device, retryAfter));
        }
        Result[] results = new Result[items.size()];
        IngestPlan[] plans = new IngestPlan[items.size()];
        List<EstateStore.Pending> pending = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Report report = items.get(i).report();
            List<String> problems = report == null ? List.of(items.get(i).problem()) : ReportValidator.validate(report, clock.instant());
            if (!problems.isEmpty()) {
                metrics.countRejected();
                results[i] = Result.rejected(report == null ? null : report.sequence(), problems);
                continue;
            }
            String inventoryJson = report.inventory() == null ? null : ReportCodec.toJson(report.inventory());
            int position = i;
            positions.add(i);
            pending.add(new EstateStore.Pending(report.deviceId(), report.sequence(), report.host().bootTime().toEpochMilli(),
                    report.timestamp().toEpochMilli(), (previous, metered) -> {
                        IngestPlan plan = accounting.plan(report, previous, clock.millis(), inventoryJson, metered);
                        plans[position] = plan;
                        return plan;
                    }));
        }
        if (pending.isEmpty()) {
            return Future.succeededFuture(new BatchResult(device, List.of(results)));
        }
        return committer.submit(pending).map(outcomes -> {
            for (int k = 0; k < outcomes.size(); k++) {
                int i = positions.get(k);
                EstateStore.IngestOutcome outcome = outcomes.get(k);
                if (outcome.rejection() != null) {
                    metrics.countRejected();
                    results[i] = Result.rejected(items.get(i).report().sequence(), List.of(outcome.rejection()));
                    continue;
                }
                if (outcome.duplicate()) {
                    metrics.countDuplicate();
                } else {
                    estate.update(plans[i]);
                    metrics.countStored();
                    onStored.accept(plans[i]);
                }
                results[i] = new Result(items.get(i).report().sequence(), true, outcome.duplicate(), outcome.sequenceTaken(),
                        outcome.lastSequence(), List.of());
            }
            return new BatchResult(device, List.of(results));
        });
    }
}
