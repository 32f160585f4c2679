package io.kilowatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agent as it is shipped: the self-contained directory started with no Java on the machine's path
 * (and, laid out without its runtime, on JAVA_HOME's Java), and the .deb installed, run as its own user by its systemd unit's command, and purged, each reporting to
 * a real collector on loopback.
 */
class AgentPackagingIT {
    private static final Path HOME = Path.of(System.getProperty("kilowatch.agent.home", "")).toAbsolutePath();
    private static final Path OUT = outputDir();
    private static final String SERVICE_USER = "kilowatch-agent";
    private static final Path STATE = Path.of("/var/lib/kilowatch-agent");
    private static final List<Process> PROCESSES = new ArrayList<>();
    private static Path work;
    private static String base;

    @BeforeAll
    static void startCollector() throws Exception {
        assertTrue(Files.isExecutable(HOME.resolve("bin/kilowatch-agent")), "missing " + HOME + "; run through mvn verify, which builds it");
        work = Files.createTempDirectory("kilowatch-packaging");
        int port = Stack.freePort();
        base = "http://127.0.0.1:" + port;
        PROCESSES.add(Stack.collector(port, work.resolve("collector"), OUT.resolve("collector.log"), "--set", "security.read.anonymous=true"));
        Stack.waitUntil("collector healthy", Duration.ofSeconds(60), () -> Stack.status(base + "/health") == 200);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        Stack.stopAll(PROCESSES);
    }

    @Test
    void theSelfContainedAgentNeedsNoJavaOnTheMachine() throws Exception {
        List<String> command = new ArrayList<>(List.of(HOME.resolve("bin/kilowatch-agent").toString()));
        command.addAll(Stack.agentArguments(base, work.resolve("collector/enrolment-token"), "self-contained", work.resolve("self-contained")));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(OUT.resolve("self-contained-agent.log").toFile()));
        builder.environment().clear();
        builder.environment().put("PATH", work.resolve("no-java-here").toString());
        Process agent = builder.start();
        PROCESSES.add(agent);

        waitForReports("self-contained");
        // The launcher replaced itself with the runtime shipped beside it, not a java found elsewhere.
        Path exe = Path.of("/proc", String.valueOf(agent.pid()), "exe").toRealPath();
        assertEquals(HOME.resolve("runtime/bin/java").toRealPath(), exe);
        String cmdline = Files.readString(Path.of("/proc", String.valueOf(agent.pid()), "cmdline")).replace('\0', ' ');
        assertTrue(cmdline.contains("@" + HOME.toRealPath().resolve("lib/jvm.options")), cmdline);
        Stack.stop(agent);
    }

    @Test
    void withoutALinkedRuntimeTheLauncherRunsJavaHomesJavaWithTheSameFlags() throws Exception {
        // As the build lays it out on a JDK that cannot link a runtime (no jlink or jmods/): bin/ and lib/ only.
        Path home = work.resolve("no-runtime");
        Files.createDirectories(home);
        run("cp", "-a", HOME.resolve("bin").toString(), HOME.resolve("lib").toString(), home.toString());
        Path javaHome = Path.of(System.getProperty("java.home"));
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/kilowatch-agent").toString()));
        command.addAll(Stack.agentArguments(base, work.resolve("collector/enrolment-token"), "jdk-fallback", work.resolve("jdk-fallback")));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(OUT.resolve("jdk-fallback-agent.log").toFile()));
        builder.environment().clear();
        builder.environment().put("PATH", work.resolve("no-java-here").toString());
        builder.environment().put("JAVA_HOME", javaHome.toString());
        Process agent = builder.start();
        PROCESSES.add(agent);

        waitForReports("jdk-fallback");
        assertEquals(javaHome.resolve("bin/java").toRealPath(), Path.of("/proc", String.valueOf(agent.pid()), "exe").toRealPath());
        String cmdline = Files.readString(Path.of("/proc", String.valueOf(agent.pid()), "cmdline")).replace('\0', ' ');
        assertTrue(cmdline.contains("@" + home.toRealPath().resolve("lib/jvm.options")), cmdline);
        Stack.stop(agent);
    }

    @Test
    void theDebInstallsRunsAsItsOwnUserAndPurgesClean() throws Exception {
        assertEquals("root", System.getProperty("user.name"), "installing a .deb needs root, as in CI");
        run("dpkg", "--purge", "kilowatch-agent"); // a leftover from an interrupted run; a no-op otherwise
        String deb = run("bash", Stack.REPO.resolve("deploy/debian/build-deb.sh").toString(), work.toString()).strip();
        run("dpkg", "-i", deb);

        assertTrue(run("getent", "passwd", SERVICE_USER).contains(":/var/lib/kilowatch-agent:"), "the service user, home in its state dir");
        assertEquals(SERVICE_USER, Files.getOwner(STATE, LinkOption.NOFOLLOW_LINKS).getName());
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(STATE)));
        Path unit = Path.of("/lib/systemd/system/kilowatch-agent.service");
        assertEquals(Files.readString(Stack.REPO.resolve("deploy/systemd/kilowatch-agent.service")), Files.readString(unit));
        run("systemd-analyze", "verify", unit.toString());

        // The token the estate hands out, readable by the service user only.
        Path token = Path.of("/etc/kilowatch-agent/enrolment-token");
        Files.copy(work.resolve("collector/enrolment-token"), token);
        run("chown", "root:" + SERVICE_USER, token.toString());
        run("chmod", "0640", token.toString());
        // systemd runs the unit's command as the unit's user; without systemd (as in a container) so does runuser.
        List<String> command = new ArrayList<>(List.of("runuser", "-u", SERVICE_USER, "--"));
        command.addAll(execStart(unit));
        command.addAll(Stack.agentArguments(base, token, "deb-agent", STATE));
        Process agent = Stack.start(command, OUT.resolve("deb-agent.log"));
        PROCESSES.add(agent);
        waitForReports("deb-agent");
        Path credential = STATE.resolve("credential-deb-agent");
        assertEquals(SERVICE_USER, Files.getOwner(credential).getName());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(credential)));
        Stack.stop(agent);

        run("dpkg", "--purge", "kilowatch-agent");
        assertFalse(Files.exists(STATE), "state dir left after purge");
        assertFalse(Files.exists(Path.of("/etc/kilowatch-agent")), "config left after purge");
        assertFalse(Files.exists(Path.of("/opt/kilowatch-agent")), "program left after purge");
        assertFalse(Files.exists(unit), "unit left after purge");
        Process getent = new ProcessBuilder("getent", "passwd", SERVICE_USER).start();
        assertTrue(getent.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, getent.exitValue(), "service user left after purge");
    }

    private static List<String> execStart(Path unit) throws IOException {
        String line = Files.readAllLines(unit).stream().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow();
        return Arrays.asList(line.substring("ExecStart=".length()).split(" "));
    }

    private static void waitForReports(String device) throws InterruptedException {
        Stack.waitUntil(device + "'s reports stored", Duration.ofSeconds(90),
                () -> Stack.body(base + "/api/v1/devices/" + device).matches("(?s).*\"last_sequence\":([2-9]|[1-9][0-9]+)\\b.*"));
    }

    /** Runs a command to its end and gives its output; a failure fails the test with that output. */
    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), String.join(" ", command) + " timed out");
        assertEquals(0, p.exitValue(), String.join(" ", command) + " failed:\n" + output);
        return output;
    }

    private static Path outputDir() {
        try {
            return Stack.outputDir("packaging");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
