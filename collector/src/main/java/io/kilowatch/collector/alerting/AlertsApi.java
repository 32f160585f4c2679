package io.kilowatch.collector.alerting;

import io.kilowatch.collector.http.Responses;

import static io.kilowatch.collector.http.Responses.error;
import static io.kilowatch.collector.http.Responses.json;

import io.kilowatch.collector.http.ApiModule;
import io.kilowatch.collector.http.QueryParams;
import io.kilowatch.collector.security.Role;
import io.kilowatch.core.alerting.Alert;
import io.kilowatch.core.alerting.AlertRule;
import io.kilowatch.core.alerting.LabelMatcher;
import io.kilowatch.core.alerting.Silence;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code /api/v1/alerts...} and {@code /api/v1/silences...}: alerts now, their history, rules, and silences. */
public final class AlertsApi implements ApiModule {
    private static final Logger LOG = LoggerFactory.getLogger(AlertsApi.class);
    private static final Set<String> SILENCE_FIELDS = Set.of("matchers", "starts_at", "ends_at", "duration", "comment");

    private final AlertingService alerting;
    private final AlertingConfig config;
    private final Clock clock;

    public AlertsApi(AlertingService alerting, AlertingConfig config, Clock clock) {
        this.alerting = alerting;
        this.config = config;
        this.clock = clock;
    }

    @Override
    public void mount(Router router, Function<Role, Handler<RoutingContext>> require) {
        router.get("/api/v1/alerts*").handler(require.apply(Role.VIEWER));
        router.get("/api/v1/silences*").handler(require.apply(Role.VIEWER));
        router.get("/api/v1/alerts").handler(this::current);
        router.get("/api/v1/alerts/history").handler(this::history);
        router.get("/api/v1/alerts/rules").handler(this::rules);
        router.get("/api/v1/silences").handler(this::silences);
        // Vert.x wants the body handler first; the body is small and read only, never acted on, before the role check.
        router.post("/api/v1/silences").handler(BodyHandler.create(false).setBodyLimit(16_384)).handler(require.apply(Role.ADMIN))
                .handler(this::createSilence);
        router.delete("/api/v1/silences/:id").handler(require.apply(Role.ADMIN)).handler(this::expireSilence);
    }

    private void current(RoutingContext ctx) {
        JsonArray alerts = new JsonArray();
        for (Alert a : alerting.current()) {
            alerts.add(alertJson(a).put("silenced_by", new JsonArray(alerting.silencing(a))));
        }
        json(ctx, 200, new JsonObject().put("enabled", config.enabled()).put("alerts", alerts));
    }

    private void history(RoutingContext ctx) {
        AlertStore.HistoryQuery query;
        try {
            var p = ctx.queryParams();
            String state = p.get("state");
            if (state != null && !state.equals("firing") && !state.equals("resolved")) {
                throw new IllegalArgumentException("state must be firing or resolved, got '" + state + "'");
            }
            String rule = p.get("rule");
            if (rule != null && !AlertRule.DEFAULTS.containsKey(rule)) {
                throw new IllegalArgumentException("rule must be one of " + String.join(", ", AlertRule.DEFAULTS.keySet()) + ", got '" + rule + "'");
            }
            String severity = p.get("severity");
            if (severity != null && io.kilowatch.core.alerting.Severity.fromLabel(severity).isEmpty()) {
                throw new IllegalArgumentException("severity must be page, ticket or info, got '" + severity + "'");
            }
            query = new AlertStore.HistoryQuery(Optional.ofNullable(rule), Optional.ofNullable(severity),
                    Optional.ofNullable(state).map(s -> s.equals("firing")), instant(p.get("from"), "from").map(Instant::toEpochMilli), instant(p.get("to"), "to").map(Instant::toEpochMilli),
                    QueryParams.integer(p.get("limit"), "limit", 50, 1, 500), QueryParams.integer(p.get("offset"), "offset", 0, 0, Integer.MAX_VALUE));
        } catch (IllegalArgumentException e) {
            error(ctx, 400, List.of(e.getMessage()));
            return;
        }
        alerting.history(query).onComplete(r -> {
            if (r.failed()) {
                LOG.atError().setCause(r.cause()).log("reading alert history failed");
                error(ctx, 500, List.of("internal error; see the collector's log"));
                return;
            }
            JsonArray entries = new JsonArray();
            for (AlertStore.HistoryEntry e : r.result().entries()) {
                JsonArray notifications = new JsonArray();
                e.notifications().forEach(n -> notifications.add(new JsonObject().put("channel", n.channel())
                        .put("at", Instant.ofEpochMilli(n.sentMs()).toString()).put("kind", n.kind()).put("outcome", n.outcome())
                        .put("detail", n.detail())));
                entries.add(alertJson(e.alert()).put("notifications", notifications));
            }
            json(ctx, 200, new JsonObject().put("total", r.result().total()).put("limit", query.limit()).put("offset", query.offset())
                    .put("alerts", entries));
        });
    }

