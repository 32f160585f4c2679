package io.kilowatch.collector.alerting;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real SMTP server (Debian's python3-aiosmtpd, started from /usr/bin/python3 because a python3 on
 * PATH may be another build without it) on a free loopback port, writing what it receives to a Maildir.
 */
final class SmtpServer implements AutoCloseable {
    private static final Pattern QUOTED = Pattern.compile("=([0-9A-F]{2})");
    final int port;
    private final Path maildir;
    private final Process process;

    private SmtpServer(int port, Path maildir, Process process) {
        this.port = port;
        this.maildir = maildir;
        this.process = process;
    }

    /** @param options extra arguments for smtp-server.py: --cert, --key, --implicit-tls, --user, --password */
    static SmtpServer start(Path dir, String... options) throws Exception {
        Path script = dir.resolve("smtp-server.py");
        try (var in = SmtpServer.class.getResourceAsStream("/alerting/smtp-server.py")) {
            Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path maildir = dir.resolve("maildir-" + port);
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", script.toString(), "--port", Integer.toString(port),
                "--maildir", maildir.toString()));
        command.addAll(List.of(options));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (!"ready".equals(line)) {
            process.destroyForcibly();
            throw new IllegalStateException("the SMTP server did not start (is python3-aiosmtpd installed? scripts/install-test-tools.sh): " + line);
        }
        // Keep draining its output so it never blocks on a full pipe.
        Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "smtp-server-output");
        drain.setDaemon(true);
        drain.start();
        return new SmtpServer(port, maildir, process);
    }

    /** Messages received so far, oldest first, with quoted-printable undone so text can be searched. */
    List<String> messages() {
        Path inbox = maildir.resolve("new");
        if (!Files.isDirectory(inbox)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(inbox)) {
            return files.sorted((a, b) -> {
                try {
                    return Files.getLastModifiedTime(a).compareTo(Files.getLastModifiedTime(b));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).map(SmtpServer::read).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            String raw = Files.readString(file, StandardCharsets.UTF_8).replace("=\r\n", "").replace("=\n", "");
            Matcher m = QUOTED.matcher(raw);
            StringBuilder decoded = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(decoded, Matcher.quoteReplacement(Character.toString((char) Integer.parseInt(m.group(1), 16))));
            }
            return m.appendTail(decoded).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Closing its stdin stops it; a server that does not stop in time is killed. */
    @Override
    public void close() throws IOException {
        process.getOutputStream().close();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
