package io.kilowatch.agent.ship;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.kilowatch.core.report.Report;
import io.kilowatch.core.report.ReportCodec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A real HTTP server on a free loopback port that answers {@code POST /api/v1/reports/batch} as the
 * collector's contract says (docs/report-schema.md), recording what it stores. What it answers for
 * each report can be changed to test the agent's reactions.
 */
public final class RecordingCollector implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The answer for one report, or a status for the whole request. */
    public record Answer(String status, long lastSequence, int httpStatus) {
        public static Answer stored() {
            return new Answer("stored", -1, 200);
        }

        /** Another report is stored under this sequence: the agent lost its numbering. */
        public static Answer sequenceTaken(long lastSequence) {
            return new Answer("sequence_taken", lastSequence, 200);
        }

        public static Answer duplicate(long lastSequence) {
            return new Answer("duplicate", lastSequence, 200);
        }

        public static Answer rejected() {
            return new Answer("rejected", 0, 200);
        }

        public static Answer fail(int httpStatus) {
            return new Answer(null, 0, httpStatus);
        }
    }

    private final HttpServer server;
    public final List<Report> stored = new CopyOnWriteArrayList<>();
    public final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    private volatile Function<Report, Answer> answer = r -> Answer.stored();
    /** When set, reports need the credential the agent enrolled with {@link #enrolmentToken}, as on the collector. */
    private volatile String enrolmentToken;
    private volatile String credential;
    private volatile boolean loseNextEnrolmentAnswer;
    public final List<String> enrolments = new CopyOnWriteArrayList<>();
    /** The central settings each batch answer carries ({@code "settings": ...}), or null for none, as an older collector. */
    private volatile String settingsJson;
    /** The Retry-After header of failing batch answers, or null for none. */
    private volatile String retryAfter;
    /** The Kilowatch-Local-Settings header of each batch request. */
    public final List<String> localSettingsHeaders = new CopyOnWriteArrayList<>();

    public RecordingCollector() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v1/enrol", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            enrolments.add(body);
            JsonNode request = JSON.readTree(body);
            String chosen = request.path("credential").asText(null);
            int status;
            if (enrolmentToken == null || !enrolmentToken.equals(request.path("enrolment_token").asText())) {
                status = 401;
            } else if (credential != null && !credential.equals(chosen)) {
                status = 409;
            } else {
                credential = chosen;
                status = 201;
            }
            if (status == 201 && loseNextEnrolmentAnswer) {
                loseNextEnrolmentAnswer = false;
                exchange.close(); // enrolled, but the agent never hears so
                return;
            }
            byte[] bytes = (status == 201 ? "{\"device_id\":\"pc-1\"}" : "{\"error\":\"refused\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.createContext("/api/v1/reports/batch", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (enrolmentToken != null && (credential == null || !("Bearer " + credential).equals(exchange.getRequestHeaders().getFirst("Authorization")))) {
                exchange.sendResponseHeaders(401, -1);
                exchange.close();
                return;
            }
            localSettingsHeaders.add(String.valueOf(exchange.getRequestHeaders().getFirst("Kilowatch-Local-Settings")));
            int status = 200;
            StringBuilder out = new StringBuilder("{\"results\":[");
            try {
                List<Report> reports = new ArrayList<>();
                ReportCodec.batchFromJson(body).forEach(item -> reports.add(item.report()));
                batchSizes.add(reports.size());
                List<Answer> answers = reports.stream().map(answer).toList();
                // like the collector's one transaction: a failing request stores none of its reports
                status = answers.stream().filter(a -> a.status() == null).mapToInt(Answer::httpStatus).findFirst().orElse(200);
                List<String> results = new ArrayList<>();
                for (int i = 0; i < reports.size() && status == 200; i++) {
                    Report r = reports.get(i);
                    Answer a = answers.get(i);
                    long last = a.lastSequence() < 0 ? r.sequence() : a.lastSequence();
                    if (a.status().equals("stored")) {
                        stored.add(r);
                    }
                    results.add("{\"sequence\":" + r.sequence() + ",\"status\":\"" + a.status() + "\",\"duplicate\":"
                            + !a.status().equals("stored") + ",\"last_sequence\":" + last + "}");
                }
                out.append(String.join(",", results)).append("]").append(settingsJson == null ? "" : ",\"settings\":" + settingsJson).append("}");
            } catch (Exception e) {
                status = 400;
                out = new StringBuilder("{\"error\":\"not a batch\"}");
            }
            byte[] bytes = (status == 200 ? out.toString() : "{\"error\":\"failing as told\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            if (status != 200 && retryAfter != null) {
                exchange.getResponseHeaders().add("Retry-After", retryAfter);
            }
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Requires credentials from now on, got by enrolling with {@code enrolmentToken}. */
    public void requireCredential(String enrolmentToken) {
        this.enrolmentToken = enrolmentToken;
    }

    /** Revokes the enrolled credential: reports with it are refused and the device may enrol again. */
    public void revokeCredential() {
        credential = null;
    }

    /** The next successful enrolment is recorded but its answer is lost on the way back. */
    public void loseNextEnrolmentAnswer() {
        loseNextEnrolmentAnswer = true;
    }

    public String enrolledCredential() {
        return credential;
    }

    /** Central settings to send with every answer from now on (a JSON object), or null for none. */
    public void settings(String json) {
        this.settingsJson = json;
    }

    /** Failing batch answers carry this Retry-After header from now on (null: none), as the collector's 503 and 429 do. */
    public void retryAfter(String value) {
        this.retryAfter = value;
    }

    /** How many batch requests reached it, answered or failed. */
    public int batchRequests() {
        return batchSizes.size();
    }

    public void answer(Function<Report, Answer> answer) {
        this.answer = answer;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
