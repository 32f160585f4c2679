package io.kilowatch.collector.agents;

import io.kilowatch.collector.feature.Scheduler;

import static io.kilowatch.collector.estate.Reports.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.kilowatch.collector.carbon.IntensityCache;
import io.kilowatch.collector.estate.Estate;
import io.kilowatch.collector.estate.ReportAccounting;
import io.kilowatch.collector.estate.Reports;
import io.kilowatch.core.agentsettings.CentralSettings;
import io.kilowatch.core.carbon.AnnualGridFactors;
import io.kilowatch.core.carbon.CarbonPolicy;
import io.kilowatch.core.carbon.SiteCarbon;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The settings answered to each batch: resolved once per rule set and label set (a batch costs a map look-up),
 * resolved again after a reload; a device's Kilowatch-Local-Settings header is what its explanation reads.
 */
class AgentSettingsServiceTest {
    private static final ZoneId LONDON = ZoneId.of("Europe/London");
    private final Vertx vertx = Vertx.vertx();
    private final Estate estate = new Estate(3);
    private final ReportAccounting accounting = new ReportAccounting(new CarbonPolicy(new SiteCarbon(AnnualGridFactors.ukDesnz(),
            AnnualGridFactors.ukDesnzTdLosses(), "national", 1.0, null), Map.of(), LONDON), LONDON, new IntensityCache());

    @AfterEach
    void close() throws Exception {
        await(vertx.close());
    }

    private void store(Reports r) {
        var built = r.build();
        estate.update(accounting.plan(built, estate.row(built.deviceId()), built.timestamp().toEpochMilli(), null));
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static JsonObject interval(double seconds) {
        return new JsonObject().put("report_interval_seconds", seconds).put("sources", new JsonObject().put("report_interval", "10-desktops"));
    }

    @Test
    void answersEachLabelSetOnceAndAfreshAfterAReload(@TempDir Path dir) throws Exception {
        Path rules = dir.resolve("rules.yaml");
        Files.writeString(rules, """
                rules:
                  10-desktops:
                    match: {class: desktop}
                    report_interval: 60s
                  20-county-hall:
                    match: {site: County Hall}
                    labels: {department: Facilities}
                """);
        AgentSettingsService service = new AgentSettingsService(vertx, new AgentSettingsConfig(Optional.of(rules), Duration.ofSeconds(5)),
                estate, Clock.systemUTC());
        await(service.start(Scheduler.manual()));
        store(report().device("pc-1"));
        store(report().device("pc-2"));
        store(report().device("pc-3").label("site", "Depot"));

        CentralSettings first = service.answerFor("pc-1", "report_interval");
        assertEquals(new JsonObject().put("report_interval_seconds", 60.0).put("labels", new JsonObject().put("department", "Facilities"))
                .put("sources", new JsonObject().put("report_interval", "10-desktops").put("device.labels.department", "20-county-hall")),
                AgentSettingsApi.wire(first));
        assertSame(first, service.answerFor("pc-2", null), "same labels, same rules: the answer already resolved");
        assertEquals(interval(60), AgentSettingsApi.wire(service.answerFor("pc-3", null)));
        assertNull(service.answerFor("pc-9", null), "no report stored: nothing to resolve from");

        assertEquals("agent_config", AgentSettingsApi.json(service.explain(estate.row("pc-1"))).getJsonObject("settings").getJsonObject("report_interval").getString("source"),
                "pc-1's header says its own config sets the interval");
        assertEquals(false, AgentSettingsApi.json(service.explain(estate.row("pc-2"))).getBoolean("local_keys_known"), "pc-2 sent no header");

        Files.writeString(rules, """
                rules:
                  10-desktops:
                    match: {class: desktop}
                    report_interval: 30s
                """);
        await(service.reload("test"));
        CentralSettings reloaded = service.answerFor("pc-2", null);
        assertNotSame(first, reloaded);
        assertEquals(interval(30), AgentSettingsApi.wire(reloaded));
    }
}
