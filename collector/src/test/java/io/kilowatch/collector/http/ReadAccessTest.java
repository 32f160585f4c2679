package io.kilowatch.collector.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.collector.security.Users;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Reading needs a login or an API token; changing needs the admin role; cookies need the CSRF header. */
@ExtendWith(VertxExtension.class)
class ReadAccessTest {
    private static String viewerHash;
    private static String adminHash;
    private static String[] viewerToken;

    @TempDir
    Path dataDir;
    private WebClient client;
    private int port;

    @BeforeAll
    static void hashes() {
        viewerHash = Users.hashPassword("viewer-pass".toCharArray());
        adminHash = Users.hashPassword("admin-pass".toCharArray());
        viewerToken = Users.newApiToken();
    }

    @BeforeEach
    void start(Vertx vertx) {
        client = WebClient.create(vertx);
        port = TestCollector.deploy(vertx, dataDir,
                "security.users.vera.role", "viewer", "security.users.vera.password_hash", viewerHash,
                "security.users.ada.role", "admin", "security.users.ada.password_hash", adminHash,
                "security.api_tokens.prometheus.sha256", viewerToken[1]).port();
    }

    private HttpResponse<Buffer> login(String user, String password) {
        return client.post(port, "127.0.0.1", "/api/v1/session").putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer(new JsonObject().put("username", user).put("password", password).encode())).await();
    }

    private static String sessionCookie(HttpResponse<Buffer> login) {
        String setCookie = login.cookies().stream().filter(c -> c.startsWith(AccessControl.COOKIE + "=")).findFirst().orElseThrow();
        assertTrue(setCookie.toLowerCase().contains("httponly") && setCookie.contains("SameSite=Strict"), setCookie);
        return setCookie.split(";", 2)[0];
    }

    private HttpResponse<Buffer> send(HttpRequest<Buffer> request) {
        return request.send().await();
    }

    @Test
    void withoutALoginOrTokenNothingIsReadable() {
        for (String path : List.of("/api/v1/devices", "/api/v1/estate", "/api/v1/estate/series?range=1h", "/api/v1/events", "/metrics",
                "/api/v1/session")) {
            assertEquals(401, send(client.get(port, "127.0.0.1", path)).statusCode(), path);
        }
        assertEquals(200, send(client.get(port, "127.0.0.1", "/health")).statusCode(), "health stays open for load balancers");
        assertEquals(200, send(client.get(port, "127.0.0.1", "/")).statusCode(), "the page itself loads, to show the login form");
    }

    @Test
    void aViewerLogsInAndReadsButCannotChangeAnything() {
        assertEquals(401, login("vera", "wrong").statusCode());
        assertEquals(401, login("nobody", "viewer-pass").statusCode());
        HttpResponse<Buffer> ok = login("vera", "viewer-pass");
        assertEquals(200, ok.statusCode());
        String cookie = sessionCookie(ok);
        assertEquals(200, send(client.get(port, "127.0.0.1", "/api/v1/devices").putHeader("Cookie", cookie)).statusCode());
        assertEquals("viewer", send(client.get(port, "127.0.0.1", "/api/v1/session").putHeader("Cookie", cookie)).bodyAsJsonObject().getString("role"));
        HttpResponse<Buffer> revoke = send(client.delete(port, "127.0.0.1", "/api/v1/agents/pc-1/credential")
                .putHeader("Cookie", cookie).putHeader("X-Requested-With", "kilowatch"));
        assertEquals(403, revoke.statusCode());

        assertEquals(204, send(client.delete(port, "127.0.0.1", "/api/v1/session").putHeader("Cookie", cookie)
                .putHeader("X-Requested-With", "kilowatch")).statusCode());
        assertEquals(401, send(client.get(port, "127.0.0.1", "/api/v1/devices").putHeader("Cookie", cookie)).statusCode(), "logged out");
    }

    @Test
    void anAdminMayRevokeButOnlyWithTheCsrfHeader() {
        Enrolment agents = new Enrolment(client, port, dataDir);
        assertNotNull(agents.bearer("pc-1"));
        String cookie = sessionCookie(login("ada", "admin-pass"));
        HttpResponse<Buffer> noHeader = send(client.delete(port, "127.0.0.1", "/api/v1/agents/pc-1/credential").putHeader("Cookie", cookie));
        assertEquals(403, noHeader.statusCode(), "a cross-site form could have sent this");
        assertEquals(204, send(client.delete(port, "127.0.0.1", "/api/v1/agents/pc-1/credential").putHeader("Cookie", cookie)
                .putHeader("X-Requested-With", "kilowatch")).statusCode());
        assertEquals(404, send(client.delete(port, "127.0.0.1", "/api/v1/agents/pc-1/credential").putHeader("Cookie", cookie)
                .putHeader("X-Requested-With", "kilowatch")).statusCode());
        assertEquals(201, agents.enrol("pc-1", agents.enrolmentToken()).statusCode(), "a revoked device may enrol again");
    }

    @Test
    void anApiTokenReadsMetricsAndTheApi() {
        String bearer = "Bearer " + viewerToken[0];
        HttpResponse<Buffer> metrics = send(client.get(port, "127.0.0.1", "/metrics").putHeader("Authorization", bearer));
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.bodyAsString().contains("kilowatch_estate_power_watts"));
        assertEquals(200, send(client.get(port, "127.0.0.1", "/api/v1/estate").putHeader("Authorization", bearer)).statusCode());
        assertEquals(401, send(client.get(port, "127.0.0.1", "/metrics").putHeader("Authorization", "Bearer guess")).statusCode());
        assertEquals(403, send(client.delete(port, "127.0.0.1", "/api/v1/agents/pc-1/credential").putHeader("Authorization", bearer)).statusCode());
    }
}
