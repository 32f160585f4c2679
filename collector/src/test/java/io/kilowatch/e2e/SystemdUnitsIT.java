package io.kilowatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/systemd's units checked by systemd's own parser against the layout the build produces: a root made here
 * with the collector's jar in /opt/kilowatch, the self-contained agent in /opt/kilowatch-agent, a Java at
 * /usr/bin/java, systemd's own units and the config in /etc/kilowatch, then `systemd-analyze verify --root` on
 * each unit, where a misspelt directive, a bad value or a missing ExecStart program fails. CI runs no systemd, so
 * the collector's ExecStart is then run as systemd would (its credential copied, its environment set) until
 * /health answers, and the agent's RAPL rule is applied to a powercap tree with systemd-tmpfiles.
 */
class SystemdUnitsIT {
    private static final Path UNITS = Stack.REPO.resolve("deploy/systemd");
    private static final Path AGENT_HOME = Path.of(System.getProperty("kilowatch.agent.home", "")).toAbsolutePath();
    private static final String COLLECTOR_UNIT = "kilowatch-collector.service";
    private static final String AGENT_UNIT = "kilowatch-agent.service";
    @TempDir
    static Path root;

    @BeforeAll
    static void layOutARoot() throws IOException {
        assertTrue(Files.isExecutable(AGENT_HOME.resolve("bin/kilowatch-agent")), "missing " + AGENT_HOME + "; run through mvn verify, which builds it");
        copyTree(Path.of("/usr/lib/systemd/system"), root.resolve("usr/lib/systemd/system"));
        copy(Path.of(Stack.jar("kilowatch.collector.jar")), root.resolve("opt/kilowatch/kilowatch-collector.jar"));
        copyTree(AGENT_HOME, root.resolve("opt/kilowatch-agent"));
        // Debian's openjdk-17-jre-headless puts java here; systemd checks only that it is there and executable.
        copy(Path.of(Stack.java()), root.resolve("usr/bin/java"));
        copy(Path.of("/usr/bin/systemd-tmpfiles"), root.resolve("usr/bin/systemd-tmpfiles"));
        copy(Path.of("/bin/kill"), root.resolve("bin/kill"));
        copy(Stack.REPO.resolve("collector/kilowatch-collector.yaml"), root.resolve("etc/kilowatch/kilowatch-collector.yaml"));
        Files.createDirectories(root.resolve("etc/kilowatch/credentials"));
        Files.writeString(root.resolve("etc/kilowatch/credentials/postgresql-password"), "a-password\n");
        for (String unit : List.of(COLLECTOR_UNIT, AGENT_UNIT)) {
            copy(UNITS.resolve(unit), root.resolve("etc/systemd/system/" + unit));
        }
        copy(UNITS.resolve("kilowatch-agent.tmpfiles"), root.resolve("usr/lib/tmpfiles.d/kilowatch-agent.conf"));
    }

    @Test
    void bothUnitsPassSystemdAnalyzeVerify() throws Exception {
        for (String unit : List.of(COLLECTOR_UNIT, AGENT_UNIT)) {
            assertEquals("", verify(unit), unit);
        }
    }

    @Test
    void verifyRefusesAMisspeltDirectiveABadValueAndAMissingProgram() throws Exception {
        String unit = Files.readString(UNITS.resolve(COLLECTOR_UNIT));
        List<String> broken = List.of(
                unit.replace("ProtectSystem=strict", "ProtectSytem=strict"),
                unit.replace("Restart=on-failure", "Restart=sometimes"),
                unit.replace("ExecStart=/usr/bin/java", "ExecStart=/usr/bin/javaa"));
        for (int i = 0; i < broken.size(); i++) {
            assertFalse(broken.get(i).equals(unit), "breakage " + i + " changed nothing");
            String name = "kilowatch-broken-" + i + ".service";
            Files.writeString(root.resolve("etc/systemd/system/" + name), broken.get(i));
            assertFalse(verify(name).isEmpty(), "breakage " + i + " passed verify");
        }
    }

    @Test
    void theUnitsAreHardened() throws IOException {
        for (String unit : List.of(COLLECTOR_UNIT, AGENT_UNIT)) {
            List<String> lines = Files.readAllLines(UNITS.resolve(unit));
            for (String directive : List.of("NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes",
                    "CapabilityBoundingSet=", "Restart=on-failure", "StateDirectory=" + unit.replace(".service", ""))) {
                assertTrue(lines.contains(directive), unit + " lacks " + directive);
            }
        }
        List<String> collector = Files.readAllLines(UNITS.resolve(COLLECTOR_UNIT));
        assertTrue(collector.contains("DynamicUser=yes"), "the collector runs as a user of its own");
        assertTrue(Files.readAllLines(UNITS.resolve(AGENT_UNIT)).contains("User=kilowatch-agent"), "the user the .deb makes");
    }

