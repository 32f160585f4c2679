package io.kilowatch.collector.http;

import io.kilowatch.collector.CollectorConfig;
import io.kilowatch.collector.CollectorVerticle;
import io.kilowatch.core.config.Settings;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;

/** The collector deployed for real in a test's Vert.x, on a free loopback port, with the given settings on top. */
public record TestCollector(String deploymentId, int port) {
    public static TestCollector deploy(Vertx vertx, Path dataDir, String... keyValues) {
        Settings settings = Settings.empty("test").override("http.port", "0").override("data_dir", dataDir.toString());
        for (int i = 0; i < keyValues.length; i += 2) {
            settings.override(keyValues[i], keyValues[i + 1]);
        }
        CollectorVerticle collector = new CollectorVerticle(CollectorConfig.from(settings), Clock.systemUTC());
        String id = vertx.deployVerticle(collector).await();
        return new TestCollector(id, collector.actualPort());
    }
}
