package io.kilowatch.collector.estate;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Group commit: reports from requests that arrive while the store is busy are stored together in one
 * transaction, so one fsync serves many requests instead of one each. Every request is still answered
 * only after the transaction holding its reports has committed; if it fails, every request in it is
 * told so and none of their reports is stored.
 */
public final class GroupCommitter {
    private record Request(List<EstateStore.Pending> reports, Promise<List<EstateStore.IngestOutcome>> answer, Context context) {
    }

    private final EstateStore store;
    private final int maxReportsPerCommit;
    private final Queue<Request> queue = new ConcurrentLinkedQueue<>();
    /** True while a group is being committed: requests arriving meanwhile wait for the next group. */
    private final AtomicBoolean committing = new AtomicBoolean();

    public GroupCommitter(EstateStore store, int maxReportsPerCommit) {
        this.store = store;
        this.maxReportsPerCommit = maxReportsPerCommit;
    }

    /** Stores the reports with whatever else is waiting; the answer comes on the caller's context. */
    public Future<List<EstateStore.IngestOutcome>> submit(List<EstateStore.Pending> reports) {
        Promise<List<EstateStore.IngestOutcome>> answer = Promise.promise();
        queue.add(new Request(reports, answer, Vertx.currentContext()));
        if (committing.compareAndSet(false, true)) {
            commitNext();
        }
        return answer.future();
    }

    /** Commits the waiting requests as one group, then the next group, until none is waiting. */
    private void commitNext() {
        List<Request> group = new ArrayList<>();
        int reports = 0;
        while (reports < maxReportsPerCommit && queue.peek() != null) {
            Request next = queue.poll();
            group.add(next);
            reports += next.reports().size();
        }
        if (group.isEmpty()) {
            committing.set(false);
            // a request may have come in between the last poll and the flag: pick it up, or let its submitter
            if (!queue.isEmpty() && committing.compareAndSet(false, true)) {
                commitNext();
            }
            return;
        }
        List<EstateStore.Pending> all = new ArrayList<>();
        group.forEach(r -> all.addAll(r.reports()));
        store.ingest(all).onComplete(result -> {
            if (result.failed()) {
                group.forEach(r -> answer(r, () -> r.answer().fail(result.cause())));
            } else {
                int from = 0;
                for (Request r : group) {
                    List<EstateStore.IngestOutcome> mine = List.copyOf(result.result().subList(from, from + r.reports().size()));
                    from += r.reports().size();
                    answer(r, () -> r.answer().complete(mine));
                }
            }
            commitNext();
        });
    }

    private static void answer(Request r, Runnable complete) {
        if (r.context() == null) {
            complete.run();
        } else {
            r.context().runOnContext(v -> complete.run());
        }
    }
}