    @Test
    void theCollectorStartsFromItsUnitsCommandLine() throws Exception {
        List<String> unit = Files.readAllLines(root.resolve("etc/systemd/system/" + COLLECTOR_UNIT));
        // What systemd does before ExecStart: credentials copied to a directory of the service's own, %d naming it.
        Path credentials = Files.createDirectories(inRoot("/run/credentials/" + COLLECTOR_UNIT));
        Map<String, String> environment = new HashMap<>();
        for (String line : unit) {
            if (line.startsWith("LoadCredential=")) {
                String[] credential = line.substring("LoadCredential=".length()).split(":", 2);
                copy(inRoot(credential[1]), credentials.resolve(credential[0]));
            } else if (line.startsWith("Environment=")) {
                String[] variable = line.substring("Environment=".length()).split("=", 2);
                environment.put(variable[0], variable[1].replace("%d", credentials.toString()));
            }
        }
        List<String> command = new ArrayList<>();
        for (String argument : execStart(unit)) {
            command.add(argument.equals("/usr/bin/java") ? Stack.java() : argument.startsWith("/") ? inRoot(argument).toString() : argument);
        }
        int port = Stack.freePort();
        environment.put("KILOWATCH_COLLECTOR_HTTP_PORT", String.valueOf(port));
        Files.createDirectories(inRoot("/var/lib/kilowatch-collector"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(Stack.outputDir("systemd").resolve("collector.log").toFile()));
        builder.environment().putAll(environment);
        Process collector = builder.start();
        try {
            Stack.waitUntil("the collector healthy", Duration.ofSeconds(90), () -> Stack.status("http://127.0.0.1:" + port + "/health") == 200);
            assertTrue(Files.exists(inRoot("/var/lib/kilowatch-collector/enrolment-token")), "state in the unit's StateDirectory");
        } finally {
            Stack.stop(collector);
        }
    }

    @Test
    void theAgentsRaplRuleLetsItsGroupAloneReadTheCounters(@TempDir Path machine) throws Exception {
        List<String> unit = Files.readAllLines(root.resolve("etc/systemd/system/" + AGENT_UNIT));
        String pre = unit.stream().filter(l -> l.startsWith("ExecStartPre=")).findFirst().orElseThrow();
        assertTrue(pre.startsWith("ExecStartPre=+-/usr/bin/systemd-tmpfiles --create /usr/lib/tmpfiles.d/kilowatch-agent.conf"), pre);
        assertTrue(Files.readString(Stack.REPO.resolve("deploy/debian/build-deb.sh")).contains("usr/lib/tmpfiles.d/kilowatch-agent.conf"), "the .deb installs it there");

        Files.createDirectories(machine.resolve("etc"));
        Files.writeString(machine.resolve("etc/group"), "root:x:0:\nkilowatch-agent:x:4242:\n");
        List<Path> counters = List.of(machine.resolve("sys/class/powercap/intel-rapl:0/energy_uj"), machine.resolve("sys/class/powercap/intel-rapl:0:0/energy_uj"));
        for (Path counter : counters) {
            Files.createDirectories(counter.getParent());
            Files.writeString(counter, "123456\n");
            Files.setPosixFilePermissions(counter, PosixFilePermissions.fromString("r--------"));
        }
        Process tmpfiles = new ProcessBuilder("systemd-tmpfiles", "--create", "--root=" + machine, root.resolve("usr/lib/tmpfiles.d/kilowatch-agent.conf").toString())
                .redirectErrorStream(true).start();
        String output = new String(tmpfiles.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(tmpfiles.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, tmpfiles.exitValue(), output);
        for (Path counter : counters) {
            assertEquals("r--r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(counter)), counter.toString());
            assertEquals(4242, Files.getAttribute(counter, "unix:gid"), counter + ": the agent's group");
            assertEquals(0, Files.getAttribute(counter, "unix:uid"), counter + ": still root's");
        }
    }

    /** systemd-analyze verify's complaints about the unit in the root; empty when it is sound. */
    private static String verify(String unit) throws Exception {
        Process verify = new ProcessBuilder("systemd-analyze", "verify", "--root=" + root, unit).redirectErrorStream(true).start();
        String output = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(verify.waitFor(60, TimeUnit.SECONDS));
        return verify.exitValue() == 0 ? output : ("exit " + verify.exitValue() + ": " + output);
    }

    private static List<String> execStart(List<String> unit) {
        String line = unit.stream().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow();
        return List.of(line.substring("ExecStart=".length()).split(" "));
    }

    private static Path inRoot(String absolute) {
        return root.resolve(absolute.substring(1));
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            paths.forEach(path -> {
                try {
                    Path target = to.resolve(from.relativize(path).toString());
                    if (Files.isSymbolicLink(path)) {
                        Files.createDirectories(target.getParent());
                        Files.createSymbolicLink(target, Files.readSymbolicLink(path));
                    } else if (Files.isDirectory(path)) {
                        Files.createDirectories(target);
                    } else {
                        copy(path, target);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
