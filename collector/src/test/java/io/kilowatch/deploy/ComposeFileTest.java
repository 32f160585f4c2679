package io.kilowatch.deploy;

import static io.kilowatch.monitoring.MonitoringFiles.REPO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.monitoring.MonitoringFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * deploy/compose.yaml read as compose reads it (YAML with its merge keys) and checked for what `docker compose
 * config` would refuse or a first `up` would trip on: services, volumes and secrets that are named but not
 * defined, mounts of files not in the repository, host ports published twice or beyond loopback; then that
 * the two collectors share PostgreSQL and one enrolment token, that HAProxy's config is valid (`haproxy -c`)
 * and sends to both, and that everything else reaches the collectors through it.
 */
class ComposeFileTest {
    private static final Path COMPOSE = REPO.resolve("deploy/compose.yaml");
    private static final Path HAPROXY = REPO.resolve("deploy/haproxy/haproxy.cfg");
    private static final Pattern RUN_SECRET = Pattern.compile("/run/secrets/([A-Za-z0-9._-]+)");
    private static final Pattern HAPROXY_SERVER = Pattern.compile("(?m)^\\s*server\\s+\\S+\\s+([A-Za-z0-9._-]+):(\\d+)");

    @Test
    void everyNameTheServicesUseIsDefined() {
        Map<String, Object> compose = MonitoringFiles.yaml(COMPOSE);
        Map<String, Map<String, Object>> services = services(compose);
        assertEquals(Set.of("postgresql", "kilowatch-collector-1", "kilowatch-collector-2", "kilowatch-collector", "kilowatch-agent",
                "prometheus", "alertmanager", "influxdb", "grafana"), services.keySet());
        Set<String> volumes = map(compose, "volumes").keySet();
        Map<String, Object> secrets = map(compose, "secrets");
        Set<String> volumesUsed = new HashSet<>();
        Set<String> secretsUsed = new HashSet<>();
        Set<String> hostPorts = new HashSet<>();
        for (Map.Entry<String, Map<String, Object>> entry : services.entrySet()) {
            String name = entry.getKey();
            Map<String, Object> service = entry.getValue();
            assertTrue(service.containsKey("image"), name + ": image");
            for (Object volume : list(service, "volumes")) {
                String source = String.valueOf(volume).split(":")[0];
                if (source.startsWith(".")) {
                    // Build output (target/) exists only after `mvn package`; everything else must be in the repository.
                    assertTrue(source.contains("/target/") || Files.exists(COMPOSE.getParent().resolve(source).normalize()), name + ": mounts missing " + source);
                } else if (!source.startsWith("/")) {
                    assertTrue(volumes.contains(source), name + ": volume " + source + " not defined");
                    volumesUsed.add(source);
                }
            }
            Set<String> own = new HashSet<>(strings(list(service, "secrets")));
            assertTrue(secrets.keySet().containsAll(own), name + ": secrets " + own + " not all defined");
            secretsUsed.addAll(own);
            Matcher paths = RUN_SECRET.matcher(String.valueOf(service.get("command")) + service.get("environment"));
            while (paths.find()) {
                assertTrue(own.contains(paths.group(1)), name + " reads /run/secrets/" + paths.group(1) + " but is not given that secret");
            }
            for (String dependency : dependencies(service)) {
                assertTrue(services.containsKey(dependency), name + " depends on unknown " + dependency);
                Object condition = service.get("depends_on") instanceof Map<?, ?> m ? ((Map<?, ?>) m.get(dependency)).get("condition") : null;
                if ("service_healthy".equals(condition)) {
                    assertTrue(services.get(dependency).containsKey("healthcheck"), name + " waits for " + dependency + " to be healthy, which has no healthcheck");
                }
            }
            for (String port : strings(list(service, "ports"))) {
                assertTrue(port.startsWith("127.0.0.1:"), name + " publishes " + port + " beyond this host");
                assertTrue(hostPorts.add(port.split(":")[1]), "host port " + port + " published twice");
            }
        }
        assertEquals(volumes, volumesUsed, "named volumes defined and used");
        assertEquals(secrets.keySet(), secretsUsed, "secrets defined and used");
        for (Object secret : secrets.values()) {
            // Secrets are files the operator makes in deploy/secrets/ (docs/monitoring-stack.md), never values here.
            assertEquals(Set.of("file"), ((Map<?, ?>) secret).keySet());
            assertTrue(String.valueOf(((Map<?, ?>) secret).get("file")).startsWith("./secrets/"));
        }
    }

