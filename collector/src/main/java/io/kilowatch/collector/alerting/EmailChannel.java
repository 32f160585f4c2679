package io.kilowatch.collector.alerting;

import io.kilowatch.core.alerting.Alert;
import io.kilowatch.core.alerting.Notification;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Mail over SMTP with Vert.x's mail client: STARTTLS (required, not merely tried, so nobody can strip
 * it) or implicit TLS, server name checked against its certificate, and login when a user is set.
 * Subject and text follow Alertmanager's email template: status, count, group labels, then each alert.
 */
final class EmailChannel implements NotificationChannel {
    private final AlertingConfig.Email config;
    private final String externalUrl;
    private final MailClient client;

    EmailChannel(Vertx vertx, AlertingConfig.Email config, String externalUrl) {
        this.config = config;
        this.externalUrl = externalUrl;
        MailConfig mail = new MailConfig()
                .setHostname(config.host())
                .setPort(config.port())
                .setSsl(config.security().equals("tls"))
                .setStarttls(config.security().equals("starttls") ? StartTLSOptions.REQUIRED : StartTLSOptions.DISABLED)
                .setHostnameVerificationAlgorithm("HTTPS")
                .setConnectTimeout((int) config.delivery().timeout().toMillis())
                .setKeepAlive(false);
        config.caFile().ifPresent(ca -> mail.setTrustOptions(new PemTrustOptions().addCertPath(ca.toString())));
        if (config.username().isPresent()) {
            mail.setLogin(LoginOption.REQUIRED).setUsername(config.username().get()).setPassword(config.password().orElseThrow());
        } else {
            mail.setLogin(LoginOption.DISABLED);
        }
        this.client = MailClient.create(vertx, mail);
    }

    @Override
    public Future<Void> send(Notification n) {
        MailMessage message = new MailMessage()
                .setFrom(config.from())
                .setTo(config.to())
                .setSubject(subject(n))
                .setText(text(n));
        return client.sendMail(message).timeout(config.delivery().timeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .mapEmpty();
    }

    static String subject(Notification n) {
        String count = n.firing().isEmpty() ? "" : ":" + n.firing().size();
        return "[" + n.status().toUpperCase(java.util.Locale.ROOT) + count + "] " + labels(n.groupLabels());
    }

    private String text(Notification n) {
        StringBuilder text = new StringBuilder();
        if (!n.firing().isEmpty()) {
            text.append("Firing (").append(n.firing().size()).append(")\n\n");
            n.firing().forEach(a -> alert(text, a));
        }
        if (!n.resolved().isEmpty()) {
            text.append("Resolved (").append(n.resolved().size()).append(")\n\n");
            n.resolved().forEach(a -> alert(text, a));
        }
        if (n.repeat()) {
            text.append("This repeats an earlier message: the alerts above are still firing.\n");
        }
        String link = AlertmanagerPayload.generatorUrl(externalUrl);
        if (!link.isEmpty()) {
            text.append("Dashboard: ").append(link).append('\n');
        }
        return text.toString();
    }

    private static void alert(StringBuilder text, Alert a) {
        text.append("- ").append(a.summary()).append('\n')
                .append("  ").append(labels(a.notificationLabels())).append('\n')
                .append("  since ").append(a.firingSince());
        if (a.resolvedAt() != null) {
            text.append(", resolved ").append(a.resolvedAt());
        }
        text.append("\n\n");
    }

    private static String labels(Map<String, String> labels) {
        return labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
    }

    @Override
    public Future<Void> close() {
        return client.close();
    }
}
