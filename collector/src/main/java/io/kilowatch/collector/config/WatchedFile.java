package io.kilowatch.collector.config;

import io.kilowatch.core.credential.Credentials;

import io.kilowatch.core.config.ConfigException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A config file the collector reloads without a restart (on change, SIGHUP or an admin call): read off
 * the event loop, with a fingerprint of its content so a periodic check reloads only what changed.
 */
public final class WatchedFile {
    /** The file's text and the SHA-256 of it. */
    public record Text(String content, String fingerprint) {
    }

    private WatchedFile() {
    }

    /** @param what the file's name in messages, e.g. "services file" */
    public static Future<Text> read(Vertx vertx, Path file, String what) {
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
