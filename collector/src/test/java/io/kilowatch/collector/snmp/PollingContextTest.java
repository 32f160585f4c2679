package io.kilowatch.collector.snmp;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

/** SNMP polling runs on an event loop of its own, never the HTTP server's (the caller's). */
class PollingContextTest {
    @Test
    void pollingRunsOnAnotherEventLoopThanTheCollectors() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            Context collector = vertx.getOrCreateContext();
            Promise<String[]> threads = Promise.promise();
            collector.runOnContext(v -> {
                Context polling = SnmpPoller.ownContext(vertx);
                String callers = Thread.currentThread().getName();
                polling.runOnContext(w -> threads.complete(new String[] {callers, Thread.currentThread().getName()}));
            });
            String[] names = threads.future().await();
            assertTrue(names[1].startsWith("vert.x-eventloop-thread-"), names[1]);
            assertNotEquals(names[0], names[1], "polling shares the collector's event loop");
        } finally {
            vertx.close().await();
        }
    }
}