    @Test
    void twoCollectorsShareOnePostgresqlBehindTheLoadBalancer() throws Exception {
        Map<String, Map<String, Object>> services = services(MonitoringFiles.yaml(COMPOSE));
        List<String> first = strings(list(services.get("kilowatch-collector-1"), "command"));
        assertEquals(first, strings(list(services.get("kilowatch-collector-2"), "command")), "both collectors run alike");
        assertTrue(first.contains("store.type=postgresql"));
        assertTrue(first.contains("store.postgresql.url=jdbc:postgresql://postgresql:5432/kilowatch"), "the postgresql service, on its port");
        assertTrue(first.contains("store.postgresql.password_file=/run/secrets/postgresql-password"));
        assertTrue(first.contains("security.agents.enrolment_token_file=/run/secrets/enrolment-token"), "one enrolment token for both");
        Map<?, ?> postgresql = (Map<?, ?>) services.get("postgresql").get("environment");
        assertEquals("/run/secrets/postgresql-password", postgresql.get("POSTGRES_PASSWORD_FILE"), "the database's password is the collectors'");
        assertTrue(first.contains("store.postgresql.user=" + postgresql.get("POSTGRES_USER")));
        assertNotEquals(volumes(services.get("kilowatch-collector-1")), volumes(services.get("kilowatch-collector-2")), "each collector its own data volume");

        // HAProxy's config is valid, and it sends to exactly the two collectors, on the port they listen on.
        haproxyCheck(HAPROXY);
        Set<String> backends = new HashSet<>();
        Matcher server = HAPROXY_SERVER.matcher(Files.readString(HAPROXY));
        while (server.find()) {
            assertEquals("8080", server.group(2), "the collectors' http.port");
            backends.add(server.group(1));
        }
        assertEquals(Set.of("kilowatch-collector-1", "kilowatch-collector-2"), backends);
        Map<String, Object> balancer = services.get("kilowatch-collector");
        assertTrue(String.valueOf(balancer.get("image")).startsWith("haproxy:"));
        assertTrue(volumes(balancer).contains("./haproxy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro"));
        assertTrue(Files.readString(HAPROXY).contains("bind :8080"));

        // The agent and Prometheus reach the collectors through the balancer only.
        List<String> agent = strings(list(services.get("kilowatch-agent"), "command"));
        assertEquals("http://kilowatch-collector:8080", agent.get(agent.indexOf("--collector") + 1));
        assertTrue(agent.contains("collector.enrolment_token_file=/run/secrets/enrolment-token"));
        assertTrue(Files.readString(REPO.resolve("deploy/prometheus/prometheus.yml")).contains("targets: [\"kilowatch-collector:8080\"]"));
    }

    @Test
    void haproxyCheckRefusesABrokenConfig() throws Exception {
        Path broken = Files.createTempFile("haproxy", ".cfg");
        try {
            Files.writeString(broken, Files.readString(HAPROXY).replace("balance roundrobin", "balanse roundrobin"));
            assertThrows(AssertionError.class, () -> haproxyCheck(broken));
        } finally {
            Files.delete(broken);
        }
    }

    private static void haproxyCheck(Path config) throws Exception {
        Process haproxy = new ProcessBuilder("haproxy", "-c", "-f", config.toString()).redirectErrorStream(true).start();
        String output = new String(haproxy.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(haproxy.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, haproxy.exitValue(), "haproxy -c " + config + ":\n" + output);
        assertTrue(output.contains("Configuration file is valid"), output);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services(Map<String, Object> compose) {
        return (Map<String, Map<String, Object>>) compose.get("services");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        Map<String, Object> value = (Map<String, Object>) parent.get(key);
        assertFalse(value == null || value.isEmpty(), key);
        return value;
    }

    private static List<?> list(Map<String, Object> service, String key) {
        return (List<?>) service.getOrDefault(key, List.of());
    }

    private static List<String> strings(Collection<?> values) {
        List<String> strings = new ArrayList<>();
        values.forEach(v -> strings.add(String.valueOf(v)));
        return strings;
    }

    private static List<String> volumes(Map<String, Object> service) {
        return strings(list(service, "volumes"));
    }

    private static Set<String> dependencies(Map<String, Object> service) {
        Object dependsOn = service.get("depends_on");
        if (dependsOn instanceof Map<?, ?> map) {
            return new HashSet<>(strings(map.keySet()));
        }
        return new HashSet<>(strings(dependsOn == null ? List.of() : (List<?>) dependsOn));
    }
}
