package io.kilowatch.collector.service;

import io.kilowatch.collector.feature.Maths;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.collector.store.JdbcServiceHistoryStore;
import io.kilowatch.collector.store.JdbcStore;
import io.kilowatch.core.alerting.Condition;
import io.kilowatch.core.service.ServiceState;
import io.kilowatch.core.service.SlaPeriod;
import io.kilowatch.core.service.StateInterval;
import io.kilowatch.core.testing.ManualClock;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Email runs on two redundant hosts (any of them) and a webmail page checked by a real HTTP probe. One host
 * goes down: nothing to page about. Both go down: the page burn-rate condition appears exactly when the 1 h
 * window crosses 14.4x. Both come back: it resolves when the short windows clear. The month's SLA report has
 * the figures worked out below, and they survive a restart.
 */
@ExtendWith(VertxExtension.class)
class ServiceScenarioTest {
    static final Instant T0 = Instant.parse("2026-11-03T00:00:00Z");
    static final Duration STEP = Duration.ofSeconds(30);
    static final List<String> BOTH = List.of("mx-1", "mx-2");

    @TempDir
    Path dir;

    @Test
    void redundantHostsOutageAlertsAndTheMonthsReport(Vertx vertx) throws Exception {
        HttpServer webmail = vertx.createHttpServer().requestHandler(r -> r.response().end("<h1>mail OK</h1>")).listen(0, "127.0.0.1").await();
        Path file = dir.resolve("services.yaml");
        Files.writeString(file, """
                probes:
                  webmail:
                    kind: http
                    url: http://127.0.0.1:%d/
                    expect_body: "mail OK"
                    interval: 30s
                    timeout: 5s
                services:
                  mail-hosts:
                    rule: any_of
                    components:
                      mx1: {device: mx-1}
                      mx2: {device: mx-2}
                  email:
                    owner: IT Operations
                    target_percent: 99.85
                    budget_period: month
                    components:
                      hosts: {service: mail-hosts}
                      webmail: {probe: webmail}
                """.formatted(webmail.actualPort()));
        // The week before, as a previous run of the collector recorded it: up throughout.
        Path data = dir.resolve("data");
        try (JdbcStore seed = JdbcStore.sqlite(data)) {
            StateInterval week = new StateInterval(Instant.parse("2026-10-27T00:00:00Z").toEpochMilli(), T0.toEpochMilli(), ServiceState.UP);
            new JdbcServiceHistoryStore(seed.database()).record(List.of(new ServiceHistoryStore.IntervalRow("service", "email", week),
                    new ServiceHistoryStore.IntervalRow("service", "mail-hosts", week)), List.of());
        }
        ManualClock clock = new ManualClock(T0);
        JsonObject report;
        try (ServiceHarness h = new ServiceHarness(vertx, clock, data, file, STEP)) {
            h.start();
            h.evaluate(BOTH);
            for (int i = 0; i < 120; i++) {
                h.step(STEP, BOTH);
            }
            assertEquals(ServiceState.UP, h.services.evaluator.status("email").orElseThrow().state());
            assertEquals(List.of(), rules(h), "all well after an hour");

            // mx-1 stops reporting at T0 + 1 h; ten minutes later the service is still up and nothing pages.
            for (int i = 0; i < 20; i++) {
                h.step(STEP, List.of("mx-2"));
            }
            ServiceStatus email = h.services.evaluator.status("email").orElseThrow();
            assertEquals(ServiceState.UP, email.state());
            assertEquals(ServiceState.DOWN, h.services.evaluator.status("mail-hosts").orElseThrow().components().get(0).state());
            assertEquals(List.of(), email.failing(), "its hosts component is up");
            assertEquals(List.of("mx1"), h.services.evaluator.status("mail-hosts").orElseThrow().failing());
            assertEquals(List.of(), rules(h), "one host of a redundant pair down is no alert");

            // mx-2 stops at T2 = T0 + 4200 s. Devices report every 60 s and count down after 3 missed reports (180 s):
            // still up at T2 + 180, down at the evaluation at T2 + 210 = T0 + 4410 s = D.
            Instant d = T0.plusSeconds(4410);
            while (clock.instant().isBefore(d.minus(STEP))) {
                h.step(STEP, List.of());
                assertEquals(ServiceState.UP, h.services.evaluator.status("email").orElseThrow().state(), "at " + clock.instant());
            }
            h.step(STEP, List.of());
            assertEquals(d, clock.instant());
            assertEquals(ServiceState.DOWN, h.services.evaluator.status("email").orElseThrow().state());
            // Page when 1 h and 5 m both burn above 14.4, i.e. over 0.0216 x 3600 = 77.76 s down in the last hour:
            // not at D + 60, yes at D + 90. (The 6 h pair needs 6 x 0.0015 x 21600 = 194.4 s.)
            h.step(STEP, List.of());
            h.step(STEP, List.of());
            assertFalse(rules(h).contains("service_burn_rate_page"), "60 s down: 1 h burn rate 11.1");
            h.step(STEP, List.of());
            assertTrue(rules(h).contains("service_burn_rate_page"), "90 s down: 1 h burn rate 16.7");
            Condition page = h.services.conditions().conditionsAt(clock.instant()).stream()
                    .filter(c -> c.rule().equals("service_burn_rate_page") && "email".equals(c.labels().get("service"))).findFirst().orElseThrow();
            assertEquals(90.0 / 3600 / 0.0015, page.value(), 1e-9);
            assertTrue(page.summary().startsWith("email: error budget burning at 16.7x over 1h"), page.summary());
            // The ticket pair (1 d and 2 h over 3): over 0.0045 x 86400 = 388.8 s down in a day: at D + 390.
            while (clock.instant().isBefore(d.plusSeconds(390))) {
                assertFalse(rules(h).contains("service_burn_rate_ticket"));
                h.step(STEP, List.of());
            }
            assertTrue(rules(h).contains("service_burn_rate_ticket"));

            // Both hosts report again at R = D + 1200 s.
            Instant r = d.plusSeconds(1200);
            while (clock.instant().isBefore(r.minus(STEP))) {
                h.step(STEP, List.of());
            }
            h.step(STEP, BOTH);
            assertEquals(r, clock.instant());
            assertEquals(ServiceState.UP, h.services.evaluator.status("email").orElseThrow().state());
            // The 5 m window clears at R + 300, but 6 h (1200 s of 21600) and 30 m still burn over 6 until the
            // 30 m window holds at most 0.009 x 1800 = 16.2 s of the outage: at R + 1800, not at R + 1770.
            while (clock.instant().isBefore(r.plusSeconds(1770))) {
                h.step(STEP, BOTH);
            }
            assertTrue(rules(h).contains("service_burn_rate_page"));
            h.step(STEP, BOTH);
            assertFalse(rules(h).contains("service_burn_rate_page"), "resolved");
            assertTrue(rules(h).contains("service_below_target"), "1200 s down this month is over 99.85 %'s budget so far");

            report = monthReport(h);
            // Counters since this collector started (T0): 4410 + 1200 + 1800 s counted, 1200 s down.
            String scrape = h.registry.scrape();
            assertTrue(scrape.contains("kilowatch_service_counted_seconds_total{service=\"email\"} 7410.0"), scrape);
            assertTrue(scrape.contains("kilowatch_service_down_seconds_total{service=\"email\"} 1200.0"), scrape);
            assertTrue(scrape.contains("kilowatch_service_up{service=\"email\"} 1.0"), scrape);
            assertTrue(scrape.contains("kilowatch_probe_success{kind=\"http\",probe=\"webmail\"} 1.0"), scrape);
            assertTrue(scrape.contains("kilowatch_service_availability_target_ratio{service=\"email\"} 0.9985"), scrape);
            assertTrue(scrape.contains("kilowatch_service_error_budget_remaining_ratio{service=\"email\"} " + (2688.0 / 3888)), scrape);
        }
        // November so far (GMT all month): observed from 1 Nov 00:00Z (the seeded week covers it) to now, R + 1800 =
        // T0 + 7410 s: 172800 + 7410 = 180210 s counted, 1200 s down. Budget: 30 d x 86400 x 0.0015 = 3888 s.
        assertMonthReport(report);

        // After a restart the report is the same, from the store alone.
        try (ServiceHarness again = new ServiceHarness(vertx, clock, data, file, STEP)) {
            again.start();
            JsonObject afterRestart = monthReport(again);
            assertEquals(report, afterRestart);
            // Ten minutes later (the collector was down meanwhile) that gap is no data, charged down by the default policy.
            again.step(Duration.ofMinutes(10), BOTH);
            ServiceStatus email = again.services.evaluator.status("email").orElseThrow();
            assertEquals(ServiceState.UP, email.state());
            assertEquals(1800_000, email.budget().spentMs(), "1200 s outage + 600 s no data");
        }
        webmail.close().await();
    }

