package io.kilowatch.collector.alerting;

import io.kilowatch.core.alerting.AlertRule;
import io.kilowatch.core.alerting.GroupingPolicy;
import io.kilowatch.core.alerting.Severity;
import io.kilowatch.core.config.ConfigException;
import io.kilowatch.core.config.Hosts;
import io.kilowatch.core.config.Settings;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code alerting} section: rules (every rule has working defaults), grouping, and notification
 * channels. Read once at start; anything wrong stops the collector with a message naming the key.
 */
public record AlertingConfig(boolean enabled, Duration evaluationInterval, String externalUrl, GroupingPolicy grouping,
                             Map<String, AlertRule> rules, Map<String, Channel> channels) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9_]{1,64}");
    private static final Pattern ADDRESS = Pattern.compile("[^@\\s,<>]+@[^@\\s,<>]+");

    /** What every channel has: whether resolutions are sent, and how a failed delivery is retried. */
    public record Delivery(boolean sendResolved, int maxAttempts, Duration retryBackoff, Duration timeout) {
    }

    /** A place notifications go. */
    public sealed interface Channel permits Webhook, Email {
        String name();

        Delivery delivery();
    }

    /** An HTTP POST of Alertmanager's webhook JSON to {@code url}. */
    public record Webhook(String name, Delivery delivery, URI url, Optional<String> bearerToken, Optional<Path> caFile) implements Channel {
        /**
         * Where it goes, fit for logs and history: scheme, host and port only, because chat services put
         * the secret in the path (hooks.example.com/services/T0/B0/secret) and some in user info.
         */
        public String origin() {
            return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort());
        }

        @Override
        public String toString() {
            return "Webhook[" + name + " " + origin() + "]";
        }
    }

    /** Mail over SMTP; {@code security} is {@code starttls}, {@code tls} (implicit, port 465) or {@code none}. */
    public record Email(String name, Delivery delivery, String host, int port, String security, Optional<String> username,
                        Optional<String> password, Optional<Path> caFile, String from, List<String> to) implements Channel {
        @Override
        public String toString() {
            return "Email[" + name + " " + host + ":" + port + "]"; // never the password
        }
    }

    public static AlertingConfig from(Settings settings) {
        Settings s = settings.section("alerting");
        Map<String, Channel> channels = new LinkedHashMap<>();
        for (String name : s.children("channels")) {
            if (!NAME.matcher(name).matches()) {
                throw new ConfigException(s.key("channels." + name) + ": a channel name is lower-case letters, digits and _");
            }
            channels.put(name, channel(s.section("channels").section(name), name));
        }
        Map<String, AlertRule> rules = new LinkedHashMap<>();
        for (String name : s.children("rules")) {
            if (!AlertRule.DEFAULTS.containsKey(name)) {
                throw new ConfigException(s.key("rules." + name) + ": no such rule; the rules are " + String.join(", ", AlertRule.DEFAULTS.keySet()));
            }
        }
        for (AlertRule d : AlertRule.DEFAULTS.values()) {
            rules.put(d.name(), rule(s.section("rules").section(d.name()), d, channels));
        }
        Settings g = s.section("grouping");
        String groupBy = g.string("group_by", "rule");
        List<String> groupLabels = list(groupBy);
        for (String label : groupLabels) {
            if (!label.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
                throw new ConfigException(g.key("group_by") + " must be label names separated by commas, got '" + groupBy + "'");
            }
        }
        Duration groupInterval = g.duration("group_interval", Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofDays(1));
        GroupingPolicy grouping = new GroupingPolicy(groupLabels,
                g.duration("group_wait", Duration.ofSeconds(30), Duration.ZERO, Duration.ofHours(1)),
                groupInterval,
                g.duration("repeat_interval", Duration.ofHours(4), groupInterval, Duration.ofDays(30)));
        String externalUrl = s.string("external_url", "");
        if (!externalUrl.isEmpty()) {
            httpUrl(s.key("external_url"), externalUrl);
        }
        return new AlertingConfig(
                s.bool("enabled", true),
                s.duration("evaluation_interval", Duration.ofSeconds(15), Duration.ofSeconds(1), Duration.ofMinutes(10)),
                externalUrl, grouping, rules, channels);
    }

    /** @param r the rule's section, {@code alerting.rules.<name>} */
    private static AlertRule rule(Settings r, AlertRule d, Map<String, Channel> channels) {
        String severityLabel = r.string("severity", d.severity().label());
        Severity severity = Severity.fromLabel(severityLabel)
                .orElseThrow(() -> new ConfigException(r.key("severity") + " must be page, ticket or info, got '" + severityLabel + "'"));
        String channelList = r.string("channels", "all");
        List<String> names = channelList.trim().equals("all") ? List.copyOf(channels.keySet()) : list(channelList);
        for (String channel : names) {
            if (!channels.containsKey(channel)) {
                throw new ConfigException(r.key("channels") + " names '" + channel + "', which is not under alerting.channels"
                        + (channels.isEmpty() ? " (none are configured)" : " (configured: " + String.join(", ", channels.keySet()) + ")"));
            }
        }
        return new AlertRule(d.name(), r.bool("enabled", d.enabled()), severity,
                r.duration("for", d.forDuration(), Duration.ZERO, Duration.ofDays(7)),
                r.duration("keep_firing_for", d.keepFiringFor(), Duration.ZERO, Duration.ofDays(7)),
                names);
    }

    /** @param c the channel's section, {@code alerting.channels.<name>} */
    private static Channel channel(Settings c, String name) {
        String type = c.string("type", "");
        Delivery delivery = new Delivery(
                c.bool("send_resolved", true),
                c.integer("max_attempts", 5, 1, 20),
                c.duration("retry_backoff", Duration.ofSeconds(2), Duration.ofMillis(10), Duration.ofMinutes(5)),
                c.duration("timeout", Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofMinutes(5)));
        Optional<Path> caFile = file(c, "ca_file");
        return switch (type) {
            case "webhook" -> new Webhook(name, delivery, httpUrl(c.key("url"), c.string("url", "")), c.secret("bearer_token"), caFile);
            case "email" -> email(c, name, delivery, caFile);
            default -> throw new ConfigException(c.key("type") + " must be webhook or email, got '" + type + "'");
        };
    }

    private static Email email(Settings c, String name, Delivery delivery, Optional<Path> caFile) {
        String host = c.string("smtp_host", "");
        if (host.isBlank()) {
            throw new ConfigException(c.key("smtp_host") + " must name the SMTP server");
        }
        String security = c.string("smtp_security", "starttls");
        if (!List.of("starttls", "tls", "none").contains(security)) {
            throw new ConfigException(c.key("smtp_security") + " must be starttls, tls or none, got '" + security + "'");
        }
        int port = c.integer("smtp_port", security.equals("tls") ? 465 : 587, 1, 65535);
        Optional<String> username = Optional.of(c.string("username", "")).filter(u -> !u.isBlank());
        Optional<String> password = c.secret("password");
        if (username.isPresent() != password.isPresent()) {
            throw new ConfigException(c.key("username") + " and " + c.key("password") + " go together (the password from the environment or "
                    + c.key("password_file") + ")");
        }
        if (security.equals("none") && username.isPresent() && !Hosts.isLoopback(host)) {
            throw new ConfigException(c.key("smtp_security") + " none would send the password in clear to " + host + ": use starttls or tls");
        }
        String from = c.string("from", "");
        if (!ADDRESS.matcher(from).matches()) {
            throw new ConfigException(c.key("from") + " must be a mail address such as kilowatch@example.org, got '" + from + "'");
        }
        String toList = c.string("to", "");
        List<String> to = list(toList);
        if (to.isEmpty() || !to.stream().allMatch(a -> ADDRESS.matcher(a).matches())) {
            throw new ConfigException(c.key("to") + " must be mail addresses separated by commas, got '" + toList + "'");
        }
        return new Email(name, delivery, host, port, security, username, password, caFile, from, to);
    }

    private static Optional<Path> file(Settings s, String key) {
        String value = s.string(key, "");
        return value.isBlank() ? Optional.empty() : Optional.of(Path.of(value));
    }

    private static URI httpUrl(String key, String text) {
        try {
            URI uri = new URI(text);
            if ((!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new ConfigException(key + " must be an http:// or https:// URL with a host, got '" + text + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigException(key + " is not a valid URL: " + e.getMessage());
        }
    }

    private static List<String> list(String commaSeparated) {
        List<String> items = new ArrayList<>();
        Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(x -> !x.isEmpty()).forEach(items::add);
        return items;
    }
}
