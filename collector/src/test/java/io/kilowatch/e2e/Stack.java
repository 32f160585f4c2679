package io.kilowatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Runs the real collector and agent jars as processes on loopback for the integration tests. */
final class Stack {
    static final Path REPO = Path.of(System.getProperty("kilowatch.repo.root", "..")).toAbsolutePath().normalize();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Stack() {
    }

    static Path outputDir(String name) throws IOException {
        return Files.createDirectories(REPO.resolve("collector/target/" + name));
    }

    static Process collector(int port, Path dataDir, Path log, String... extra) throws IOException {
        List<String> command = new ArrayList<>(List.of(java(), "-jar", jar("kilowatch.collector.jar"),
                "--http-port", String.valueOf(port), "--data-dir", dataDir.toString()));
        command.addAll(List.of(extra));
        return start(command, log);
    }

    /** An agent that enrols with the token the collector made in {@code collectorDataDir}. */
    static Process agent(String collectorUrl, Path collectorDataDir, String deviceId, Path dataDir, Path log, String... extra) throws IOException {
        List<String> command = new ArrayList<>(List.of(java(), "-Xmx48m", "-XX:+UseSerialGC", "-jar", jar("kilowatch.agent.jar")));
        command.addAll(agentArguments(collectorUrl, collectorDataDir.resolve("enrolment-token"), deviceId, dataDir));
        command.addAll(List.of(extra));
        return start(command, log);
    }

    /** An agent like {@link #agent} whose report interval is left to the collector's central settings (else its 15 s default). */
    static Process managedAgent(String collectorUrl, Path collectorDataDir, String deviceId, Path dataDir, Path log, String... extra) throws IOException {
        List<String> command = new ArrayList<>(List.of(java(), "-Xmx48m", "-XX:+UseSerialGC", "-jar", jar("kilowatch.agent.jar")));
        command.addAll(managedAgentArguments(collectorUrl, collectorDataDir.resolve("enrolment-token"), deviceId, dataDir));
        command.addAll(List.of(extra));
        return start(command, log);
    }

    /** What every test agent is told: where to report, quickly, under which id, enrolling with which token. */
    static List<String> agentArguments(String collectorUrl, Path enrolmentTokenFile, String deviceId, Path dataDir) {
        List<String> arguments = new ArrayList<>(List.of("--interval", "1s"));
        arguments.addAll(managedAgentArguments(collectorUrl, enrolmentTokenFile, deviceId, dataDir));
        return arguments;
    }

    /** Arguments that leave the report interval to the collector's central settings. */
    static List<String> managedAgentArguments(String collectorUrl, Path enrolmentTokenFile, String deviceId, Path dataDir) {
        return List.of("--collector", collectorUrl, "--device-id", deviceId, "--data-dir", dataDir.toString(),
                "--set", "sample_interval=1s", "--set", "collector.enrolment_token_file=" + enrolmentTokenFile);
    }

    static Process start(List<String> command, Path log) throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
        }
    }

    static void stopAll(List<Process> processes) throws InterruptedException {
        for (Process p : processes) {
            stop(p);
        }
    }

    static void run(List<String> command, Duration timeout) throws Exception {
        Process p = new ProcessBuilder(command).inheritIO().start();
        assertTrue(p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS), String.join(" ", command) + " timed out");
        assertEquals(0, p.exitValue(), String.join(" ", command) + " failed");
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static String jar(String property) {
        Path jar = Path.of(System.getProperty(property, "")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "missing " + jar + "; run through mvn verify, which builds it");
        return jar.toString();
    }

    static int status(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static String body(String url) {
        return body(url, null);
    }

    /** The body of a GET, with an API token when given. */
    static String body(String url, String bearerToken) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
            if (bearerToken != null) {
                request.header("Authorization", "Bearer " + bearerToken);
            }
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** A device as {@code GET /api/v1/devices/{id}} shows it (read anonymously), or an empty object before its first report. */
    static io.vertx.core.json.JsonObject device(String base, String id) {
        String body = body(base + "/api/v1/devices/" + id);
        return body.startsWith("{") && body.contains("\"device_id\"") ? new io.vertx.core.json.JsonObject(body) : new io.vertx.core.json.JsonObject();
    }

    static void waitUntil(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Runs {@code promtool check metrics} over a scrape and fails with its findings. */
    static void assertPromtoolAccepts(String metrics) throws Exception {
        Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        promtool.getOutputStream().write(metrics.getBytes(StandardCharsets.UTF_8));
        promtool.getOutputStream().close();
        String lint = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(promtool.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, promtool.exitValue(), "promtool check metrics:\n" + lint);
    }

    /** Headless Chromium through the system's chromedriver, with a throwaway profile. */
    static org.openqa.selenium.WebDriver chromium() throws IOException {
        org.openqa.selenium.chrome.ChromeOptions options = new org.openqa.selenium.chrome.ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--user-data-dir=" + Files.createTempDirectory("kilowatch-chromium"), "--window-size=1280,1000");
        org.openqa.selenium.chrome.ChromeDriverService service = new org.openqa.selenium.chrome.ChromeDriverService.Builder()
                .usingDriverExecutable(new java.io.File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        return new org.openqa.selenium.chrome.ChromeDriver(service, options);
    }
}
