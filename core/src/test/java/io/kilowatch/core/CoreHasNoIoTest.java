package io.kilowatch.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The core stays pure so its maths is testable on fixed clocks: no files, sockets, databases or clocks. */
class CoreHasNoIoTest {
    private static final List<String> FORBIDDEN = List.of(
            "import java.io.File", "import java.nio.file", "import java.net", "import java.sql",
            "import java.net.http", "Instant.now()", "System.currentTimeMillis", "System.getenv", "Clock.systemUTC");

    @Test
    void mainSourcesImportNoIo() throws IOException {
        Path sources = Path.of("src/main/java");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(sources)) {
            files = walk.filter(p -> p.toString().endsWith(".java")).toList();
        }
        assertTrue(files.size() > 10, "expected to scan the core's sources, found " + files.size());
        List<String> offences = files.stream().flatMap(f -> {
            try {
                String text = Files.readString(f);
                return FORBIDDEN.stream().filter(text::contains).map(bad -> f + ": " + bad);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
        assertEquals(List.of(), offences);
    }
}
