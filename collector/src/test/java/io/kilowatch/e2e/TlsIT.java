package io.kilowatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The collector serving HTTPS from PEM files and requiring agents' client certificates (mutual TLS),
 * and the real agent reporting to it with its own certificate, its CA and an enrolment token.
 * Certificates are made for the test with openssl: a CA, a server certificate for 127.0.0.1, and a
 * client certificate for the agent.
 */
class TlsIT {
    @Test
    void anAgentWithItsCertificateReportsOverMutualTlsAndOthersAreRefused() throws Exception {
        Path out = Stack.outputDir("tls");
        Path pki = Files.createTempDirectory("kilowatch-pki");
        makePki(pki);
        Path work = Files.createTempDirectory("kilowatch-tls");
        int port = Stack.freePort();
        String base = "https://127.0.0.1:" + port;
        Process collector = Stack.collector(port, work.resolve("collector"), out.resolve("collector.log"),
                "--set", "http.tls.cert_file=" + pki.resolve("server.crt"), "--set", "http.tls.key_file=" + pki.resolve("server.key"),
                "--set", "http.tls.client_ca_file=" + pki.resolve("ca.crt"), "--set", "security.agents.require_client_certificate=true",
                "--set", "security.read.anonymous=true");
        Vertx vertx = Vertx.vertx();
        WebClient https = WebClient.create(vertx, new WebClientOptions().setSsl(true).setVerifyHost(true)
                .setTrustOptions(new PemTrustOptions().addCertPath(pki.resolve("ca.crt").toString())));
        Process agent = null;
        try {
            Stack.waitUntil("collector healthy over HTTPS", Duration.ofSeconds(60), () -> status(https, port, "/health") == 200);
            agent = Stack.agent(base, work.resolve("collector"), "tls-agent", work.resolve("agent"), out.resolve("agent.log"),
                    "--set", "collector.tls.ca_file=" + pki.resolve("ca.crt"),
                    "--set", "collector.tls.cert_file=" + pki.resolve("client.crt"),
                    "--set", "collector.tls.key_file=" + pki.resolve("client.key"));
            Stack.waitUntil("the agent's device over HTTPS", Duration.ofSeconds(60),
                    () -> body(https, port, "/api/v1/devices").contains("\"tls-agent\""));

            HttpResponse<Buffer> noClientCert = https.post(port, "127.0.0.1", "/api/v1/reports/batch")
                    .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer("{\"reports\":[{}]}")).await();
            assertEquals(401, noClientCert.statusCode());
            assertTrue(noClientCert.bodyAsString().contains("client certificate"), noClientCert.bodyAsString());
            assertEquals(-1, Stack.status("http://127.0.0.1:" + port + "/health"), "no plain HTTP on the TLS port");
        } finally {
            if (agent != null) {
                Stack.stop(agent);
            }
            Stack.stop(collector);
            vertx.close().await();
        }
    }

    private static int status(WebClient client, int port, String path) {
        try {
            return client.get(port, "127.0.0.1", path).send().await().statusCode();
        } catch (Exception e) { // await() rethrows the connection's own exception, checked or not
            return -1;
        }
    }

    private static String body(WebClient client, int port, String path) {
        try {
            return client.get(port, "127.0.0.1", path).send().await().bodyAsString();
        } catch (Exception e) {
            return "";
        }
    }

    private static void makePki(Path dir) throws Exception {
        Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
        Files.writeString(dir.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
        for (List<String> step : List.of(
                List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2",
                        "-subj", "/CN=Kilowatch test CA"),
                List.of("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"),
                List.of("openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                        "-out", "server.crt", "-days", "2", "-extfile", "server.ext"),
                List.of("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "client.key",
                        "-out", "client.csr", "-subj", "/CN=tls-agent"),
                List.of("openssl", "x509", "-req", "-in", "client.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                        "-out", "client.crt", "-days", "2", "-extfile", "client.ext"))) {
            Process p = new ProcessBuilder(step).directory(dir.toFile()).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor(), String.join(" ", step) + ":\n" + output);
        }
    }
}
