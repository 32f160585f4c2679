package io.kilowatch.collector.cluster;

import io.kilowatch.collector.store.Database;
import io.kilowatch.collector.store.JdbcLeases;
import java.time.Duration;
import java.util.List;

/** A collector's cluster on a test store, as the collector's composition root makes it. */
public final class TestCluster {
    private TestCluster() {
    }

    public static Cluster on(Database db, String collectorId, Duration leaseDuration, String... pollerGroups) {
        return new Cluster(new ClusterConfig(collectorId, leaseDuration, List.of(pollerGroups)), new JdbcLeases(db));
    }

    /** A duty that a lone collector on this store has taken, with the lease in the store that its writes are fenced by. */
    public static Duty heldDuty(Database db, String name) {
        Cluster cluster = on(db, "test-collector", Duration.ofMinutes(10), ClusterConfig.DEFAULT_GROUP);
        Duty duty = cluster.duty(name);
        cluster.renew().await();
        if (!duty.held()) {
            throw new IllegalStateException("a lone collector did not take the " + name + " lease");
        }
        return duty;
    }
}
