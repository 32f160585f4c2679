package io.kilowatch.collector.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.core.alerting.Condition;
import io.kilowatch.core.testing.ManualClock;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Probes against real servers on loopback: an HTTPS server whose self-signed certificate (made by openssl)
 * expires in two days, a slow endpoint, a wrong status and body, a closed port, DNS names that do and do not
 * resolve, and more probes than may run at once.
 */
@ExtendWith(VertxExtension.class)
class ProbeTest {
    @TempDir
    Path dir;
    Vertx vertx;
    HttpServer plain;
    HttpServer tls;
    Instant certificateNotAfter;
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger mostInFlight = new AtomicInteger();

    @BeforeEach
    void servers(Vertx vertx) throws Exception {
        this.vertx = vertx;
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out", "cert.pem",
                "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1")
                .directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(openssl.getInputStream().readAllBytes());
        assertEquals(0, openssl.waitFor(), output);
        try (var in = Files.newInputStream(dir.resolve("cert.pem"))) {
            certificateNotAfter = ((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in)).getNotAfter().toInstant();
        }
        plain = vertx.createHttpServer().requestHandler(req -> {
            switch (req.path()) {
                case "/slow" -> {
                    int now = inFlight.incrementAndGet();
                    mostInFlight.accumulateAndGet(now, Math::max);
                    vertx.setTimer(400, id -> {
                        inFlight.decrementAndGet();
                        req.response().end("late but fine");
                    });
                }
                case "/slower" -> vertx.setTimer(3_000, id -> req.response().end("far too late"));
                case "/broken" -> req.response().setStatusCode(503).end("maintenance page");
                default -> req.response().end("status: all systems go");
            }
        }).listen(0, "127.0.0.1").await();
        tls = vertx.createHttpServer(new HttpServerOptions().setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
                        .setCertPath(dir.resolve("cert.pem").toString()).setKeyPath(dir.resolve("key.pem").toString())))
                .requestHandler(req -> req.response().end("secure")).listen(0, "127.0.0.1").await();
    }

    @AfterEach
    void stop() {
        plain.close().await();
        tls.close().await();
    }

    private ServiceHarness harness(String probesYaml, int concurrency) throws IOException {
        Path file = dir.resolve("services.yaml");
        Files.writeString(file, "probes:\n" + probesYaml.indent(2));
        return new ServiceHarness(vertx, new ManualClock(Instant.now()), dir.resolve("data-" + System.nanoTime()), file,
                Duration.ofSeconds(10), concurrency);
    }

    @Test
    void httpsCertificateCloseToExpiryFailsTheProbeAndRaisesItsCondition() throws Exception {
        String http = "http://127.0.0.1:" + plain.actualPort();
        String https = "https://localhost:" + tls.actualPort();
        try (ServiceHarness h = harness("""
                ok: {kind: http, url: "%s/", expect_body: "all systems go"}
                tls-warn: {kind: http, url: "%s/", tls_ca_file: "%s", tls_warn_days: 14}
                tls-fail: {kind: http, url: "%s/", tls_ca_file: "%s", tls_min_days_left: 7}
                untrusted: {kind: http, url: "%s/"}
                slow: {kind: http, url: "%s/slow", max_latency: 200ms}
                status: {kind: http, url: "%s/broken"}
                body: {kind: http, url: "%s/", expect_body: "^nothing like it$"}
                """.formatted(http, https, dir.resolve("cert.pem"), https, dir.resolve("cert.pem"), https, http, http, http), 16)) {
            h.start();
            h.onLoop(() -> h.services.probes.runDue());
            var results = h.services.probes.results();
            assertTrue(results.get("ok").success(), results.get("ok").toString());
            assertTrue(results.get("tls-warn").success(), results.get("tls-warn").toString());
            assertEquals(certificateNotAfter, results.get("tls-warn").certificateNotAfter().orElseThrow());
            assertFalse(results.get("tls-fail").success());
            assertTrue(results.get("tls-fail").error().contains("under 7 days"), results.get("tls-fail").error());
            assertFalse(results.get("untrusted").success(), "a self-signed certificate is not trusted without tls_ca_file");
            assertFalse(results.get("slow").success());
            assertTrue(results.get("slow").error().contains("over the 200 ms limit"), results.get("slow").error());
            assertEquals("HTTP status 503, expected 200-399", results.get("status").error());
            assertEquals("body does not match /^nothing like it$/", results.get("body").error());

            List<Condition> conditions = h.services.conditions().conditionsAt(h.clock.instant());
            List<String> expiring = conditions.stream().filter(c -> c.rule().equals("tls_certificate_expiring")).map(c -> c.labels().get("probe")).sorted().toList();
            assertEquals(List.of("tls-fail", "tls-warn"), expiring);
            List<String> failing = conditions.stream().filter(c -> c.rule().equals("probe_failing")).map(c -> c.labels().get("probe")).sorted().toList();
            assertEquals(List.of("body", "slow", "status", "tls-fail", "untrusted"), failing);
            String scrape = h.registry.scrape();
            assertTrue(scrape.contains("kilowatch_probe_tls_certificate_expiry_timestamp_seconds{probe=\"tls-warn\"} " + (double) certificateNotAfter.getEpochSecond()), scrape);
            assertTrue(scrape.contains("kilowatch_probe_success{kind=\"http\",probe=\"slow\"} 0.0"), scrape);
        }
    }

    @Test
    void tcpAndDnsAndTimeouts() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        try (ServiceHarness h = harness("""
                open: {kind: tcp, host: 127.0.0.1, port: %d}
                closed: {kind: tcp, host: 127.0.0.1, port: %d}
                closed-http: {kind: http, url: "http://127.0.0.1:%d/"}
                timeout: {kind: http, url: "http://127.0.0.1:%d/slower", timeout: 150ms, interval: 1s}
                resolves: {kind: dns, name: localhost}
                unknown: {kind: dns, name: no-such-host.invalid}
                """.formatted(plain.actualPort(), closed, closed, plain.actualPort()), 16)) {
            h.start();
            h.onLoop(() -> h.services.probes.runDue());
            var results = h.services.probes.results();
            assertTrue(results.get("open").success(), results.get("open").toString());
            assertFalse(results.get("closed").success());
            assertTrue(results.get("closed").error().toLowerCase().contains("refused"), results.get("closed").error());
            assertFalse(results.get("closed-http").success());
            assertEquals("timed out after 150 ms", results.get("timeout").error());
            assertTrue(results.get("timeout").durationSeconds() < 1.5, "the timeout cuts the run short of the 3 s answer");
            assertTrue(results.get("resolves").success(), results.get("resolves").toString());
            assertFalse(results.get("unknown").success());
            assertTrue(results.get("unknown").error().contains("no-such-host.invalid"), results.get("unknown").error());
        }
    }

    @Test
    void noMoreProbesRunAtOnceThanAllowed() throws Exception {
        StringBuilder yaml = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            yaml.append("slow").append(i).append(": {kind: http, url: \"http://127.0.0.1:").append(plain.actualPort()).append("/slow\"}\n");
        }
        try (ServiceHarness h = harness(yaml.toString(), 2)) {
            h.start();
            long t0 = System.nanoTime();
            h.onLoop(() -> h.services.probes.runDue());
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertEquals(6, h.services.probes.results().values().stream().filter(ProbeResult::success).count());
            assertEquals(2, mostInFlight.get(), "two at a time");
            assertTrue(seconds >= 1.2, "three rounds of 400 ms, took " + seconds);
        }
    }
}