    private void rules(RoutingContext ctx) {
        JsonArray rules = new JsonArray();
        config.rules().values().forEach(r -> rules.add(new JsonObject().put("rule", r.name()).put("enabled", r.enabled())
                .put("severity", r.severity().label()).put("for_seconds", r.forDuration().toSeconds())
                .put("keep_firing_for_seconds", r.keepFiringFor().toSeconds()).put("channels", new JsonArray(r.channels()))));
        JsonArray channels = new JsonArray();
        config.channels().values().forEach(c -> channels.add(new JsonObject().put("name", c.name())
                .put("type", c instanceof AlertingConfig.Webhook ? "webhook" : "email")));
        json(ctx, 200, new JsonObject().put("rules", rules).put("channels", channels)
                .put("group_by", new JsonArray(config.grouping().groupBy()))
                .put("group_wait_seconds", config.grouping().groupWait().toSeconds())
                .put("group_interval_seconds", config.grouping().groupInterval().toSeconds())
                .put("repeat_interval_seconds", config.grouping().repeatInterval().toSeconds()));
    }

    private void silences(RoutingContext ctx) {
        Instant now = clock.instant();
        JsonArray list = new JsonArray();
        alerting.silences().forEach(s -> list.add(silenceJson(s, now)));
        json(ctx, 200, new JsonObject().put("silences", list));
    }

    private void createSilence(RoutingContext ctx) {
        String contentType = ctx.request().getHeader("Content-Type");
        if (contentType == null || !contentType.toLowerCase().startsWith("application/json")) {
            error(ctx, 415, List.of("send the silence as Content-Type: application/json"));
            return;
        }
        Instant now = clock.instant();
        List<LabelMatcher> matchers = new ArrayList<>();
        Instant startsAt;
        Instant endsAt;
        String comment;
        try {
            JsonObject body;
            try {
                body = new JsonObject(ctx.body().asString() == null ? "" : ctx.body().asString());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("the body must be a JSON object: {\"matchers\": [...], \"ends_at\" or \"duration\", \"comment\"}");
            }
            List<String> unknown = body.fieldNames().stream().filter(f -> !SILENCE_FIELDS.contains(f)).sorted().toList();
            if (!unknown.isEmpty()) {
                throw new IllegalArgumentException("unknown field(s) " + String.join(", ", unknown) + "; a silence has " + SILENCE_FIELDS);
            }
            if (!(body.getValue("matchers") instanceof JsonArray list) || list.isEmpty()) {
                throw new IllegalArgumentException("matchers must be a non-empty list of {\"name\", \"value\", \"op\"}");
            }
            for (Object o : list) {
                if (!(o instanceof JsonObject m) || !(m.getValue("name") instanceof String name) || !(m.getValue("value") instanceof String value)
                        || !(m.getValue("op", "=") instanceof String op)) {
                    throw new IllegalArgumentException("each matcher is {\"name\": \"device\", \"value\": \"pc-1\", \"op\": \"=\"} "
                            + "(op one of =, !=, =~, !~; default =)");
                }
                matchers.add(new LabelMatcher(name, LabelMatcher.Op.fromSymbol(op), value));
            }
            startsAt = instant(body.getValue("starts_at") == null ? null : String.valueOf(body.getValue("starts_at")), "starts_at").orElse(now);
            Optional<Instant> ends = instant(body.getValue("ends_at") == null ? null : String.valueOf(body.getValue("ends_at")), "ends_at");
            Object duration = body.getValue("duration");
            if (ends.isPresent() == (duration != null)) {
                throw new IllegalArgumentException("give either ends_at (RFC 3339) or duration (such as 2h), not both or neither");
            }
            endsAt = ends.orElseGet(() -> startsAt.plus(duration(String.valueOf(duration))));
            if (!(body.getValue("comment") instanceof String text) || text.isBlank()) {
                throw new IllegalArgumentException("comment must say why the alerts are silenced");
            }
            comment = text;
        } catch (IllegalArgumentException e) {
            error(ctx, 400, List.of(e.getMessage()));
            return;
        }
        String by = ctx.get(PRINCIPAL);
        alerting.createSilence(matchers, startsAt, endsAt, by, comment).onComplete(r -> {
            if (r.succeeded()) {
                json(ctx, 201, silenceJson(r.result(), clock.instant()));
            } else if (r.cause() instanceof IllegalArgumentException e) {
                error(ctx, 400, List.of(e.getMessage()));
            } else {
                LOG.atError().setCause(r.cause()).log("storing a silence failed");
                Responses.storeUnavailable(ctx, "the silence could not be stored; nothing changed, try again");
            }
        });
    }

