package io.kilowatch.agent.ship;

import io.kilowatch.core.retry.Backoff;
import io.kilowatch.core.credential.Credentials;
import io.kilowatch.core.report.Report;
import io.kilowatch.core.report.ReportCodec;
import io.kilowatch.core.report.ReportFormatException;
import io.kilowatch.core.report.ReportJson;
import io.kilowatch.core.report.ReportValidator;
import io.kilowatch.core.agentsettings.CentralSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpRetryException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongUnaryOperator;
import javax.net.ssl.HttpsURLConnection;
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
 * first is tried again, so agents return to the primary once it is back. A collector that answers 503 or 429
 * with {@code Retry-After} (its store is down, or it is shedding load) is not sent anything until that time has
 * passed, at most {@link #MAX_RETRY_AFTER}: the next one takes over meanwhile, and with none left the reports stay
 * spooled until the first collector is free again or the backoff is over, whichever is later. Called from one thread.
 * <p>
 * HTTP is the JDK's {@link HttpURLConnection}, not its {@code java.net.http} client, and the JSON is
 * {@link ReportJson} and {@link Json}, not Jackson: the agent's footprint (docs/agent-install.md). TLS is
 * set up only for an {@code https://} collector.
 */
public final class ReportShipper {
    private static final Logger LOG = LoggerFactory.getLogger(ReportShipper.class);
    /** The longest a collector's {@code Retry-After} holds it back: a wrong or hostile header must not silence an agent for long. */
    static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);

    /** Null for the platform's TLS defaults. */
    private final SSLContext tls;
    private final List<URI> collectors;
    private final Duration failbackInterval;
    /** Index of the collector now in use; 0 is the first listed. */
    private int active;
    private Instant failbackAt = Instant.MAX;
    /** Per collector, when its last {@code Retry-After} runs out; {@link Instant#MIN} when it asked for no wait. */
    private final Instant[] heldUntil;
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
     * @param tls for {@code https://} collectors; null for the platform's defaults
     */
    public ReportShipper(List<URI> collectors, Duration failbackInterval, Duration timeout, int batchSize, String userAgent, ReportSpool spool,
                         LongUnaryOperator renumber, Backoff backoff, Clock clock,
                         String deviceId, Optional<String> enrolmentToken, CredentialFile credentialFile, SSLContext tls) {
        this.tls = tls;
        if (collectors.isEmpty()) {
            throw new IllegalArgumentException("at least one collector URL");
        }
        this.collectors = List.copyOf(collectors);
        this.heldUntil = new Instant[collectors.size()];
        java.util.Arrays.fill(heldUntil, Instant.MIN);
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
        if (active > 0 && !clock.instant().isBefore(failbackAt) && !held(0)) {
            LOG.atInfo().addKeyValue("collector", collectors.get(0)).log("trying the first collector again");
            active = 0;
        }
        if (held(active)) {
            int free = nextFree(0);
            if (free < 0) {
                nextAttempt = earliestRelease();
                return; // every collector asked to wait: the reports stay in the spool
            }
            active = free;
        }
        while (spool.size() > 0) {
            List<ReportSpool.Spooled> batch = spool.oldest(currentBatchSize);
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
    private boolean send(List<ReportSpool.Spooled> batch) {
        try {
            if (credential == null && enrolmentToken.isPresent() && !enrol()) {
                return false;
            }
            Map<String, String> headers = new HashMap<>();
            headers.put(LOCAL_SETTINGS_HEADER, localSettingsHeader);
            if (credential != null) {
                headers.put("Authorization", "Bearer " + credential);
            }
            Response response = post("/api/v1/reports/batch", ReportJson.batchOfJson(batch.stream().map(ReportSpool.Spooled::json).toList()), headers);
            int status = response.status();
            if (status == 401) {
                // Revoked, or never had one: forget it; the next attempt enrols again if the agent has a token.
                forgetCredential();
                return retryLater(enrolmentToken.isPresent() ? "collector refused the credential; enrolling again"
                        : "collector requires a credential: set collector.enrolment_token_file or KILOWATCH_AGENT_COLLECTOR_ENROLMENT_TOKEN");
            }
            if (status == 200) {
                Object answer = Json.parse(response.body());
                settle(batch, Json.member(answer, "results"));
                Object settings = Json.member(answer, "settings");
                if (settings != null) {
                    takeSettings(settings);
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
            // A 429 with Retry-After holds this collector back like a 503 does, so the next one takes over meanwhile.
            return status >= 500 || held(active) ? failOver(why) : retryLater(why);
        } catch (IOException e) {
            return failOver("collector unreachable: " + e);
        } catch (IllegalArgumentException e) {
            return failOver("collector answered with a body that is not JSON: " + e.getMessage());
        }
    }

    private record Response(int status, String body) {
    }

    /** Whether collector {@code index} asked to be left alone for a while yet. */
    private boolean held(int index) {
        return clock.instant().isBefore(heldUntil[index]);
    }

    /** The first collector from {@code from} on that is not held back; -1 for none. */
    private int nextFree(int from) {
        for (int i = from; i < collectors.size(); i++) {
            if (!held(i)) {
                return i;
            }
        }
        return -1;
    }

    /** When the first collector is free again: now if one already is. */
    private Instant earliestRelease() {
        Instant now = clock.instant();
        Instant earliest = Instant.MAX;
        for (Instant until : heldUntil) {
            earliest = until.isBefore(earliest) ? until : earliest;
        }
        return earliest.isBefore(now) ? now : earliest;
    }

    /**
     * Holds the active collector back for its {@code Retry-After} of a 503 or 429: delay-seconds or an HTTP date
     * (RFC 9110 section 10.2.3), bounded by {@link #MAX_RETRY_AFTER}; an unreadable value is ignored.
     */
    private void holdFor(String retryAfter) {
        Instant now = clock.instant();
        Duration wait;
        try {
            wait = retryAfter.chars().allMatch(Character::isDigit) ? Duration.ofSeconds(Long.parseLong(retryAfter))
                    : Duration.between(now, java.time.ZonedDateTime.parse(retryAfter, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME));
        } catch (NumberFormatException | java.time.format.DateTimeParseException e) {
            LOG.atWarn().addKeyValue("collector", activeCollector()).addKeyValue("retry_after", abbreviate(retryAfter)).log("unreadable Retry-After ignored");
            return;
        }
        wait = wait.isNegative() ? Duration.ZERO : wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait;
        heldUntil[active] = now.plus(wait);
        LOG.atWarn().addKeyValue("collector", activeCollector()).addKeyValue("retry_after_seconds", wait.toSeconds())
                .log("collector asked to wait; nothing goes to it until then");
    }

    /** POSTs a JSON body to the active collector; the body of any answer, error or not, is read in full so the connection is kept. */
    private Response post(String path, String json, Map<String, String> headers) throws IOException {
        // No proxy, as before with java.net.http's client: agents talk to the collector directly.
        HttpURLConnection connection = (HttpURLConnection) activeCollector().resolve(path).toURL().openConnection(Proxy.NO_PROXY);
        if (tls != null && connection instanceof HttpsURLConnection https) {
            https.setSSLSocketFactory(tls.getSocketFactory());
        }
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        connection.setConnectTimeout((int) timeout.toMillis());
        connection.setReadTimeout((int) timeout.toMillis());
        connection.setRequestMethod("POST");
        connection.setDoOutput(true);
        // Streaming, not buffered: a POST whose answer is lost is not silently sent again by the JDK.
        connection.setFixedLengthStreamingMode(body.length);
        connection.setRequestProperty("Content-Type", "application/json");
        connection.setRequestProperty("User-Agent", userAgent);
        headers.forEach(connection::setRequestProperty);
        try (OutputStream out = connection.getOutputStream()) {
            out.write(body);
        }
        int status;
        try {
            status = connection.getResponseCode();
        } catch (HttpRetryException e) {
            // a streamed request answered 401 with WWW-Authenticate: the JDK would retry it, and refuses to
            connection.disconnect();
            return new Response(e.responseCode(), "");
        }
        String retryAfter = connection.getHeaderField("Retry-After");
        if ((status == 503 || status == 429) && retryAfter != null) {
            holdFor(retryAfter.strip());
        }
        try (InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
            return new Response(status, in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /**
     * Enrols with a credential the agent chose and saved first: if the answer is lost, the next report
     * carries the credential and succeeds, and a repeated request with it is accepted again. False (after
     * scheduling a retry) when the collector did not accept it.
     */
    private boolean enrol() throws IOException {
        credential = Credentials.newSecret();
        credentialFile.write(credential);
        String body = "{\"device_id\":" + ReportJson.quote(deviceId) + ",\"enrolment_token\":" + ReportJson.quote(enrolmentToken.get())
                + ",\"credential\":" + ReportJson.quote(credential) + "}";
        Response response;
        try {
            response = post("/api/v1/enrol", body, Map.of());
        } catch (java.net.ConnectException e) {
            // never reached a collector, so never enrolled: the next collector must not be offered it unenrolled
            forgetCredential();
            throw e;
        }
        if (response.status() != 201) {
            forgetCredential();
            String why = "enrolment refused (" + response.status() + "): " + abbreviate(response.body());
            if (response.status() >= 500) {
                throw new IOException(why); // a failing collector hands over to the next, as for reports
            }
            return retryLater(why);
        }
        LOG.atInfo().addKeyValue("device_id", deviceId).log("enrolled with the collector");
        return true;
    }

    /** Settings the agent cannot read are logged and ignored: the agent runs on with what it has. */
    private void takeSettings(Object json) {
        try {
            settingsListener.accept(settingsFromJson(json));
        } catch (IllegalArgumentException e) {
            LOG.atWarn().addKeyValue("error", e.getMessage()).log("central settings from the collector ignored");
        }
    }

    /** {@code {"report_interval_seconds": 60, "labels": {...}, "power_model": {"idle_watts", "max_watts"}, "sources": {...}}}. */
    static CentralSettings settingsFromJson(Object json) {
        if (!(json instanceof Map<?, ?> settings)) {
            throw new IllegalArgumentException("settings must be an object");
        }
        Optional<Duration> interval = Optional.empty();
        Object intervalSeconds = settings.get("report_interval_seconds");
        if (intervalSeconds != null) {
            double seconds = number(intervalSeconds);
            if (!(seconds >= 1 && seconds <= 3600)) {
                throw new IllegalArgumentException("report_interval_seconds must be 1..3600, got " + intervalSeconds);
            }
            interval = Optional.of(Duration.ofMillis(Math.round(seconds * 1000)));
        }
        Map<String, String> labels = new HashMap<>();
        members(settings.get("labels")).forEach((name, value) -> {
            if (!CentralSettings.LABELS.contains(name) || !(value instanceof String text) || !ReportValidator.isLabelValue(text)) {
                throw new IllegalArgumentException("bad label " + name + "=" + value);
            }
            labels.put(name, text);
        });
        Map<String, String> sources = new HashMap<>();
        members(settings.get("sources")).forEach((name, value) -> sources.put(name, String.valueOf(value)));
        Object model = settings.get("power_model");
        return new CentralSettings(interval, labels, watts(model, "idle_watts"), watts(model, "max_watts"), sources);
    }

    private static Optional<Double> watts(Object model, String field) {
        Object value = Json.member(model, field);
        if (value == null) {
            return Optional.empty();
        }
        double watts = number(value);
        if (!(watts >= 0 && watts <= 100_000)) {
            throw new IllegalArgumentException("power_model." + field + " must be 0..100000, got " + value);
        }
        return Optional.of(watts);
    }

    /** A JSON number, or -1 (out of every range here) for anything else. */
    private static double number(Object value) {
        return value instanceof Number n ? n.doubleValue() : -1;
    }

    /** An object's members by name; none for anything that is not an object. */
    private static Map<String, Object> members(Object value) {
        Map<String, Object> members = new HashMap<>();
        if (value instanceof Map<?, ?> map) {
            map.forEach((name, member) -> members.put((String) name, member));
        }
        return members;
    }

    private void forgetCredential() {
        credential = null;
        credentialFile.delete();
    }

    private void settle(List<ReportSpool.Spooled> batch, Object results) {
        Map<Long, Object> bySequence = new HashMap<>();
        if (results instanceof List<?> list) {
            list.forEach(r -> {
                if (Json.member(r, "sequence") instanceof Long sequence) {
                    bySequence.put(sequence, r);
                }
            });
        }
        for (ReportSpool.Spooled report : batch) {
            Object result = bySequence.get(report.sequence());
            if (result == null) {
                continue; // not answered for: it stays in the spool and goes again
            }
            String status = String.valueOf(Json.member(result, "status"));
            long collectorsLast = Json.member(result, "last_sequence") instanceof Long last ? last : report.sequence();
            spool.remove(report.sequence());
            if (status.equals("sequence_taken")) {
                // The collector holds another report under this number, from before the agent lost its
                // state: this one is new data, so it goes again under a number above the collector's.
                // (A plain duplicate is this very report, stored from a request whose answer was lost.)
                // Rare, so here alone the agent reads a report back, with the codec (and Jackson).
                renumber(report, renumber.applyAsLong(collectorsLast));
            } else if (status.equals("rejected")) {
                rejected++;
                LOG.atError().addKeyValue("sequence", report.sequence()).addKeyValue("problems", String.valueOf(Json.member(result, "problems")))
                        .log("collector rejected a report; dropped");
            } else {
                sent++;
            }
        }
    }

    /**
     * Moves on to the next collector that is not held back by a {@code Retry-After} and says to go on at
     * once; after the last, starts again from the first after a backoff.
     */
    private boolean failOver(String why) {
        int next = nextFree(active + 1);
        if (next < 0) {
            active = 0;
            failbackAt = Instant.MAX;
            return retryLater(why);
        }
        active = next;
        failbackAt = clock.instant().plus(failbackInterval);
        LOG.atWarn().addKeyValue("reason", why).addKeyValue("collector", collectors.get(active)).log("failing over to the next collector");
        return true;
    }

    private boolean retryLater(String why) {
        Instant backedOff = clock.instant().plus(backoff.failed());
        Instant released = earliestRelease();
        nextAttempt = released.isAfter(backedOff) ? released : backedOff;
        Duration wait = Duration.between(clock.instant(), nextAttempt);
        LOG.atWarn().addKeyValue("reason", why).addKeyValue("backlog", spool.size())
                .addKeyValue("retry_in_ms", wait.toMillis()).log("reports not delivered; will retry");
        return false;
    }

    private static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }

    private void renumber(ReportSpool.Spooled report, long sequence) {
        try {
            spool.append(withSequence(ReportCodec.fromJson(report.json()), sequence));
        } catch (ReportFormatException e) {
            LOG.atError().addKeyValue("sequence", report.sequence()).addKeyValue("error", e.getMessage())
                    .log("a spooled report to renumber cannot be read; dropped");
        }
    }

    static Report withSequence(Report r, long sequence) {
        return new Report(r.schemaVersion(), r.deviceId(), sequence, r.timestamp(), r.intervalSeconds(), r.labels(),
                r.host(), r.utilisation(), r.power(), r.agent(), r.inventory(), r.sleeps(), r.stopping());
    }
}
