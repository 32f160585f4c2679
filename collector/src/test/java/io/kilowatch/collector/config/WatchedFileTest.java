package io.kilowatch.collector.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.core.config.ConfigException;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file rewritten in place is caught mid-write by the periodic check; only a settled change is reloaded. */
class WatchedFileTest {
    private final Vertx vertx = Vertx.vertx();
    @TempDir
    Path dir;

    @AfterEach
    void close() {
        vertx.close().await();
    }

    @Test
    void aChangeIsTakenOnlyOnceTwoChecksReadTheSameText() throws Exception {
        Path path = dir.resolve("rules.yaml");
        Files.writeString(path, "rules: {a: 1}\n");
        WatchedFile file = new WatchedFile(vertx, path, "rules file", "rules: {}");
        file.taken(file.read().await());
        assertFalse(file.settledChange().await(), "nothing changed");

        Files.writeString(path, "rules: {a:");
        assertFalse(file.settledChange().await(), "caught half-written: not yet");
        Files.writeString(path, "rules: {a: 2}\n");
        assertFalse(file.settledChange().await(), "still changing since the last check");
        assertTrue(file.settledChange().await(), "the same text twice: settled");

        file.taken(file.read().await());
        assertFalse(file.settledChange().await(), "taken: not reloaded again");
    }

    @Test
    void anEmptyFileIsRefusedWithWhatToWriteInsteadAndNotRetried() throws Exception {
        Path path = dir.resolve("services.yaml");
        Files.writeString(path, "services: {}\n");
        WatchedFile file = new WatchedFile(vertx, path, "services file", "services: {}");
        file.taken(file.read().await());

        Files.writeString(path, "  \n");
        assertFalse(file.settledChange().await());
        assertTrue(file.settledChange().await(), "settled, so the owner reloads and gets the error");
        ConfigException refused = assertThrows(ConfigException.class, () -> file.read().await());
        assertEquals("the services file " + path + " is empty; a file caught half-written is never applied,"
                + " so to have nothing in it write `services: {}`", refused.getMessage());
        assertFalse(file.settledChange().await(), "the refused text is not reloaded on every check");
    }

    @Test
    void aMissingFileIsAnErrorNamingIt() {
        WatchedFile file = new WatchedFile(vertx, dir.resolve("gone.yaml"), "agent settings file", "rules: {}");
        ConfigException e = assertThrows(ConfigException.class, () -> file.settledChange().await());
        assertTrue(e.getMessage().startsWith("cannot read the agent settings file " + dir.resolve("gone.yaml")), e.getMessage());
    }
}
