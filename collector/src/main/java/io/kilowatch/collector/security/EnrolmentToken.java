package io.kilowatch.collector.security;

import io.kilowatch.core.credential.Credentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * The estate's enrolment token: from the environment when set there, else from a file; on first start
 * a random one is made in that file, readable by the collector's user only. Its value is never logged.
 * <p>
 * This is the one {@code _file} that {@code Settings.secret} does not read: a plain secret file missing at
 * start is an error, while this one is made when missing, so that a new estate needs no token invented
 * by hand. CollectorConfig therefore takes only the environment variable, and this class the file.
 */
public final class EnrolmentToken {
    private EnrolmentToken() {
    }

    public static String resolve(Optional<String> fromEnvironment, Path file) {
        if (fromEnvironment.isPresent()) {
            return fromEnvironment.get();
        }
        try {
            if (Files.exists(file)) {
                String token = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (token.length() < 16) {
                    throw new IllegalStateException("the enrolment token in " + file + " is shorter than 16 characters");
                }
                return token;
            }
            String token = Credentials.newSecret();
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
            return token;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or make the enrolment token file " + file, e);
        }
    }
}
