package io.kilowatch.agent.ship;

import io.kilowatch.core.retry.Backoff;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kilowatch.core.credential.Credentials;
import io.kilowatch.core.report.Report;
import io.kilowatch.core.report.ReportCodec;
import io.kilowatch.core.report.ReportValidator;
import io.kilowatch.core.agentsettings.CentralSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongUnaryOperator;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends spooled reports to the collector, oldest first, in batches ({@code POST /api/v1/reports/batch}).
 * A report leaves the spool only when the collector has answered for it: stored, already stored, or
 * rejected as invalid (sending it again would fail again; it is logged and counted). When the
 * collector cannot be reached or fails, nothing leaves the spool and the next attempt waits for an
 * exponential backoff with jitter. With several collector URLs, one that cannot be reached or fails
 * (5xx) hands over at once to the next in order; after {@code failbackInterval} on a later one the
 * first is tried again, so agents return to the primary once it is back. Called from one thread.
 */
public final class ReportShipper {
    private static final Logger LOG = LoggerFactory.getLogger(ReportShipper.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final List<URI> collectors;
    private final Duration failbackInterval;
    /** Index of the collector now in use; 0 is the first listed. */
    private int active;
    private Instant failbackAt = Instant.MAX;
    private final String deviceId;
    private final Optional<String> enrolmentToken;
    private final CredentialFile credentialFile;
    private String credential;
    private final Duration timeout;
    private final int batchSize;
    private final String userAgent;
    private final ReportSpool spool;
    /** Given the collector's newest sequence for this device, returns a fresh sequence number above it. */
    private final LongUnaryOperator renumber;
    private final Backoff backoff;
    private final Clock clock;
    private Instant nextAttempt = Instant.MIN;
    private int currentBatchSize;
    private long sent;
    private long rejected;
    private String localSettingsHeader = "";
    private java.util.function.Consumer<CentralSettings> settingsListener = s -> { };

    /**
     * @param enrolmentToken the estate's enrolment token, to get a credential when the agent has none;
     *     empty for a collector that does not require credentials
     * @param collectors the collectors' base URLs in order of preference, at least one
     */
    public ReportShipper(List<URI> collectors, Duration failbackInterval, Duration timeout, int batchSize, String userAgent, ReportSpool spool,
                         LongUnaryOperator renumber, Backoff backoff, Clock clock,
                         String deviceId, Optional<String> enrolmentToken, CredentialFile credentialFile, SSLContext tls) {
        // HTTP/1.1: one request at a time needs no h2c upgrade, and every proxy on the way understands it.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).sslContext(tls).build();
        if (collectors.isEmpty()) {
            throw new IllegalArgumentException("at least one collector URL");
        }
        this.collectors = List.copyOf(collectors);
        this.failbackInterval = failbackInterval;
        this.deviceId = deviceId;
        this.enrolmentToken = enrolmentToken;
        this.credentialFile = credentialFile;
        this.credential = credentialFile.read().orElse(null);
        this.timeout = timeout;
        this.batchSize = batchSize;
        this.currentBatchSize = batchSize;
        this.userAgent = userAgent;
        this.spool = spool;
        this.renumber = renumber;
        this.backoff = backoff;
        this.clock = clock;
    }

    /** Sends what the spool holds, batch by batch, until it is empty or an attempt fails; waits out a backoff. */
    public void drain() {
        if (clock.instant().isBefore(nextAttempt)) {
            return;
        }
        drainNow();
    }

    /** Like {@link #drain()} but without waiting out a backoff: the last attempt before the agent stops. */
    public void drainNow() {
        if (active > 0 && !clock.instant().isBefore(failbackAt)) {
            LOG.atInfo().addKeyValue("collector", collectors.get(0)).log("trying the first collector again");
            active = 0;
        }
        while (spool.size() > 0) {
            List<Report> batch = spool.oldest(currentBatchSize);
            if (batch.isEmpty() || !send(batch)) {
                return;
            }
        }
    }

    public long sent() {
        return sent;
    }

    public long rejected() {
        return rejected;
    }

    /**
     * Hands the central settings in each answer to {@code listener}, and tells the collector (header
     * {@value #LOCAL_SETTINGS_HEADER}) which of them the agent's own config sets.
     */
    public void onSettings(java.util.Set<String> localKeys, java.util.function.Consumer<CentralSettings> listener) {
        this.localSettingsHeader = String.join(",", localKeys.stream().sorted().toList());
        this.settingsListener = listener;
    }

    /** The request header naming the centrally managed keys the agent's own config sets. */
    public static final String LOCAL_SETTINGS_HEADER = "Kilowatch-Local-Settings";

    /** The collector reports go to now. */
    public URI activeCollector() {
        return collectors.get(active);
    }

    /** Sends one batch; false when the collector did not answer for it and the shipper must wait. */
    private boolean send(List<Report> batch) {
        try {
            if (credential == null && enrolmentToken.isPresent() && !enrol()) {
                return false;
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(activeCollector().resolve("/api/v1/reports/batch"))
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header("User-Agent", userAgent)
                    .header(LOCAL_SETTINGS_HEADER, localSettingsHeader)
                    .POST(HttpRequest.BodyPublishers.ofString(ReportCodec.batchToJson(batch)));
            if (credential != null) {
                request.header("Authorization", "Bearer " + credential);
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            if (status == 401) {
                // Revoked, or never had one: forget it; the next attempt enrols again if the agent has a token.
                forgetCredential();
                return retryLater(enrolmentToken.isPresent() ? "collector refused the credential; enrolling again"
                        : "collector requires a credential: set collector.enrolment_token_file or KILOWATCH_AGENT_COLLECTOR_ENROLMENT_TOKEN");
            }
            if (status == 200) {
                JsonNode answer = JSON.readTree(response.body());
                settle(batch, answer.path("results"));
                if (answer.has("settings")) {
                    takeSettings(answer.get("settings"));
                }
                backoff.succeeded();
                currentBatchSize = batchSize;
                return true;
            }
            if (status == 413 && currentBatchSize > 1) {
                currentBatchSize = Math.max(1, currentBatchSize / 2); // the collector takes smaller bodies: halve and go on
                return true;
            }
            String why = "collector answered " + status + ": " + abbreviate(response.body());
            return status >= 500 ? failOver(why) : retryLater(why);
        } catch (IOException e) {
            return failOver("collector unreachable: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Enrols with a credential the agent chose and saved first: if the answer is lost, the next report
     * carries the credential and succeeds, and a repeated request with it is accepted again. False (after
     * scheduling a retry) when the collector did not accept it.
     */
    private boolean enrol() throws IOException, InterruptedException {
        credential = Credentials.newSecret();
        credentialFile.write(credential);
        String body = JSON.writeValueAsString(Map.of("device_id", deviceId, "enrolment_token", enrolmentToken.get(), "credential", credential));
        HttpResponse<String> response;
        try {
            response = http.send(HttpRequest.newBuilder(activeCollector().resolve("/api/v1/enrol")).timeout(timeout)
                    .header("Content-Type", "application/json").header("User-Agent", userAgent)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.net.ConnectException e) {
            // never reached a collector, so never enrolled: the next collector must not be offered it unenrolled
            forgetCredential();
            throw e;
        }
        if (response.statusCode() != 201) {
            forgetCredential();
            String why = "enrolment refused (" + response.statusCode() + "): " + abbreviate(response.body());
            if (response.statusCode() >= 500) {
                throw new IOException(why); // a failing collector hands over to the next, as for reports
            }
            return retryLater(why);
        }
        LOG.atInfo().addKeyValue("device_id", deviceId).log("enrolled with the collector");
        return true;
    }

    /** Settings the agent cannot read are logged and ignored: the agent runs on with what it has. */
    private void takeSettings(JsonNode json) {
        try {
            settingsListener.accept(settingsFromJson(json));
        } catch (IllegalArgumentException e) {
            LOG.atWarn().addKeyValue("error", e.getMessage()).log("central settings from the collector ignored");
        }
    }

    /** {@code {"report_interval_seconds": 60, "labels": {...}, "power_model": {"idle_watts", "max_watts"}, "sources": {...}}}. */
    static CentralSettings settingsFromJson(JsonNode json) {
        if (!json.isObject()) {
            throw new IllegalArgumentException("settings must be an object");
        }
        Optional<Duration> interval = Optional.empty();
        if (json.has("report_interval_seconds")) {
            double seconds = json.get("report_interval_seconds").asDouble(-1);
            if (!(seconds >= 1 && seconds <= 3600)) {
                throw new IllegalArgumentException("report_interval_seconds must be 1..3600, got " + json.get("report_interval_seconds"));
            }
            interval = Optional.of(Duration.ofMillis(Math.round(seconds * 1000)));
        }
        Map<String, String> labels = new HashMap<>();
        json.path("labels").fields().forEachRemaining(e -> {
            if (!CentralSettings.LABELS.contains(e.getKey()) || !ReportValidator.isLabelValue(e.getValue().asText(null))) {
                throw new IllegalArgumentException("bad label " + e.getKey() + "=" + e.getValue());
            }
            labels.put(e.getKey(), e.getValue().asText());
        });
        Map<String, String> sources = new HashMap<>();
        json.path("sources").fields().forEachRemaining(e -> sources.put(e.getKey(), e.getValue().asText()));
        return new CentralSettings(interval, labels, watts(json.path("power_model"), "idle_watts"), watts(json.path("power_model"), "max_watts"),
                sources);
    }

    private static Optional<Double> watts(JsonNode model, String field) {
        if (!model.has(field)) {
            return Optional.empty();
        }
        double watts = model.get(field).asDouble(-1);
        if (!(watts >= 0 && watts <= 100_000)) {
            throw new IllegalArgumentException("power_model." + field + " must be 0..100000, got " + model.get(field));
        }
        return Optional.of(watts);
    }

    private void forgetCredential() {
        credential = null;
        credentialFile.delete();
    }

    private void settle(List<Report> batch, JsonNode results) {
        Map<Long, JsonNode> bySequence = new HashMap<>();
        results.forEach(r -> bySequence.put(r.path("sequence").asLong(), r));
        for (Report report : batch) {
            JsonNode result = bySequence.get(report.sequence());
            if (result == null) {
                continue; // not answered for: it stays in the spool and goes again
            }
            String status = result.path("status").asText();
            long collectorsLast = result.path("last_sequence").asLong(report.sequence());
            spool.remove(report.sequence());
            if (status.equals("sequence_taken")) {
                // The collector holds another report under this number, from before the agent lost its
                // state: this one is new data, so it goes again under a number above the collector's.
                // (A plain duplicate is this very report, stored from a request whose answer was lost.)
                spool.append(withSequence(report, renumber.applyAsLong(collectorsLast)));
            } else if (status.equals("rejected")) {
                rejected++;
                LOG.atError().addKeyValue("sequence", report.sequence()).addKeyValue("problems", result.path("problems").toString())
                        .log("collector rejected a report; dropped");
            } else {
                sent++;
            }
        }
    }

    /**
     * Moves on to the next collector and says to go on at once; after the last, starts again from the
     * first after a backoff.
     */
    private boolean failOver(String why) {
        if (active + 1 >= collectors.size()) {
            active = 0;
            failbackAt = Instant.MAX;
            return retryLater(why);
        }
        active++;
        failbackAt = clock.instant().plus(failbackInterval);
        LOG.atWarn().addKeyValue("reason", why).addKeyValue("collector", collectors.get(active)).log("failing over to the next collector");
        return true;
    }

    private boolean retryLater(String why) {
        Duration wait = backoff.failed();
        nextAttempt = clock.instant().plus(wait);
        LOG.atWarn().addKeyValue("reason", why).addKeyValue("backlog", spool.size())
                .addKeyValue("retry_in_ms", wait.toMillis()).log("reports not delivered; will retry");
        return false;
    }

    private static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }

    static Report withSequence(Report r, long sequence) {
        return new Report(r.schemaVersion(), r.deviceId(), sequence, r.timestamp(), r.intervalSeconds(), r.labels(),
                r.host(), r.utilisation(), r.power(), r.agent(), r.inventory(), r.sleeps(), r.stopping());
    }
}
