package io.kilowatch.collector.feature;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.Callable;

/**
 * Where pure maths that follows a store read runs (a carbon report, an SLA report, the overview): on a worker, off the
 * event loop, so the store's writer only reads and the event loop only answers. Commands and tests without an event
 * loop run it {@link #INLINE}.
 */
public interface Maths {
    /** Runs the work and answers on the caller's context. */
    <T> Future<T> run(Callable<T> work);

    /** On the caller's thread. */
    Maths INLINE = new Maths() {
        @Override
        public <T> Future<T> run(Callable<T> work) {
            try {
                return Future.succeededFuture(work.call());
            } catch (Exception e) {
                return Future.failedFuture(e);
            }
        }
    };

    /** On this worker's threads, unordered: maths shares nothing. */
    static Maths on(WorkerExecutor worker) {
        return new Maths() {
            @Override
            public <T> Future<T> run(Callable<T> work) {
                return worker.executeBlocking(work, false);
            }
        };
    }
}