    private static JsonObject monthReport(ServiceHarness h) {
        return h.onLoop(() -> SlaReport.load(h.services.evaluator.catalog().get("email"), SlaPeriod.MONTH, LocalDate.of(2026, 11, 15),
                h.services.store(), h.clock.instant(), h.services.evaluator.gapToleranceMs(), h.services.config(), null, Maths.INLINE)
                .map(ServicesApi::slaJson));
    }

    static void assertMonthReport(JsonObject report) {
        assertEquals("email", report.getString("service"));
        assertEquals("2026-11", report.getJsonObject("period").getString("name"));
        assertEquals("2026-11-01T00:00:00Z", report.getJsonObject("period").getString("start"));
        assertEquals("2026-12-01T00:00:00Z", report.getJsonObject("period").getString("end"));
        assertFalse(report.getJsonObject("period").getBoolean("complete"));
        JsonObject s = report.getJsonObject("seconds");
        assertEquals(180210.0, s.getDouble("counted"));
        assertEquals(1200.0, s.getDouble("charged_down"));
        assertEquals(0.0, s.getDouble("no_data"));
        assertEquals(0.0, s.getDouble("maintenance"));
        assertEquals(179010.0 / 180210, report.getDouble("availability_ratio"), 1e-12);
        assertFalse(report.getBoolean("met"));
        JsonObject budget = report.getJsonObject("error_budget");
        assertEquals(3888.0, budget.getDouble("total_seconds"));
        assertEquals(1200.0, budget.getDouble("spent_seconds"));
        assertEquals(2688.0, budget.getDouble("left_seconds"));
        JsonArray incidents = report.getJsonArray("incidents");
        assertEquals(1, incidents.size());
        JsonObject incident = incidents.getJsonObject(0);
        assertEquals("2026-11-03T01:13:30Z", incident.getString("start"));
        assertEquals("2026-11-03T01:33:30Z", incident.getString("end"));
        assertEquals(1200.0, incident.getDouble("duration_seconds"));
        assertTrue(incident.getBoolean("in_service_hours"));
        assertEquals(Set.of("hosts/mx1", "hosts/mx2"), incident.getJsonArray("components").stream().map(Object::toString).collect(Collectors.toSet()));
        // Components by the service's calendar, recorded from T0 on: the hosts service was down the 1200 s of the
        // incident; the probe never. mx1 alone (in the nested service's report) would show its own 10 minutes more.
        JsonObject hosts = component(report, "hosts");
        assertEquals(1200.0, hosts.getDouble("down_seconds"));
        assertEquals(6210.0 / 7410, hosts.getDouble("availability_ratio"), 1e-12);
        assertEquals(0.0, component(report, "webmail").getDouble("down_seconds"));
        assertEquals(1.0, component(report, "webmail").getDouble("availability_ratio"));
    }

    private static JsonObject component(JsonObject report, String name) {
        return report.getJsonArray("components").stream().map(JsonObject.class::cast).filter(c -> c.getString("name").equals(name))
                .findFirst().orElseThrow();
    }

    private static List<String> rules(ServiceHarness h) {
        return h.services.conditions().conditionsAt(h.clock.instant()).stream()
                .filter(c -> "email".equals(c.labels().get("service"))).map(Condition::rule).toList();
    }
}
