package io.kilowatch.collector.estate;

import io.kilowatch.collector.metrics.EstateMetrics;
import io.kilowatch.collector.store.Store;
import io.kilowatch.core.report.Report;
import io.kilowatch.core.report.ReportCodec;
import io.kilowatch.core.report.ReportFormatException;
import io.kilowatch.core.report.ReportValidator;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Takes in one agent report: parse and validate it on the caller's thread (cheap, and bad input never
 * reaches the store), then store it in one transaction on the store's worker, and only then update
 * the live view and answer. An answer of "stored" therefore means durably stored.
 */
public final class IngestService {
    /** The answer to a report: accepted (new or a resend) with the device's newest sequence, or rejected with reasons. */
    public record Result(boolean accepted, boolean duplicate, long lastSequence, List<String> problems) {
        static Result rejected(List<String> problems) {
            return new Result(false, false, 0, problems);
        }
    }

    private final Store store;
    private final WorkerExecutor storeWorker;
    private final ReportAccounting accounting;
    private final Estate estate;
    private final EstateMetrics metrics;
    private final Clock clock;
    private final Runnable onChange;

    public IngestService(Store store, WorkerExecutor storeWorker, ReportAccounting accounting, Estate estate,
                         EstateMetrics metrics, Clock clock, Runnable onChange) {
        this.store = store;
        this.storeWorker = storeWorker;
        this.accounting = accounting;
        this.estate = estate;
        this.metrics = metrics;
        this.clock = clock;
        this.onChange = onChange;
    }

    public Future<Result> ingest(String body) {
        Report report;
        try {
            report = ReportCodec.fromJson(body);
        } catch (ReportFormatException e) {
            metrics.countRejected();
            return Future.succeededFuture(Result.rejected(List.of(e.getMessage())));
        }
        List<String> problems = ReportValidator.validate(report, clock.instant());
        if (!problems.isEmpty()) {
            metrics.countRejected();
            return Future.succeededFuture(Result.rejected(problems));
        }
        String inventoryJson = report.inventory() == null ? null : ReportCodec.toJson(report.inventory());
        AtomicReference<IngestPlan> applied = new AtomicReference<>();
        return storeWorker.executeBlocking(() -> store.ingest(report.deviceId(), report.sequence(),
                        report.host().bootTime().toEpochMilli(), report.timestamp().toEpochMilli(),
                        previous -> {
                            IngestPlan plan = accounting.plan(report, previous, clock.millis(), inventoryJson);
                            applied.set(plan);
                            return plan;
                        }), true)
                .map(outcome -> {
                    if (outcome.duplicate()) {
                        metrics.countDuplicate();
                    } else {
                        estate.update(applied.get());
                        metrics.countStored();
                        metrics.sync();
                        onChange.run();
                    }
                    return new Result(true, outcome.duplicate(), outcome.lastSequence(), List.of());
                });
    }
}
