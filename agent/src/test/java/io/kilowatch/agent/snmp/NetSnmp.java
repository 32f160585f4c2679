package io.kilowatch.agent.snmp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs the real Net-SNMP and libsmi command-line tools (Debian packages snmp and smitools, installed by
 * scripts/install-test-tools.sh). Debian keeps the IETF base modules (SNMPv2-SMI, -TC, -CONF) out of
 * main; erlang-snmp ships them, so the tools are pointed at its directory beside KILOWATCH-MIB.
 */
public final class NetSnmp {
    /** KILOWATCH-MIB as shipped, relative to the agent module (surefire's working directory). */
    public static final Path MIB_DIR = Path.of("src/main/mib").toAbsolutePath();

    private NetSnmp() {
    }

    public record Result(int exitCode, String out, String err) {
        public List<String> lines() {
            return out.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    /** The directory holding SNMPv2-SMI and friends; fails the test (never skips it) when missing. */
    public static Path baseMibDir() {
        try (Stream<Path> dirs = Files.exists(Path.of("/usr/lib/erlang/lib")) ? Files.list(Path.of("/usr/lib/erlang/lib")) : Stream.empty()) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("snmp-")).map(d -> d.resolve("mibs"))
                    .filter(d -> Files.exists(d.resolve("SNMPv2-SMI.mib"))).findFirst()
                    .orElseThrow(() -> new AssertionError("SNMPv2-SMI not found: run scripts/install-test-tools.sh (erlang-snmp)"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Net-SNMP's -M argument: the base modules and KILOWATCH-MIB, after the default directories. */
    public static String mibPath() {
        return "+" + baseMibDir() + ":" + MIB_DIR;
    }

    public static Result run(List<String> command) {
        return run(command, List.of());
    }

    public static Result run(List<String> command, List<String> environment) {
        ProcessBuilder pb = new ProcessBuilder(command);
        for (String kv : environment) {
            String[] p = kv.split("=", 2);
            pb.environment().put(p[0], p[1]);
        }
        try {
            Process process = pb.start();
            // Both streams are small; read them after exit is fine, but a timeout guards a hung tool.
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("timed out: " + command);
            }
            return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                    new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command.get(0) + ": run scripts/install-test-tools.sh (" + e.getMessage() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** SNMPv3 options for a user: level, protocols and pass phrases ({@code priv} null: authNoPriv). */
    public static List<String> v3(String user, String auth, String authPassword, String priv, String privPassword) {
        List<String> c = new ArrayList<>(List.of("-v3", "-u", user, "-a", auth, "-A", authPassword));
        if (priv == null) {
            c.addAll(List.of("-l", "authNoPriv"));
        } else {
            c.addAll(List.of("-l", "authPriv", "-x", priv, "-X", privPassword));
        }
        return c;
    }

    public static List<String> v2c(String community) {
        return List.of("-v2c", "-c", community);
    }

    /**
     * One Net-SNMP tool run against the agent on a loopback port, with KILOWATCH-MIB loaded and output options
     * {@code -O<format>}, that should be answered: a 5 s timeout and one retry, as a cold agent's first v3 request
     * (engine discovery, key localisation) may be slow on a busy machine.
     */
    public static Result query(String tool, List<String> security, String format, int port, String... oids) {
        return runTool(tool, security, format, port, 5, oids);
    }

    /** As {@link #query}, for requests that should get no answer: a 1 s timeout and one retry, so silence is quick. */
    public static Result unanswered(String tool, List<String> security, String format, int port, String... oids) {
        return runTool(tool, security, format, port, 1, oids);
    }

    private static Result runTool(String tool, List<String> security, String format, int port, int timeoutSeconds, String... oids) {
        List<String> c = new ArrayList<>(List.of(tool));
        c.addAll(security);
        c.addAll(List.of("-t", String.valueOf(timeoutSeconds), "-r", "1", "-M", mibPath(), "-m", "+KILOWATCH-MIB", "-O" + format,
                "127.0.0.1:" + port));
        c.addAll(Arrays.asList(oids));
        return run(c);
    }
}
