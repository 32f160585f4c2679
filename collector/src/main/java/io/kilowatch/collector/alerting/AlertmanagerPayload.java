package io.kilowatch.collector.alerting;

import io.kilowatch.core.alerting.Alert;
import io.kilowatch.core.alerting.Notification;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A notification as Alertmanager's webhook receiver sends it (version 4), so receivers written for
 * Alertmanager (chat bridges, ticketing, paging services) take Kilowatch's as they are. The schema is in
 * docs/alerting.md. The email channel words the same content for people.
 */
final class AlertmanagerPayload {
    /** Alertmanager's "no end yet". */
    private static final String ZERO_TIME = "0001-01-01T00:00:00Z";

    private AlertmanagerPayload() {
    }

    /** The request body for a notification. */
    static Buffer body(Notification n, String externalUrl) {
        JsonArray alerts = new JsonArray();
        for (Alert a : n.alerts()) {
            alerts.add(new JsonObject()
                    .put("status", a.state() == Alert.State.RESOLVED ? "resolved" : "firing")
                    .put("labels", new JsonObject(new LinkedHashMap<>(a.notificationLabels())))
                    .put("annotations", annotations(a))
                    .put("startsAt", a.firingSince().toString())
                    .put("endsAt", a.resolvedAt() == null ? ZERO_TIME : a.resolvedAt().toString())
                    .put("generatorURL", generatorUrl(externalUrl))
                    .put("fingerprint", a.fingerprint()));
        }
        return new JsonObject()
                .put("version", "4")
                .put("groupKey", n.groupKey())
                .put("truncatedAlerts", 0)
                .put("status", n.status())
                .put("receiver", n.channel())
                .put("groupLabels", new JsonObject(new LinkedHashMap<>(n.groupLabels())))
                .put("commonLabels", new JsonObject(new LinkedHashMap<>(commonLabels(n.alerts()))))
                .put("commonAnnotations", new JsonObject(new LinkedHashMap<>(commonAnnotations(n.alerts()))))
                .put("externalURL", externalUrl)
                .put("alerts", alerts)
                .toBuffer();
    }

    static Map<String, String> annotationMap(Alert a) {
        Map<String, String> annotations = new TreeMap<>();
        annotations.put("summary", a.summary());
        if (!Double.isNaN(a.value())) {
            annotations.put("value", Double.toString(a.value()));
        }
        return annotations;
    }

    private static JsonObject annotations(Alert a) {
        return new JsonObject(new LinkedHashMap<>(annotationMap(a)));
    }

    static String generatorUrl(String externalUrl) {
        return externalUrl.isEmpty() ? "" : externalUrl.replaceAll("/+$", "") + "/#/alerts";
    }

    /** Labels every alert of the message has with the same value. */
    static Map<String, String> commonLabels(List<Alert> alerts) {
        return common(alerts.stream().map(Alert::notificationLabels).toList());
    }

    private static Map<String, String> commonAnnotations(List<Alert> alerts) {
        return common(alerts.stream().map(AlertmanagerPayload::annotationMap).toList());
    }

    private static Map<String, String> common(List<Map<String, String>> maps) {
        Map<String, String> common = new TreeMap<>(maps.isEmpty() ? Map.of() : maps.get(0));
        for (Map<String, String> m : maps) {
            common.entrySet().removeIf(e -> !e.getValue().equals(m.get(e.getKey())));
        }
        return common;
    }
}
