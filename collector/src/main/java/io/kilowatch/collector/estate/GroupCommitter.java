package io.kilowatch.collector.estate;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Group commit: reports from requests that arrive while the store is busy are stored together in one
 * transaction, so one fsync serves many requests instead of one each. Every request is still answered
 * only after the transaction holding its reports has committed; if it fails, every request in it is
 * told so and none of their reports is stored. A small group waits out a short window after the group before it, so a
 * steady stream of reports (10,000 agents every 15 s) shares commits too instead of committing one or two at a time.
 */
public final class GroupCommitter {
    private record Request(List<EstateStore.Pending> reports, Promise<List<EstateStore.IngestOutcome>> answer, Context context) {
    }

    /** Requests so few that a group of them waits out the window for more. */
    static final int SMALL_GROUP = 4;

    private final EstateStore store;
    private final int maxReportsPerCommit;
    private final Vertx vertx;
    private final long windowNanos;
    /** When the newest group began; read and written only by whoever holds {@link #committing}. */
    private long lastGroupStartNanos;
    private final Queue<Request> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    /** Set while a small group waits out the window (on {@link #windowTimer}); whoever clears it begins the group. */
    private final AtomicBoolean waitingForWindow = new AtomicBoolean();
    private volatile long windowTimer;
    /** True while a group is being committed: requests arriving meanwhile wait for the next group. */
    private final AtomicBoolean committing = new AtomicBoolean();

    /**
     * @param window a group begins no sooner than this after the one before it, so under a steady stream of reports each
     *     commit (and its fsync) serves several of them rather than one; an idle store commits at once. Zero: as soon as
     *     the store is free.
     */
    public GroupCommitter(Vertx vertx, EstateStore store, int maxReportsPerCommit, Duration window) {
        this.vertx = vertx;
        this.store = store;
        this.maxReportsPerCommit = maxReportsPerCommit;
        this.windowNanos = window.toNanos();
        this.lastGroupStartNanos = System.nanoTime() - windowNanos;
    }

    /** Stores the reports with whatever else is waiting; the answer comes on the caller's context. */
    public Future<List<EstateStore.IngestOutcome>> submit(List<EstateStore.Pending> reports) {
        Promise<List<EstateStore.IngestOutcome>> answer = Promise.promise();
        queue.add(new Request(reports, answer, Vertx.currentContext()));
        if (committing.compareAndSet(false, true)) {
            queued.incrementAndGet();
            commitNext();
        } else if (queued.incrementAndGet() >= SMALL_GROUP && waitingForWindow.compareAndSet(true, false)) {
            vertx.cancelTimer(windowTimer);
            commitGroup(); // a burst: the group is worth committing now
        }
        return answer.future();
    }

    /** Commits the waiting requests as one group, then the next group, until none is waiting. */
    private void commitNext() {
        long tooSoonNanos = lastGroupStartNanos + windowNanos - System.nanoTime();
        int waiting = queued.get();
        // Only a small group waits: under load the queue fills while a group commits, and waiting would idle the writer.
        if (tooSoonNanos > 0 && waiting > 0 && waiting < SMALL_GROUP) {
            // more may come meanwhile: they join this group (committing stays set, so nobody else starts one)
            waitingForWindow.set(true);
            // rounded up to the timer's milliseconds: the group begins no sooner than the window's end
            windowTimer = vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(tooSoonNanos + 999_999)), id -> {
                if (waitingForWindow.compareAndSet(true, false)) {
                    commitGroup();
                }
            });
            return;
        }
        commitGroup();
    }

    private void commitGroup() {
        List<Request> group = new ArrayList<>();
        int reports = 0;
        while (reports < maxReportsPerCommit && queue.peek() != null) {
            Request next = queue.poll();
            queued.decrementAndGet();
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
        lastGroupStartNanos = System.nanoTime();
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
