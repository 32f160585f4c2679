package io.kilowatch.collector.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.collector.http.TestCollector;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path an on-call engineer relies on, in one collector: a service whose probe fails burns its
 * error budget, the services' conditions reach the alerting engine, and a page goes out by webhook.
 */
@ExtendWith(VertxExtension.class)
class ServicePagingTest {
    @TempDir
    Path dataDir;

    @Test
    void aServiceBurningItsBudgetPagesByWebhook(Vertx vertx) throws Exception {
        WebhookReceiver receiver = new WebhookReceiver(vertx, 0, 200);
        int port;
        try (ServerSocket probed = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            port = probed.getLocalPort();
        } // closed again: the probe's connections are refused until a server listens there
        Path services = dataDir.resolve("services.yaml");
        Files.writeString(services, """
                probes:
                  payments-tcp:
                    kind: tcp
                    host: 127.0.0.1
                    port: %d
                    interval: 1s
                    timeout: 1s
                services:
                  payments:
                    owner: Finance systems
                    target_percent: 99.85
                    components:
                      gateway:
                        probe: payments-tcp
                """.formatted(port));
        int collector = TestCollector.deploy(vertx, dataDir.resolve("collector"),
                "security.read.anonymous", "true",
                "services.file", services.toString(),
                "services.evaluation_interval", "1s",
                "alerting.evaluation_interval", "1s",
                "alerting.grouping.group_wait", "0s",
                "alerting.grouping.group_interval", "1s",
                "alerting.rules.service_burn_rate_page.for", "0s",
                "alerting.rules.service_burn_rate_page.keep_firing_for", "0s",
                "alerting.rules.service_burn_rate_page.channels", "hook",
                "alerting.channels.hook.type", "webhook",
                "alerting.channels.hook.url", receiver.url()).port();

        waitFor("a page for payments", () -> receiver.received.stream().anyMatch(n -> hasAlert(n, "firing")));
        JsonObject page = receiver.received.stream().filter(n -> hasAlert(n, "firing")).findFirst().orElseThrow()
                .getJsonArray("alerts").getJsonObject(0);
        assertEquals("page", page.getJsonObject("labels").getString("severity"));
        assertEquals("payments", page.getJsonObject("labels").getString("service"));
        assertTrue(Double.parseDouble(page.getJsonObject("annotations").getString("value")) > 14.4,
                "burning far faster than the page threshold: " + page.encode());
        JsonObject service = WebClient.create(vertx).get(collector, "127.0.0.1", "/api/v1/services/payments").send().await()
                .bodyAsJsonObject();
        assertEquals("down", service.getString("state"), service.encode());
    }

    private static boolean hasAlert(JsonObject notification, String status) {
        return notification.getJsonArray("alerts").stream().map(JsonObject.class::cast)
                .anyMatch(a -> a.getString("status").equals(status)
                        && "service_burn_rate_page".equals(a.getJsonObject("labels").getString("alertname")));
    }

    private static void waitFor(String what, java.util.function.BooleanSupplier done) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }
}
