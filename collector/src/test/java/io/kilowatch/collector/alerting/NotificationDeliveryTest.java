package io.kilowatch.collector.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.collector.CollectorConfig;
import io.kilowatch.collector.store.JdbcAlertStore;
import io.kilowatch.collector.cluster.TestCluster;
import io.kilowatch.collector.store.JdbcStore;
import io.kilowatch.collector.store.StoreKind;
import io.kilowatch.core.alerting.Alert;
import io.kilowatch.core.alerting.Condition;
import io.kilowatch.core.alerting.ConditionSource;
import io.kilowatch.core.config.Settings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The alerting service delivering to real receivers: a local webhook server and aiosmtpd on loopback
 * (plain, STARTTLS with login, implicit TLS). Grouping, repeat, flapping, retries, failures and restarts
 * are seen from the receiving end. The alert history is kept in SQLite and in PostgreSQL.
 */
@ExtendWith(VertxExtension.class)
@ParameterizedClass(name = "{0}")
@EnumSource(StoreKind.class)
class NotificationDeliveryTest {
    @Parameter
    StoreKind kind;
    @TempDir
    Path dir;
    private Vertx vertx;
    private JdbcStore store;
    private WorkerExecutor worker;
    private SimpleMeterRegistry registry;
    private AlertingService service;
    private final List<Condition> conditions = new CopyOnWriteArrayList<>();

    @BeforeEach
    void open(Vertx vertx) {
        this.vertx = vertx;
        worker = vertx.createSharedWorkerExecutor("test-store", 1);
        StoreKind.TestStore testStore = kind.fresh(dir.resolve("data"));
        store = worker.executeBlocking(testStore::openStore).await();
        store.database().writeOn(worker);
    }

    private AlertStore alertStore() {
        return new JdbcAlertStore(store.database());
    }

    @AfterEach
    void close() {
        if (service != null) {
            service.stop().await();
        }
        worker.executeBlocking(() -> {
            store.close();
            return null;
        }).await();
    }

    private static Condition down(String device) {
        return new Condition("device_down", Map.of("device", device, "site", "HQ"), 60, device + " has not reported for 60 s");
    }

    /** Fast timings for tests; a rule fires at its first evaluation. */
    private AlertingService start(ConditionSource source, String... keyValues) {
        Settings s = Settings.empty("test").readSecretFilesWith(CollectorConfig.SECRET_FILES)
                .override("alerting.evaluation_interval", "1s")
                .override("alerting.grouping.group_wait", "0s")
                .override("alerting.grouping.group_interval", "1s")
                .override("alerting.grouping.repeat_interval", "1h")
                .override("alerting.rules.device_down.for", "0s")
                .override("alerting.rules.device_down.keep_firing_for", "0s");
        for (int i = 0; i < keyValues.length; i += 2) {
            s.override(keyValues[i], keyValues[i + 1]);
        }
        AlertingConfig config = AlertingConfig.from(s);
        s.requireAllKeysKnown();
        registry = new SimpleMeterRegistry();
        service = new AlertingService(vertx, config, alertStore(), registry, Clock.systemUTC(), List.of(source), TestCluster.heldDuty(store.database(), "alerting"));
        service.start().await();
        return service;
    }

    private AlertingService start(String... keyValues) {
        return start(now -> List.copyOf(conditions), keyValues);
    }

    private double notifications(String channel, String outcome) {
        var counter = registry.find("kilowatch.notifications").tags("channel", channel, "outcome", outcome).counter();
        return counter == null ? -1 : counter.count();
    }

    private static void waitFor(Duration limit, String what, BooleanSupplier done) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    private List<AlertStore.HistoryEntry> history() {
        return alertStore().history(new AlertStore.HistoryQuery(java.util.Optional.empty(), java.util.Optional.empty(),
                java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty(), 100, 0)).await().entries();
    }

