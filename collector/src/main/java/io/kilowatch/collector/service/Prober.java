package io.kilowatch.collector.service;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import java.net.InetAddress;
import java.net.URI;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one probe: an HTTP(S) request (status, body match, latency, certificate days left), a TCP connect,
 * or a DNS lookup through the system resolver. Every run ends within its timeout and never fails the
 * future: failures are results.
 */
final class Prober {
    /** Bodies are read only this far for the content match, so a huge page cannot exhaust memory. */
    static final int MAX_BODY_BYTES = 1024 * 1024;

    private final Vertx vertx;
    private final WorkerExecutor resolver;
    private final Clock clock;

    Prober(Vertx vertx, WorkerExecutor resolver, Clock clock) {
        this.vertx = vertx;
        this.resolver = resolver;
        this.clock = clock;
    }

    Future<ProbeResult> run(ProbeDefinition probe) {
        Instant started = clock.instant();
        long t0 = System.nanoTime();
        Promise<ProbeResult> done = Promise.promise();
        AtomicReference<Runnable> cleanup = new AtomicReference<>(() -> { });
        long timer = vertx.setTimer(probe.timeout().toMillis(), id -> {
            cleanup.get().run();
            done.tryComplete(new ProbeResult(false, seconds(t0), "timed out after " + probe.timeout().toMillis() + " ms", started, Optional.empty()));
        });
        Future<Optional<Instant>> attempt = switch (probe.kind()) {
            case HTTP -> http(probe, cleanup);
            case TCP -> tcp(probe, cleanup);
            case DNS -> resolver.executeBlocking(() -> {
                InetAddress.getAllByName(probe.target());
                return Optional.<Instant>empty();
            }, false);
        };
        attempt.onComplete(r -> {
            vertx.cancelTimer(timer);
            cleanup.get().run();
            double took = seconds(t0);
            if (r.failed()) {
                done.tryComplete(new ProbeResult(false, took, message(r.cause()), started, Optional.empty()));
                return;
            }
            Optional<Instant> notAfter = r.result();
            String problem = null;
            if (!probe.maxLatency().isZero() && took > probe.maxLatency().toMillis() / 1000.0) {
                problem = String.format("took %.3f s, over the %d ms limit", took, probe.maxLatency().toMillis());
            } else if (notAfter.isPresent() && probe.tlsMinDaysLeft() > 0
                    && notAfter.get().isBefore(started.plus(Duration.ofDays(probe.tlsMinDaysLeft())))) {
                problem = "TLS certificate expires " + notAfter.get() + ", under " + probe.tlsMinDaysLeft() + " days away";
            }
            done.tryComplete(new ProbeResult(problem == null, took, problem == null ? "" : problem, started, notAfter));
        });
        return done.future();
    }

    private Future<Optional<Instant>> http(ProbeDefinition probe, AtomicReference<Runnable> cleanup) {
        URI uri = probe.uri();
        boolean tls = "https".equals(uri.getScheme());
        HttpClientOptions options = new HttpClientOptions()
                .setKeepAlive(false)
                .setConnectTimeout((int) probe.timeout().toMillis())
                .setSsl(tls)
                .setTrustAll(tls && !probe.tlsVerify())
                .setVerifyHost(tls && probe.tlsVerify());
        probe.tlsCaFile().ifPresent(ca -> options.setTrustOptions(new PemTrustOptions().addCertPath(ca.toString())));
        HttpClient client = vertx.createHttpClient(options);
        cleanup.set(client::close);
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET).setHost(uri.getHost()).setPort(port).setURI(path)
                .setSsl(tls).putHeader("User-Agent", "kilowatch-probe");
        return client.request(request).compose(req -> req.send().compose(resp -> {
            Optional<Instant> notAfter = tls ? certificateNotAfter(req.connection()) : Optional.empty();
            if (resp.statusCode() < probe.statusFrom() || resp.statusCode() > probe.statusTo()) {
                return Future.failedFuture("HTTP status " + resp.statusCode() + ", expected " + probe.statusFrom()
                        + (probe.statusTo() == probe.statusFrom() ? "" : "-" + probe.statusTo()));
            }
            if (probe.bodyMatch().isEmpty()) {
                return resp.end().map(v -> notAfter);
            }
            Buffer body = Buffer.buffer();
            resp.handler(chunk -> {
                if (body.length() < MAX_BODY_BYTES) {
                    body.appendBuffer(chunk);
                }
            });
            return resp.end().compose(v -> probe.bodyMatch().get().matcher(body.toString()).find()
                    ? Future.succeededFuture(notAfter)
                    : Future.failedFuture("body does not match /" + probe.bodyMatch().get().pattern() + "/"));
        }));
    }

    private Future<Optional<Instant>> tcp(ProbeDefinition probe, AtomicReference<Runnable> cleanup) {
        NetClient client = vertx.createNetClient(new NetClientOptions().setConnectTimeout((int) probe.timeout().toMillis()));
        cleanup.set(client::close);
        return client.connect(probe.port(), probe.host()).compose(socket -> socket.close()).map(v -> Optional.empty());
    }

    private static Optional<Instant> certificateNotAfter(HttpConnection connection) {
        try {
            List<Certificate> chain = connection.peerCertificates();
            return chain.isEmpty() || !(chain.get(0) instanceof X509Certificate x509) ? Optional.empty()
                    : Optional.of(x509.getNotAfter().toInstant());
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            return Optional.empty();
        }
    }

    private static String message(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return root instanceof java.net.UnknownHostException ? "cannot resolve " + text : text;
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
