package io.kilowatch.collector.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.collector.CollectorConfig;
import io.kilowatch.collector.http.TestCollector;
import io.kilowatch.core.alerting.AlertRule;
import io.kilowatch.core.alerting.Severity;
import io.kilowatch.core.config.ConfigException;
import io.kilowatch.core.config.Settings;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Alerting works with no config at all, takes overrides, and refuses bad config at start naming the key. */
class AlertingConfigTest {
    @TempDir
    Path dir;

    private static Settings settings(String... keyValues) {
        Settings s = Settings.empty("test").readSecretFilesWith(CollectorConfig.SECRET_FILES);
        for (int i = 0; i < keyValues.length; i += 2) {
            s.override(keyValues[i], keyValues[i + 1]);
        }
        return s;
    }

    private static String refused(String... keyValues) {
        return assertThrows(ConfigException.class, () -> AlertingConfig.from(settings(keyValues))).getMessage();
    }

    @Test
    void everyRuleHasWorkingDefaults() {
        AlertingConfig c = AlertingConfig.from(settings());
        assertTrue(c.enabled());
        assertEquals(Duration.ofSeconds(15), c.evaluationInterval());
        assertEquals(List.of("device_down", "service_burn_rate_page", "service_burn_rate_ticket", "service_below_target",
                "service_no_data", "probe_failing", "tls_certificate_expiring").stream().sorted().toList(),
                c.rules().keySet().stream().sorted().toList());
        AlertRule page = c.rules().get("service_burn_rate_page");
        assertEquals(Severity.PAGE, page.severity());
        assertEquals(Duration.ofMinutes(2), page.forDuration());
        assertEquals(Duration.ofMinutes(5), c.rules().get("device_down").forDuration());
        assertEquals(List.of("rule"), c.grouping().groupBy());
        assertEquals(Duration.ofSeconds(30), c.grouping().groupWait());
        assertEquals(Duration.ofMinutes(5), c.grouping().groupInterval());
        assertEquals(Duration.ofHours(4), c.grouping().repeatInterval());
        assertEquals(Map.of(), c.channels());
    }

    @Test
    void rulesAndChannelsTakeOverridesAndSecretsComeFromEnvironmentOrFile() throws Exception {
        Path passwordFile = Files.writeString(dir.resolve("pw"), "from-a-file\n");
        Settings s = Settings.parse("", "test", Map.of("K_ALERTING_CHANNELS_HOOK_BEARER_TOKEN", "from-env"), "K_").readSecretFilesWith(CollectorConfig.SECRET_FILES)
                .override("alerting.channels.hook.type", "webhook").override("alerting.channels.hook.url", "https://hooks.example.org/x")
                .override("alerting.channels.mail.type", "email").override("alerting.channels.mail.smtp_host", "smtp.example.org")
                .override("alerting.channels.mail.username", "kw").override("alerting.channels.mail.password_file", passwordFile.toString())
                .override("alerting.channels.mail.from", "kw@example.org").override("alerting.channels.mail.to", "a@example.org, b@example.org")
                .override("alerting.rules.device_down.severity", "page").override("alerting.rules.device_down.for", "90s")
                .override("alerting.rules.device_down.channels", "mail").override("alerting.rules.probe_failing.enabled", "false")
                .override("alerting.rules.tls_certificate_expiring.channels", "")
                .override("alerting.grouping.group_by", "rule, site");
        AlertingConfig c = AlertingConfig.from(s);
        s.requireAllKeysKnown();
        AlertRule down = c.rules().get("device_down");
        assertEquals(Severity.PAGE, down.severity());
        assertEquals(Duration.ofSeconds(90), down.forDuration());
        assertEquals(List.of("mail"), down.channels());
        assertEquals(List.of("hook", "mail"), c.rules().get("service_no_data").channels(), "all channels by default");
        assertEquals(List.of(), c.rules().get("tls_certificate_expiring").channels(), "dashboard only");
        assertFalse(c.rules().get("probe_failing").enabled());
        assertEquals(List.of("rule", "site"), c.grouping().groupBy());
        AlertingConfig.Webhook hook = (AlertingConfig.Webhook) c.channels().get("hook");
        assertEquals(Optional.of("from-env"), hook.bearerToken());
        AlertingConfig.Email mail = (AlertingConfig.Email) c.channels().get("mail");
        assertEquals(Optional.of("from-a-file"), mail.password());
        assertEquals(587, mail.port());
        assertEquals("starttls", mail.security());
        assertEquals(List.of("a@example.org", "b@example.org"), mail.to());
        assertFalse(mail.toString().contains("from-a-file"), "a channel never prints its password");
        assertFalse(hook.toString().contains("from-env"));
        AlertingConfig.Webhook chat = (AlertingConfig.Webhook) AlertingConfig.from(settings("alerting.channels.chat.type", "webhook",
                "alerting.channels.chat.url", "https://user:pw@hooks.example.com:8443/services/T0/B0/s3cret")).channels().get("chat");
        assertEquals("https://hooks.example.com:8443", chat.origin(), "no secret of the URL reaches logs or history");
    }

