package io.kilowatch.collector.carbon;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Recorded NESO Carbon Intensity API responses and CSV files under src/test/resources/neso. */
public final class Recordings {
    private Recordings() {
    }

    public static String read(String name) {
        try (InputStream in = Recordings.class.getResourceAsStream("/neso/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no recording " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
