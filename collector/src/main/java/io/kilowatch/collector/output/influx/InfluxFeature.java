package io.kilowatch.collector.output.influx;

import io.kilowatch.collector.estate.Estate;
import io.kilowatch.collector.feature.Feature;
import io.kilowatch.collector.feature.FeatureContext;
import io.vertx.core.Future;

/** The InfluxDB output: every stored report and periodic snapshots, through an on-disk backlog. */
public final class InfluxFeature implements Feature {
    private final InfluxConfig config;
    private final Estate estate;
    private InfluxOutput output;
    private FeatureContext ctx;

    public InfluxFeature(InfluxConfig config, Estate estate) {
        this.config = config;
        this.estate = estate;
    }

    @Override
    public String name() {
        return "influxdb";
    }

    @Override
    public Future<Void> start(FeatureContext context) {
        this.ctx = context;
        return context.vertx().<Void>executeBlocking(() -> {
            output = new InfluxOutput(config, context.registry());
            return null;
        }).onSuccess(v -> {
            InfluxFeed.start(output, estate, context.registry(), context.timers(), context.clock(), config.snapshotInterval());
            output.start();
        });
    }

    /** Keeps what is still in memory in the backlog, so it goes out after the next start. */
    @Override
    public Future<Void> stop() {
        return output == null ? Future.succeededFuture() : ctx.vertx().executeBlocking(() -> {
            output.close();
            return null;
        });
    }
}