    @Test
    void badConfigIsRefusedNamingTheKey() {
        assertTrue(refused("alerting.rules.device_dwon.for", "5m").contains("alerting.rules.device_dwon: no such rule; the rules are"));
        assertTrue(refused("alerting.rules.device_down.for", "five minutes").contains("alerting.rules.device_down.for must be a duration"));
        assertTrue(refused("alerting.rules.device_down.severity", "urgent").contains("alerting.rules.device_down.severity must be page, ticket or info"));
        assertTrue(refused("alerting.rules.device_down.channels", "pager").contains("alerting.rules.device_down.channels names 'pager'"));
        assertTrue(refused("alerting.grouping.repeat_interval", "1m").contains("alerting.grouping.repeat_interval"), "shorter than group_interval");
        assertTrue(refused("alerting.grouping.group_by", "rule; site").contains("alerting.grouping.group_by"));
        assertTrue(refused("alerting.channels.hook.type", "pager").contains("alerting.channels.hook.type must be webhook or email"));
        assertTrue(refused("alerting.channels.hook.type", "webhook", "alerting.channels.hook.url", "hooks.example.org/x")
                .contains("alerting.channels.hook.url must be an http:// or https:// URL"));
        assertTrue(refused("alerting.channels.hook.type", "webhook", "alerting.channels.hook.url", "ht tp://x")
                .contains("alerting.channels.hook.url is not a valid URL"));
        assertTrue(refused("alerting.channels.Ops.type", "webhook").contains("a channel name is lower-case"));
        assertTrue(refused("alerting.external_url", "kilowatch.example.org").contains("alerting.external_url"));
        String[] mail = {"alerting.channels.mail.type", "email", "alerting.channels.mail.smtp_host", "smtp.example.org",
                "alerting.channels.mail.from", "kw@example.org", "alerting.channels.mail.to", "ops@example.org"};
        assertTrue(refused(with(mail, "alerting.channels.mail.to", "ops")).contains("alerting.channels.mail.to must be mail addresses"));
        assertTrue(refused(with(mail, "alerting.channels.mail.smtp_security", "ssl")).contains("smtp_security must be starttls, tls or none"));
        assertTrue(refused(with(mail, "alerting.channels.mail.username", "kw")).contains("alerting.channels.mail.username and"));
        assertTrue(refused(with(mail, "alerting.channels.mail.password", "hunter2")).contains("is a secret"),
                "a password on the command line or in the file is refused");
        assertTrue(refused(with(mail, "alerting.channels.mail.password_file", dir.resolve("missing").toString()))
                .contains("alerting.channels.mail.password_file: cannot read"));
    }

    @Test
    void loginInClearTextToARemoteServerIsRefused() throws Exception {
        Path pw = Files.writeString(dir.resolve("pw"), "x");
        String[] base = {"alerting.channels.mail.type", "email", "alerting.channels.mail.smtp_security", "none",
                "alerting.channels.mail.username", "kw", "alerting.channels.mail.password_file", pw.toString(),
                "alerting.channels.mail.from", "kw@example.org", "alerting.channels.mail.to", "ops@example.org"};
        assertTrue(refused(with(base, "alerting.channels.mail.smtp_host", "smtp.example.org")).contains("in clear"));
        assertEquals("none", ((AlertingConfig.Email) AlertingConfig.from(settings(with(base, "alerting.channels.mail.smtp_host", "127.0.0.1")))
                .channels().get("mail")).security(), "a loopback relay is fine");
    }

    @Test
    void aCollectorWithBadAlertingConfigDoesNotStartAndTouchesNothing() {
        Path data = dir.resolve("data");
        Vertx vertx = Vertx.vertx();
        try {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> TestCollector.deploy(vertx, data, "alerting.rules.device_down.for", "-5m"));
            assertTrue(e.getMessage().contains("alerting.rules.device_down.for"), e.getMessage());
            assertFalse(Files.exists(data), "the store was never opened");
        } finally {
            vertx.close().await();
        }
    }

    private static String[] with(String[] base, String key, String value) {
        String[] all = java.util.Arrays.copyOf(base, base.length + 2);
        all[base.length] = key;
        all[base.length + 1] = value;
        return all;
    }
}
