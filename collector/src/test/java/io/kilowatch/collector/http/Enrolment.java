package io.kilowatch.collector.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kilowatch.core.credential.Credentials;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Enrols test devices with a running collector the way agents do, and remembers their credentials. */
final class Enrolment {
    private final WebClient client;
    private int port;
    private final Path dataDir;
    private final Map<String, String> credentials = new HashMap<>();

    Enrolment(WebClient client, int port, Path dataDir) {
        this.client = client;
        this.port = port;
        this.dataDir = dataDir;
    }

    /** Follows the collector to a new port after a restart, keeping the credentials it has. */
    Enrolment atPort(int newPort) {
        port = newPort;
        return this;
    }

    /** The estate's token, from the file the collector made in its data dir on first start. */
    String enrolmentToken() {
        try {
            return Files.readString(dataDir.resolve("enrolment-token")).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    HttpResponse<Buffer> enrol(String deviceId, String token) {
        return enrol(deviceId, token, Credentials.newSecret());
    }

    HttpResponse<Buffer> enrol(String deviceId, String token, String credential) {
        return enrolWith(new JsonObject().put("device_id", deviceId).put("enrolment_token", token).put("credential", credential));
    }

    HttpResponse<Buffer> enrolWith(JsonObject body) {
        return client.post(port, "127.0.0.1", "/api/v1/enrol").putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer(body.encode())).await();
    }

    /** "Bearer <credential>" for a device, enrolling it on first use. */
    String bearer(String deviceId) {
        return "Bearer " + credentials.computeIfAbsent(deviceId, id -> {
            String credential = Credentials.newSecret();
            HttpResponse<Buffer> response = enrol(id, enrolmentToken(), credential);
            assertEquals(201, response.statusCode(), response.bodyAsString());
            return credential;
        });
    }
}
