package io.kilowatch.collector.config;

import io.kilowatch.core.config.ConfigException;
import io.kilowatch.core.credential.Credentials;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A config file the collector reloads without a restart (on change, SIGHUP or an admin call): read off the
 * event loop, with a fingerprint of its content so the periodic check reloads only what changed. Most
 * editors and {@code echo >} rewrite a file in place, so a check can catch it empty or half-written: a
 * change is taken only once two checks in a row read the same text, and an empty file is refused.
 * Lives on the event loop.
 */
public final class WatchedFile {
    /** The file's text and the SHA-256 of it. */
    public record Text(String content, String fingerprint) {
    }

    private final Vertx vertx;
    private final Path file;
    private final String what;
    private final String emptyForm;
    /** The text last applied or refused: a change is a text other than this one. */
    private String taken = "";
    /** The text the previous check read, to tell a settled change from one still being written. */
    private String lastSeen = "";

    /**
     * @param what      the file's name in messages, e.g. "services file"
     * @param emptyForm what to write instead of an empty file to have nothing in it, e.g. {@code services: {}}
     */
    public WatchedFile(Vertx vertx, Path file, String what, String emptyForm) {
        this.vertx = vertx;
        this.file = file;
        this.what = what;
        this.emptyForm = emptyForm;
    }

    public Path path() {
        return file;
    }

    /** Reads the file now; fails when it cannot be read or is empty. Call {@link #taken} once it is applied or refused. */
    public Future<Text> read() {
        return readText().map(text -> {
            if (text.content().isBlank()) {
                taken(text);
                throw new ConfigException("the " + what + " " + file + " is empty; a file caught half-written is never applied,"
                        + " so to have nothing in it write `" + emptyForm + "`");
            }
            return text;
        });
    }

    /** Notes that this text was applied or refused, so the periodic check does not take it again. */
    public void taken(Text text) {
        taken = text.fingerprint();
        lastSeen = taken;
    }

    /**
     * Whether the file now differs from the text last taken and the previous check read the same: the time to
     * reload. Fails when the file cannot be read.
     */
    public Future<Boolean> settledChange() {
        return readText().map(text -> {
            boolean settled = text.fingerprint().equals(lastSeen);
            lastSeen = text.fingerprint();
            return settled && !text.fingerprint().equals(taken);
        });
    }

    private Future<Text> readText() {
        return vertx.executeBlocking(() -> {
            try {
                String text = Files.readString(file);
                return new Text(text, Credentials.sha256(text));
            } catch (IOException e) {
                throw new ConfigException("cannot read the " + what + " " + file + ": " + e.getMessage());
            }
        }, false);
    }
}
