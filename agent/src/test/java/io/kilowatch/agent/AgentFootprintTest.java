package io.kilowatch.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.kilowatch.core.config.CommandLine;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the agent's memory footprint rests on (docs/agent-install.md, footprint): an agent reporting to an
 * {@code http://} collector without a config file loads no Jackson, no {@code java.net.http} client, no TLS,
 * no SnakeYAML and no Logback pattern layout. Checked with {@code -verbose:class} in a child JVM.
 */
class AgentFootprintTest {
    private static final List<String> NOT_LOADED = List.of("com.fasterxml.jackson.", "java.net.http.", "jdk.internal.net.http.",
            "sun.security.ssl.", "javax.net.ssl.SSLContext ", "org.yaml.snakeyaml.", "ch.qos.logback.core.pattern.parser.");
    private static final List<String> NOT_LOADED_ON_LINUX = List.of(" oshi.", " com.sun.jna.");

    /** Starts an agent against a collector stand-in (no Jackson either), makes and ships a report, and stops it. */
    public static void main(String[] args) throws Exception {
        AtomicInteger batches = new AtomicInteger();
        HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/api/v1/reports/batch", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (body.startsWith("{\"reports\":[{\"schema_version\":1,")) {
                batches.incrementAndGet();
            }
            // stored, for every report in the batch, as the collector answers
            String results = java.util.regex.Pattern.compile("\"sequence\":(\\d+)").matcher(body).results()
                    .map(m -> "{\"sequence\":" + m.group(1) + ",\"status\":\"stored\",\"duplicate\":false,\"last_sequence\":" + m.group(1) + "}")
                    .collect(java.util.stream.Collectors.joining(","));
            byte[] answer = ("{\"results\":[" + results + "]}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        collector.start();
        Path dir = Path.of(args[0]);
        String[] cli = {"--collector", "http://127.0.0.1:" + collector.getAddress().getPort(), "--device-id", "footprint-pc",
                "--data-dir", dir.toString(), "--set", "power.rapl.sysfs_root=" + dir.resolve("none")};
        try (Agent agent = AgentMain.build(CommandLine.parse(cli, AgentMain.FLAGS), Map.of(), Clock.systemUTC())) {
            agent.sample();
            agent.report();
            agent.awaitShipping();
        } finally {
            collector.stop(0);
        }
        System.out.println("batches received: " + batches.get());
    }

    @Test
    void anAgentReportingOverHttpLoadsNoneOfTheHeavyLibraries(@TempDir Path dir) throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-verbose:class",
                "-cp", System.getProperty("java.class.path"), AgentFootprintTest.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        List<String> output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertEquals(0, child.waitFor(), () -> output.stream().filter(l -> !l.contains("class,load")).toList().toString());
        assertTrue(output.stream().anyMatch(l -> l.matches("batches received: [1-9]\\d*")), "the child shipped its reports");
        List<String> loaded = output.stream().filter(l -> l.contains("class,load")).toList();
        assertTrue(loaded.stream().anyMatch(l -> l.contains("io.kilowatch.agent.ship.ReportShipper ")), "the check sees the agent's classes");
        assertEquals(List.of(), loaded.stream().filter(l -> NOT_LOADED.stream().anyMatch(l::contains)).toList());
        if (System.getProperty("os.name").startsWith("Linux")) {
            assertEquals(List.of(), loaded.stream().filter(l -> NOT_LOADED_ON_LINUX.stream().anyMatch(l::contains)).toList());
        }
    }
}
