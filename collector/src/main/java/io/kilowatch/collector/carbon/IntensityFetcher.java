package io.kilowatch.collector.carbon;

import io.kilowatch.collector.cluster.Duty;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches half-hourly intensity in NESO's JSON format from a configurable URL on a schedule and imports
 * it: a window from {@code lookback} before now (so forecasts are replaced by actuals as NESO publishes
 * them) to {@code lookahead} after it (so the metric shows the forecast for now). A failed fetch changes
 * nothing and is retried at the next interval.
 */
public final class IntensityFetcher {
    private static final Logger LOG = LoggerFactory.getLogger(IntensityFetcher.class);
    /** The form NESO's API takes in its paths, e.g. 2024-06-03T10:00Z. */
    static final DateTimeFormatter NESO_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm'Z'").withZone(ZoneOffset.UTC);

    private final Vertx vertx;
    private final CarbonConfig.Fetch config;
    private final IntensityImports imports;
    private final Clock clock;
    private final WebClient client;
    private final Counter succeeded;
    private final Counter failed;
    private final Duty duty;

    /** @param duty fetched only while this collector holds it, so N collectors do not ask NESO N times */
    public IntensityFetcher(Vertx vertx, CarbonConfig.Fetch config, IntensityImports imports, MeterRegistry registry, Clock clock, Duty duty) {
        this.duty = duty;
        this.vertx = vertx;
        this.config = config;
        this.imports = imports;
        this.clock = clock;
        this.client = WebClient.create(vertx, new WebClientOptions().setUserAgent("kilowatch-collector")
                .setConnectTimeout((int) config.timeout().toMillis()));
        this.succeeded = fetches(registry, "success");
        this.failed = fetches(registry, "failure");
    }

    private static Counter fetches(MeterRegistry registry, String outcome) {
        return Counter.builder("kilowatch.grid.intensity.fetches").tag("outcome", outcome)
                .description("Live fetches of half-hourly grid intensity, by outcome").register(registry);
    }

    /** Fetches now and then every interval, and at once when this collector takes the duty over. */
    public void start() {
        duty.onTaken(token -> fetch());
        if (duty.held()) {
            fetch();
        }
        vertx.setPeriodic(config.interval().toMillis(), id -> {
            if (duty.held()) {
                fetch();
            }
        });
    }

    /** One fetch and import; fails on an unreachable URL, a status other than 200, or a body that is no NESO JSON. */
    public Future<CarbonStore.ImportOutcome> fetch() {
        String url = url(clock.instant());
        return client.getAbs(url).putHeader("Accept", "application/json").timeout(config.timeout().toMillis()).send()
                .compose(response -> response.statusCode() == 200
                        ? imports.importText(response.bodyAsString(), IntensityFile.Format.NESO, null, null, url)
                        : Future.failedFuture(new IntensityFormatException("HTTP " + response.statusCode() + " from " + url)))
                .onSuccess(outcome -> succeeded.increment())
                .onFailure(e -> {
                    failed.increment();
                    LOG.atWarn().addKeyValue("url", url).addKeyValue("problem", e.getMessage()).log("fetching grid intensity failed");
                });
    }

    String url(Instant now) {
        return config.url().replace("{from}", NESO_TIME.format(now.minus(config.lookback())))
                .replace("{to}", NESO_TIME.format(now.plus(config.lookahead())));
    }

    public void close() {
        client.close();
    }
}
