package io.kilowatch.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.agent.ship.RecordingCollector;
import io.kilowatch.agent.snmp.SnmpSubAgent;
import io.kilowatch.core.config.CommandLine;
import io.kilowatch.core.config.ConfigException;
import io.kilowatch.core.testing.ManualClock;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SNMP sub-agent costs nothing when off, and a bad snmp.* setting stops the agent with a clear message. */
class AgentSnmpConfigTest {
    private static final String PASSWORD = "s3cret-pass-phrase";
    private static final Map<String, String> ENV = Map.of(
            "KILOWATCH_AGENT_SNMP_USERS_NOC_AUTH_PASSWORD", PASSWORD,
            "KILOWATCH_AGENT_SNMP_USERS_NOC_PRIV_PASSWORD", PASSWORD);

    private static Agent agent(RecordingCollector collector, Path dir, Map<String, String> env, String... extra) {
        List<String> args = new ArrayList<>(List.of("--collector", collector.uri().toString(), "--device-id", "snmp-config-pc",
                "--data-dir", dir.toString(), "--set", "power.rapl.sysfs_root=" + dir.resolve("none")));
        args.addAll(List.of(extra));
        return AgentMain.build(CommandLine.parse(args.toArray(String[]::new), AgentMain.FLAGS), env, new ManualClock(Instant.now()));
    }

    private static String failure(Path dir, Map<String, String> env, String... extra) throws Exception {
        try (RecordingCollector collector = new RecordingCollector()) {
            ConfigException e = assertThrows(ConfigException.class, () -> agent(collector, dir, env, extra).close());
            assertFalse(e.getMessage().contains(PASSWORD), "a secret must never appear in a message: " + e.getMessage());
            return e.getMessage();
        }
    }

    private static boolean snmpThreadRunning() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("DefaultUDPTransportMapping"));
    }

    @Test
    void offByDefaultOpensNoSocketAndStartsNoThread(@TempDir Path dir) throws Exception {
        try (RecordingCollector collector = new RecordingCollector();
             Agent agent = agent(collector, dir, ENV)) {
            assertTrue(agent.publishers().isEmpty());
            assertFalse(snmpThreadRunning());
            try (var files = Files.list(dir)) {
                assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith("snmp-")), "no engine boots file either");
            }
        }
        try (RecordingCollector collector = new RecordingCollector();
             Agent agent = agent(collector, dir, ENV, "--set", "snmp.enabled=true", "--set", "snmp.port=0",
                     "--set", "snmp.users.noc.auth_protocol=sha-512")) {
            assertTrue(agent.publishers().get(0) instanceof SnmpSubAgent);
            assertTrue(snmpThreadRunning(), "the check above can see the sub-agent's thread when there is one");
            assertEquals("1", Files.readString(dir.resolve("snmp-engine-boots-snmp-config-pc")));
        }
        try (RecordingCollector collector = new RecordingCollector();
             Agent agent = agent(collector, dir, ENV, "--set", "snmp.enabled=true", "--set", "snmp.port=0",
                     "--set", "snmp.users.noc.auth_protocol=sha-512")) {
            assertEquals("2", Files.readString(dir.resolve("snmp-engine-boots-snmp-config-pc")), "snmpEngineBoots grows across restarts");
        }
        assertFalse(snmpThreadRunning(), "closing the agent closes the port");
    }

    /** Builds an agent with the defaults, makes a report and closes it: run in a child JVM by the test below. */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        try (RecordingCollector collector = new RecordingCollector(); Agent agent = agent(collector, dir, Map.of())) {
            agent.sample();
            agent.report();
            agent.awaitShipping();
        }
    }

    @Test
    void offByDefaultNeverLoadsAnSnmpClass(@TempDir Path dir) throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-verbose:class",
                "-cp", System.getProperty("java.class.path"), AgentSnmpConfigTest.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        List<String> loaded = new String(child.getInputStream().readAllBytes()).lines().filter(l -> l.contains("class,load")).toList();
        assertEquals(0, child.waitFor());
        assertTrue(loaded.stream().anyMatch(l -> l.contains("io.kilowatch.agent.Agent ")), "the child ran the agent");
        assertEquals(List.of(), loaded.stream().filter(l -> l.contains("org.snmp4j") || l.contains("SnmpSubAgent")).toList());
    }

    @Test
    void badSettingsFailAtStartNamingTheKey(@TempDir Path dir) throws Exception {
        String on = "snmp.enabled=true";
        assertTrue(failure(dir, Map.of(), "--set", on).contains("no snmp.users"));
        assertTrue(failure(dir, Map.of(), "--set", on, "--set", "snmp.users.noc.auth_protocol=sha-256")
                .contains("KILOWATCH_AGENT_SNMP_USERS_NOC_AUTH_PASSWORD"));
        assertTrue(failure(dir, Map.of("KILOWATCH_AGENT_SNMP_USERS_NOC_AUTH_PASSWORD", "short", "KILOWATCH_AGENT_SNMP_USERS_NOC_PRIV_PASSWORD", PASSWORD),
                "--set", on, "--set", "snmp.users.noc.auth_protocol=sha-256").contains("at least 8"));
        assertTrue(failure(dir, ENV, "--set", on, "--set", "snmp.users.noc.auth_protocol=md5").contains("snmp.users.noc.auth_protocol"));
        assertTrue(failure(dir, ENV, "--set", on, "--set", "snmp.users.noc.priv_protocol=des").contains("snmp.users.noc.priv_protocol"));
        assertTrue(failure(dir, ENV, "--set", on, "--set", "snmp.users.noc.auth_password=" + PASSWORD.replace("s3", "x3"))
                .contains("environment"), "a secret on the command line is refused");
        assertTrue(failure(dir, Map.of("KILOWATCH_AGENT_SNMP_USERS_NOC_PRIV_PASSWORD", PASSWORD), "--set", on,
                "--set", "snmp.users.noc.auth_password_file=" + dir.resolve("missing"))
                .contains("snmp.users.noc.auth_password_file"));
        assertTrue(failure(dir, ENV, "--set", on, "--set", "snmp.users.no-c.auth_protocol=sha").contains("snmp.users.no-c"));
        assertTrue(failure(dir, ENV, "--set", "snmp.engine_id=zz").contains("snmp.engine_id"));
        assertTrue(failure(dir, ENV, "--set", "snmp.port=70000").contains("snmp.port"));
        assertTrue(failure(dir, ENV, "--set", "snmp.address=no-such-host.invalid").contains("snmp.address"));
        assertTrue(failure(dir, ENV, "--set", "snmp.communities.nms.community_file=").contains("KILOWATCH_AGENT_SNMP_COMMUNITIES_NMS_COMMUNITY"));
        assertTrue(failure(dir, ENV, "--set", "snmp.userz.noc.auth_protocol=sha").contains("snmp.userz.noc.auth_protocol"));
        try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            String inUse = failure(dir, ENV, "--set", on, "--set", "snmp.port=" + taken.getLocalPort(),
                    "--set", "snmp.users.noc.auth_protocol=sha-256");
            assertTrue(inUse.contains("cannot listen on UDP 127.0.0.1 port " + taken.getLocalPort()), inUse);
        }
        assertFalse(snmpThreadRunning(), "a failed start leaves nothing running");
    }
}
