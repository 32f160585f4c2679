package io.kilowatch.collector.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for the tests, from Debian's {@code postgresql} package: a temporary cluster made with
 * {@code initdb} and started with {@code pg_ctl} on a free 127.0.0.1 port, once per test JVM, stopped and deleted
 * when the JVM exits. Each test takes a new empty database in it ({@link #freshDatabase}). {@code initdb} refuses to
 * run as root, so as root (CI) the cluster belongs to the package's {@code postgres} user and is run with
 * {@code runuser}. Password authentication (SCRAM) is on, so the tests go through the same login a deployment does.
 * A machine without the server fails the tests, with the way to install it: they never pass by skipping.
 */
public final class TestPostgres {
    static final String USER = "kilowatch";
    static final String PASSWORD = "test-password-not-secret";
    private static TestPostgres shared;

    private final Path dir;
    private final Path bin;
    private final List<String> asOwner;
    private final int port;
    private final AtomicInteger databases = new AtomicInteger();

    private TestPostgres(Path dir, Path bin, List<String> asOwner, int port) {
        this.dir = dir;
        this.bin = bin;
        this.asOwner = asOwner;
        this.port = port;
    }

    /** The server of this test JVM, started on first use. */
    public static synchronized TestPostgres shared() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::stop, "test-postgres-stop"));
        }
        return shared;
    }

    /** A server of its own, for a test that crashes and restarts it; {@link #close} stops it and deletes its files. */
    public static TestPostgres dedicated() {
        return start();
    }

    /** Stops the server as a crash would ({@code pg_ctl stop -m immediate}): no shutdown checkpoint, clients cut off. */
    public void crash() {
        run("pg_ctl", "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop");
    }

    /** Starts it again after {@link #crash}, on the same port; it recovers from its write-ahead log. */
    public void restart() {
        run("pg_ctl", "-D", dir.resolve("data").toString(), "-l", dir.resolve("server.log").toString(), "-w", "-t", "60", "start");
    }

    public void close() {
        stop();
    }

    /** A new empty database, as the config of a collector that stores in it; its SQLite-only files would go to {@code dataDir}. */
    public StoreConfig freshDatabase(Path dataDir) {
        String name = "kw_test_" + databases.incrementAndGet();
        try (Connection c = DriverManager.getConnection(url("postgres"), USER, PASSWORD); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a test database on the test PostgreSQL: " + e.getMessage(), e);
        }
        return StoreConfig.postgresql(dataDir, Database.Sync.FULL, new StoreConfig.Postgresql(url(name), USER, Optional.of(PASSWORD)));
    }

    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public int port() {
        return port;
    }

    /** The server's programs, newest major version first: Debian installs them outside PATH. */
    private static Path serverPrograms() {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName().toString().replaceAll("\\D", "0"))))
                    .orElseThrow(TestPostgres::notInstalled);
        } catch (IOException e) {
            throw notInstalled();
        }
    }

    private static IllegalStateException notInstalled() {
        return new IllegalStateException("the store tests need a PostgreSQL server and found none (no /usr/lib/postgresql/*/bin/initdb): "
                + "run scripts/install-test-tools.sh, or apt-get install postgresql");
    }

    private static TestPostgres start() {
        Path bin = serverPrograms();
        boolean root = "root".equals(System.getProperty("user.name"));
        try {
            Path dir = Files.createTempDirectory("kilowatch-pg-");
            Path pwfile = Files.writeString(dir.resolve("password"), PASSWORD);
            List<String> asOwner = root ? List.of("runuser", "-u", "postgres", "--") : List.of();
            if (root) {
                UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
                Files.setOwner(dir, users.lookupPrincipalByName("postgres"));
                Files.setOwner(pwfile, users.lookupPrincipalByName("postgres"));
            }
            TestPostgres pg = new TestPostgres(dir, bin, asOwner, freePort());
            pg.run("initdb", "-D", dir.resolve("data").toString(), "-U", USER, "--pwfile=" + pwfile, "--auth=scram-sha-256",
                    "-E", "UTF8", "--locale=C", "--no-sync");
            // Durability is not under test here; fsync off keeps a test's CREATE DATABASE and commits quick.
            Files.writeString(dir.resolve("data/postgresql.conf"), String.join("\n", "",
                    "listen_addresses = '127.0.0.1'", "port = " + pg.port, "unix_socket_directories = '" + dir + "'",
                    "fsync = off", "full_page_writes = off", "max_connections = 50", ""), StandardOpenOption.APPEND);
            pg.run("pg_ctl", "-D", dir.resolve("data").toString(), "-l", dir.resolve("server.log").toString(), "-w", "-t", "60", "start");
            return pg;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the test PostgreSQL cluster", e);
        }
    }

    private void stop() {
        try {
            run("pg_ctl", "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop");
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                System.err.println("could not delete the test PostgreSQL cluster in " + dir + ": " + e.getMessage());
            }
        }
    }

    /** Runs one of the server's programs as the cluster's owner; fails with its output and the server's log. */
    private void run(String program, String... args) {
        List<String> command = new ArrayList<>(asOwner);
        command.add(bin.resolve(program).toString());
        command.addAll(List.of(args));
        Path output = dir.resolve(program + ".out");
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in 120 s");
            }
            if (p.exitValue() != 0) {
                Path log = dir.resolve("server.log");
                throw new IllegalStateException(String.join(" ", command) + " failed (exit " + p.exitValue() + "):\n" + Files.readString(output)
                        + (Files.exists(log) ? "\nserver log:\n" + Files.readString(log) : ""));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