    @Test
    void aWebhookIsRetriedUntilTheReceiverTakesItAndCarriesAlertmanagersPayload() throws Exception {
        WebhookReceiver receiver = new WebhookReceiver(vertx, 2, 503);
        Path token = Files.writeString(dir.resolve("token"), "s3cret-token\n");
        conditions.addAll(List.of(down("pc-1"), down("pc-2"), down("pc-3")));
        start("alerting.channels.hook.type", "webhook", "alerting.channels.hook.url", receiver.url(),
                "alerting.channels.hook.retry_backoff", "50ms", "alerting.channels.hook.bearer_token_file", token.toString(),
                "alerting.external_url", "https://kilowatch.example.org/");

        waitFor(Duration.ofSeconds(10), "a delivered webhook", () -> receiver.received.size() == 1);
        assertEquals(3, receiver.requests.get(), "two 503s, then delivered");
        JsonObject payload = receiver.received.get(0);
        assertEquals("4", payload.getString("version"));
        assertEquals("firing", payload.getString("status"));
        assertEquals("hook", payload.getString("receiver"));
        assertEquals(new JsonObject().put("rule", "device_down"), payload.getJsonObject("groupLabels"));
        assertEquals(new JsonObject().put("alertname", "device_down").put("severity", "ticket").put("site", "HQ"),
                payload.getJsonObject("commonLabels"));
        assertEquals("https://kilowatch.example.org/", payload.getString("externalURL"));
        assertEquals(3, payload.getJsonArray("alerts").size());
        JsonObject alert = payload.getJsonArray("alerts").getJsonObject(0);
        assertEquals("firing", alert.getString("status"));
        assertEquals("0001-01-01T00:00:00Z", alert.getString("endsAt"));
        assertEquals("https://kilowatch.example.org/#/alerts", alert.getString("generatorURL"));
        assertTrue(alert.getJsonObject("annotations").getString("summary").contains("has not reported"));
        assertEquals(Alert.fingerprint("device_down", alert.getJsonObject("labels").copy().getMap().entrySet().stream()
                .filter(e -> !e.getKey().equals("alertname") && !e.getKey().equals("severity"))
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> (String) e.getValue()))), alert.getString("fingerprint"));
        assertEquals("Bearer s3cret-token", receiver.authorizations.get(0));
        waitFor(Duration.ofSeconds(5), "the delivery counted", () -> notifications("hook", "delivered") == 1);
        assertEquals(0.0, notifications("hook", "failed"));
        waitFor(Duration.ofSeconds(5), "history of the delivery", () -> history().stream().allMatch(e -> e.notifications().size() == 1));
        AlertStore.NotificationRecord record = history().get(0).notifications().get(0);
        assertEquals("delivered", record.outcome());
        assertEquals("firing", record.kind());
        assertEquals("attempts 3", record.detail());

        conditions.clear();
        waitFor(Duration.ofSeconds(10), "the resolved message", () -> receiver.received.size() == 2);
        JsonObject resolved = receiver.received.get(1);
        assertEquals("resolved", resolved.getString("status"));
        assertEquals(3, resolved.getJsonArray("alerts").size());
        assertTrue(!resolved.getJsonArray("alerts").getJsonObject(0).getString("endsAt").startsWith("0001"));
    }

    @Test
    void aDeliveryThatKeepsFailingIsCountedRecordedAndTriedAgainLater() throws Exception {
        WebhookReceiver broken = new WebhookReceiver(vertx, Integer.MAX_VALUE, 500);
        WebhookReceiver refusing = new WebhookReceiver(vertx, Integer.MAX_VALUE, 400);
        conditions.add(down("pc-1"));
        start("alerting.channels.broken.type", "webhook", "alerting.channels.broken.url", broken.url(),
                "alerting.channels.broken.retry_backoff", "50ms", "alerting.channels.broken.max_attempts", "3",
                "alerting.channels.refusing.type", "webhook", "alerting.channels.refusing.url", refusing.url());
        waitFor(Duration.ofSeconds(10), "a failed delivery", () -> notifications("broken", "failed") >= 1 && notifications("refusing", "failed") >= 1);
        assertEquals(0.0, notifications("broken", "delivered"));
        waitFor(Duration.ofSeconds(5), "the failure in history", () -> history().get(0).notifications().stream()
                .anyMatch(n -> n.channel().equals("broken") && n.outcome().equals("failed") && n.detail().contains("HTTP 500")));
        assertTrue(history().get(0).notifications().stream()
                .anyMatch(n -> n.channel().equals("refusing") && n.detail().contains("HTTP 400 ") && n.detail().endsWith("(attempts 1)")),
                "a 4xx answer is not retried");
        waitFor(Duration.ofSeconds(10), "another try at the next group interval, long before the repeat interval",
                () -> broken.requests.get() >= 6);
    }

    @Test
    void manyDevicesDownArriveAsOneMailOverStartTlsWithLogin() throws Exception {
        Path cert = selfSignedCertificate();
        Path key = dir.resolve("key.pem");
        Path password = Files.writeString(dir.resolve("smtp-password"), "correct horse");
        Path wrong = Files.writeString(dir.resolve("wrong-password"), "battery staple");
        try (SmtpServer smtp = SmtpServer.start(dir, "--cert", cert.toString(), "--key", key.toString(), "--user", "kilowatch",
                "--password", "correct horse");
             SmtpServer implicit = SmtpServer.start(dir, "--cert", cert.toString(), "--key", key.toString(), "--implicit-tls")) {
            for (int i = 1; i <= 12; i++) {
                conditions.add(down("pc-" + i));
            }
            start(email("mail", smtp.port, "starttls", cert, password), email("badlogin", smtp.port, "starttls", cert, wrong),
                    email("implicit", implicit.port, "tls", cert, null),
                    "alerting.channels.badlogin.max_attempts", "1");
            waitFor(Duration.ofSeconds(15), "mail over STARTTLS and implicit TLS", () -> smtp.messages().size() == 1 && implicit.messages().size() == 1);
            String mail = smtp.messages().get(0);
            assertTrue(mail.contains("Subject: [FIRING:12] rule=device_down"), mail);
            assertTrue(mail.contains("To: oncall@example.org"), mail);
            for (int i = 1; i <= 12; i++) {
                assertTrue(mail.contains("pc-" + i + " has not reported"), "pc-" + i + " in " + mail);
            }
            assertTrue(mail.contains("alertname=device_down device=pc-1 severity=ticket site=HQ"), mail);
            // The server may store a message a moment before the client has read its final answer and counted it.
            waitFor(Duration.ofSeconds(10), "the outcomes counted", () -> notifications("badlogin", "failed") >= 1
                    && notifications("mail", "delivered") == 1 && notifications("implicit", "delivered") == 1);
            assertEquals(0.0, notifications("badlogin", "delivered"));
            Thread.sleep(1_500);
            assertEquals(1, smtp.messages().size(), "still one message: nothing changed");
        }
    }

    /** A certificate for 127.0.0.1 made with openssl, its key beside it as key.pem. */
    private Path selfSignedCertificate() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", dir.resolve("key.pem").toString(),
                "-out", cert.toString(), "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1")
                .redirectErrorStream(true).start();
        assertEquals(0, openssl.waitFor());
        return cert;
    }

    @Test
    void anHttpsWebhookIsDeliveredOnlyWhenItsCertificateIsTrusted() throws Exception {
        Path cert = selfSignedCertificate();
        WebhookReceiver receiver = new WebhookReceiver(vertx, cert, dir.resolve("key.pem"));
        conditions.add(down("pc-1"));
        start("alerting.channels.trusting.type", "webhook", "alerting.channels.trusting.url", receiver.url(),
                "alerting.channels.trusting.ca_file", cert.toString(),
                "alerting.channels.doubting.type", "webhook", "alerting.channels.doubting.url", receiver.url(),
                "alerting.channels.doubting.max_attempts", "1");
        waitFor(Duration.ofSeconds(10), "both outcomes", () -> notifications("trusting", "delivered") == 1 && notifications("doubting", "failed") >= 1);
        assertEquals(1, receiver.received.size(), "only the channel that trusts the receiver's CA got through");
        assertEquals("trusting", receiver.received.get(0).getString("receiver"));
        waitFor(Duration.ofSeconds(5), "the refusal in history, with its reason", () -> history().get(0).notifications().stream()
                .anyMatch(n -> n.channel().equals("doubting") && n.outcome().equals("failed") && n.detail().contains("certification path")));
    }

    private static String[] email(String name, int port, String security, Path ca, Path passwordFile) {
        String key = "alerting.channels." + name + ".";
        List<String> kv = new java.util.ArrayList<>(List.of(key + "type", "email", key + "smtp_host", "127.0.0.1", key + "smtp_port",
                Integer.toString(port), key + "smtp_security", security, key + "ca_file", ca.toString(), key + "from", "kilowatch@example.org",
                key + "to", "oncall@example.org, ops@example.org"));
        if (passwordFile != null) {
            kv.addAll(List.of(key + "username", "kilowatch", key + "password_file", passwordFile.toString()));
        }
        return kv.toArray(String[]::new);
    }

    private AlertingService start(String[] a, String[] b, String[] c, String... more) {
        List<String> all = new java.util.ArrayList<>(List.of(a));
        all.addAll(List.of(b));
        all.addAll(List.of(c));
        all.addAll(List.of(more));
        return start(all.toArray(String[]::new));
    }

    @Test
    void aFlappingDeviceSendsOneMailThenRepeatsAfterTheRepeatIntervalThenResolves() throws Exception {
        try (SmtpServer smtp = SmtpServer.start(dir)) {
            java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicBoolean recovered = new java.util.concurrent.atomic.AtomicBoolean();
            // Down at every other evaluation: without damping that is a firing and a resolution each two seconds.
            ConditionSource flapping = now -> recovered.get() || calls.getAndIncrement() % 2 == 1 ? List.of() : List.of(down("pc-1"));
            start(flapping, "alerting.channels.mail.type", "email", "alerting.channels.mail.smtp_host", "127.0.0.1",
                    "alerting.channels.mail.smtp_port", Integer.toString(smtp.port), "alerting.channels.mail.smtp_security", "none",
                    "alerting.channels.mail.from", "kilowatch@example.org", "alerting.channels.mail.to", "oncall@example.org",
                    "alerting.rules.device_down.keep_firing_for", "3s", "alerting.grouping.repeat_interval", "8s");
            waitFor(Duration.ofSeconds(10), "the first mail", () -> smtp.messages().size() == 1);
            Thread.sleep(3_000);
            assertEquals(1, smtp.messages().size(), "flapping for 3 s more sent nothing");
            waitFor(Duration.ofSeconds(10), "the repeat", () -> smtp.messages().size() == 2);
            assertTrue(smtp.messages().get(1).contains("Subject: [FIRING:1] rule=device_down"));
            assertTrue(smtp.messages().get(1).contains("This repeats an earlier message"));
            recovered.set(true);
            waitFor(Duration.ofSeconds(10), "the resolution", () -> smtp.messages().size() == 3);
            assertTrue(smtp.messages().get(2).contains("Subject: [RESOLVED] rule=device_down"), smtp.messages().get(2));
            List<AlertStore.HistoryEntry> history = history();
            assertEquals(1, history.size(), "one alert for the whole flapping episode");
            assertEquals(Alert.State.RESOLVED, history.get(0).alert().state());
            waitFor(Duration.ofSeconds(5), "all three messages in history", () -> history().get(0).notifications().size() == 3);
            assertEquals(List.of("firing", "repeat", "resolved"), history().get(0).notifications().stream().map(AlertStore.NotificationRecord::kind).toList());
        }
    }

    @Test
    void aFiringAlertSurvivesARestartWithoutBeingNotifiedAgain() throws Exception {
        WebhookReceiver receiver = new WebhookReceiver(vertx, 0, 200);
        String[] config = {"alerting.channels.hook.type", "webhook", "alerting.channels.hook.url", receiver.url()};
        conditions.add(down("pc-1"));
        start(config);
        waitFor(Duration.ofSeconds(10), "the first message", () -> receiver.received.size() == 1);
        String id = service.current().get(0).id();
        waitFor(Duration.ofSeconds(5), "the delivery in history", () -> history().get(0).notifications().size() == 1);
        service.stop().await();

        start(config);
        assertEquals(id, service.current().get(0).id(), "taken back from the store, still firing");
        assertEquals(Alert.State.FIRING, service.current().get(0).state());
        Thread.sleep(3_000);
        assertEquals(1, receiver.received.size(), "not announced again after the restart");
        assertEquals(1, history().size());

        conditions.clear();
        waitFor(Duration.ofSeconds(10), "the resolution after the restart", () -> receiver.received.size() == 2);
        assertEquals("resolved", receiver.received.get(1).getString("status"));
        assertEquals(Alert.State.RESOLVED, history().get(0).alert().state());
    }

    @Test
    void aServiceBurningItsBudgetPagesThroughTheSameEngineAsDevices() throws Exception {
        WebhookReceiver receiver = new WebhookReceiver(vertx, 0, 200);
        // The services feature's source reports conditions like this one; here a stand-in says what it would.
        ConditionSource services = now -> List.of(new Condition("service_burn_rate_page", Map.of("service", "email"), 15.2,
                "email: error budget burning at 15.2x over 1h and 5m"));
        ConditionSource devices = now -> List.of(down("pc-1"));
        registry = new SimpleMeterRegistry();
        AlertingConfig config = AlertingConfig.from(Settings.empty("test").override("alerting.evaluation_interval", "1s")
                .override("alerting.grouping.group_wait", "0s").override("alerting.grouping.group_interval", "1s")
                .override("alerting.rules.service_burn_rate_page.for", "0s").override("alerting.rules.device_down.enabled", "false")
                .override("alerting.channels.pager.type", "webhook").override("alerting.channels.pager.url", receiver.url()));
        service = new AlertingService(vertx, config, alertStore(), registry, Clock.systemUTC(), List.of(devices, services), TestCluster.heldDuty(store.database(), "alerting"));
        service.start().await();
        waitFor(Duration.ofSeconds(10), "the page", () -> receiver.received.size() == 1);
        JsonObject alert = receiver.received.get(0).getJsonArray("alerts").getJsonObject(0);
        assertEquals(new JsonObject().put("alertname", "service_burn_rate_page").put("service", "email").put("severity", "page"),
                alert.getJsonObject("labels"));
        assertEquals("15.2", alert.getJsonObject("annotations").getString("value"));
        assertEquals(1, receiver.received.get(0).getJsonArray("alerts").size(), "the disabled device rule made no alert");
        assertEquals(1.0, registry.find("kilowatch.alerts.firing").tag("severity", "page").gauge().value());
    }

    @Test
    void aSilenceMutesMessagesButTheAlertFiresAndHistorySaysSo() throws Exception {
        WebhookReceiver receiver = new WebhookReceiver(vertx, 0, 200);
        start("alerting.channels.hook.type", "webhook", "alerting.channels.hook.url", receiver.url());
        var silence = service.createSilence(List.of(new io.kilowatch.core.alerting.LabelMatcher("device",
                        io.kilowatch.core.alerting.LabelMatcher.Op.EQUAL, "pc-1")), java.time.Instant.now(),
                java.time.Instant.now().plus(Duration.ofHours(1)), "ada", "replacing its disk").await();
        conditions.addAll(List.of(down("pc-1"), down("pc-2")));
        waitFor(Duration.ofSeconds(10), "pc-2's message", () -> receiver.received.size() == 1);
        assertEquals(1, receiver.received.get(0).getJsonArray("alerts").size());
        assertEquals("pc-2", receiver.received.get(0).getJsonArray("alerts").getJsonObject(0).getJsonObject("labels").getString("device"));
        assertEquals(2, service.current().size(), "the muted alert still fires");
        waitFor(Duration.ofSeconds(5), "the muting in history", () -> history().stream().anyMatch(e -> e.notifications().stream()
                .anyMatch(n -> n.outcome().equals("silenced") && n.detail().contains(silence.id()))));

        service.expireSilence(silence.id(), "ada").await();
        waitFor(Duration.ofSeconds(10), "pc-1 told once its silence ended", () -> receiver.received.size() == 2);
        assertEquals(2, receiver.received.get(1).getJsonArray("alerts").size());
    }
}
