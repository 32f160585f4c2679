package io.kilowatch.collector.snmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Net-SNMP agent ({@code snmpd}, Debian package snmpd) for tests: its own config and state
 * directory, on a free UDP port on 127.0.0.1, emulating a device with recorded values (override
 * directives from {@code src/test/resources/snmp/*.rec}). Users: v2c community {@value #COMMUNITY}; v3
 * {@value #USER_SHA} (SHA/AES) and {@value #USER_SHA256} (SHA-256/AES-256).
 */
public final class Snmpd implements AutoCloseable {
    public static final String COMMUNITY = "kw-test-community";
    public static final String USER_SHA = "kwsha";
    public static final String USER_SHA256 = "kwsha256";
    public static final String AUTH_PASS = "auth-pass-123";
    public static final String PRIV_PASS = "priv-pass-456";
    /** Without MIB files snmpd and the tools stay quiet and print numeric OIDs. */
    static final Map<String, String> QUIET = Map.of("MIBS", "", "MIBDIRS", "/nonexistent");

    public final int port;
    private Process process;
    private final Path dir;

    private Snmpd(int port, Process process, Path dir) {
        this.port = port;
        this.process = process;
        this.dir = dir;
    }

    /**
     * @param sysObjectId what the device says it is
     * @param recording a resource under snmp/ with its recorded values, or null
     */
    public static Snmpd start(String sysName, String sysObjectId, String recording) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("kilowatch-snmpd");
        List<String> conf = new ArrayList<>(List.of(
                "rocommunity " + COMMUNITY + " 127.0.0.1",
                "createUser " + USER_SHA + " SHA \"" + AUTH_PASS + "\" AES \"" + PRIV_PASS + "\"",
                "createUser " + USER_SHA256 + " SHA-256 \"" + AUTH_PASS + "\" AES-256 \"" + PRIV_PASS + "\"",
                "rouser " + USER_SHA + " authpriv",
                "rouser " + USER_SHA256 + " authpriv",
                "sysName " + sysName,
                "sysObjectID ." + sysObjectId));
        if (recording != null) {
            for (String line : resource(recording).lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList()) {
                conf.add("override ." + line);
            }
        }
        Path confFile = dir.resolve("snmpd.conf");
        Files.write(confFile, conf);
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            int port = freeUdpPort();
            Snmpd snmpd = new Snmpd(port, launch(dir, port), dir);
            if (snmpd.awaitAnswer()) {
                return snmpd;
            }
            snmpd.close();
            last = new IOException("snmpd did not answer on port " + port + ": " + Files.readString(dir.resolve("snmpd.log")));
        }
        throw last;
    }

    private static Process launch(Path dir, int port) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("snmpd", "-f", "-Lo", "-C", "-c", dir.resolve("snmpd.conf").toString(), "-p",
                dir.resolve("pid").toString(), "udp:127.0.0.1:" + port).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("snmpd.log").toFile()));
        pb.environment().putAll(QUIET);
        pb.environment().put("SNMP_PERSISTENT_DIR", dir.resolve("state").toString());
        return pb.start();
    }

    /** Stops the agent and starts it again on the same port: to its managers, a device that rebooted. */
    public void restart() throws IOException, InterruptedException {
        stopProcess();
        process = launch(dir, port);
        assertTrue(awaitAnswer(), "snmpd did not come back on port " + port);
    }

    private boolean awaitAnswer() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            if (run(List.of("snmpget", "-On", "-Oqv", "-t", "0.5", "-r", "0", "-v2c", "-c", COMMUNITY, address(), "1.3.6.1.2.1.1.3.0")).ok) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    public String address() {
        return "127.0.0.1:" + port;
    }

    /** The value snmpget prints for an OID (v2c), as text: {@code 412}, {@code "ups-1"}. */
    public String get(String oid) throws IOException, InterruptedException {
        Result r = run(List.of("snmpget", "-On", "-Oqv", "-Oe", "-Ot", "-v2c", "-c", COMMUNITY, address(), oid));
        assertTrue(r.ok, "snmpget " + oid + " failed: " + r.output);
        return r.output.trim();
    }

    record Result(boolean ok, String output) {
    }

    static Result run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(QUIET);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), String.join(" ", command) + " hung");
        return new Result(p.exitValue() == 0 && !out.contains("Timeout") && !out.contains("No Such"), out);
    }

    /** Sends a notification with snmptrap; {@code args} are its options, address and varbinds. */
    public static void trap(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("snmptrap"));
        command.addAll(args);
        Result r = run(command);
        assertEquals(true, r.ok, "snmptrap failed: " + r.output);
    }

    static String resource(String name) throws IOException {
        try (InputStream in = Snmpd.class.getResourceAsStream("/snmp/" + name)) {
            assertTrue(in != null, "missing test resource snmp/" + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** A UDP port nobody listens on now. */
    public static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void stopProcess() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws IOException {
        stopProcess();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