    private void expireSilence(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        String by = ctx.get(PRINCIPAL);
        alerting.expireSilence(id, by).onComplete(r -> {
            if (r.failed()) {
                LOG.atError().setCause(r.cause()).log("expiring a silence failed");
                Responses.storeUnavailable(ctx, "the silence could not be expired; nothing changed, try again");
            } else if (r.result().isEmpty()) {
                error(ctx, 404, List.of("no silence with id '" + id + "'"));
            } else {
                json(ctx, 200, silenceJson(r.result().get(), clock.instant()));
            }
        });
    }

    private static JsonObject alertJson(Alert a) {
        JsonObject json = new JsonObject()
                .put("id", a.id())
                .put("fingerprint", a.fingerprint())
                .put("rule", a.rule())
                .put("labels", new JsonObject(new LinkedHashMap<>(a.labels())))
                .put("severity", a.severity().label())
                .put("state", a.state().label())
                .put("summary", a.summary())
                .put("value", Double.isNaN(a.value()) ? null : a.value())
                .put("active_since", a.activeSince().toString())
                .put("firing_since", a.firingSince() == null ? null : a.firingSince().toString())
                .put("resolved_at", a.resolvedAt() == null ? null : a.resolvedAt().toString());
        if (a.firingSince() != null) {
            Instant end = a.resolvedAt() == null ? a.lastSeen() : a.resolvedAt();
            json.put("firing_seconds", Math.max(0, Duration.between(a.firingSince(), end).toSeconds()));
        }
        return json;
    }

    private static JsonObject silenceJson(Silence s, Instant now) {
        JsonArray matchers = new JsonArray();
        s.matchers().forEach(m -> matchers.add(new JsonObject().put("name", m.name()).put("op", m.op().symbol).put("value", m.value())));
        return new JsonObject()
                .put("id", s.id())
                .put("status", s.isActive(now) ? "active" : s.hasExpired(now) ? "expired" : "pending")
                .put("matchers", matchers)
                .put("starts_at", s.startsAt().toString())
                .put("ends_at", s.endsAt().toString())
                .put("created_by", s.createdBy())
                .put("comment", s.comment())
                .put("created_at", s.createdAt().toString());
    }

    private static Optional<Instant> instant(String text, String name) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(text));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be an RFC 3339 UTC time such as 2026-03-02T09:00:00Z, got '" + text + "'");
        }
    }

    private static Duration duration(String text) {
        try {
            return io.kilowatch.core.config.Settings.empty("silence").override("duration", text)
                    .duration("duration", Duration.ZERO, Duration.ofMinutes(1), Duration.ofDays(365));
        } catch (io.kilowatch.core.config.ConfigException e) {
            throw new IllegalArgumentException("duration must be such as 30m, 2h or 7d, from 1 minute to 365 days, got '" + text + "'");
        }
    }
}
