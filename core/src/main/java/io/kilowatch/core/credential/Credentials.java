package io.kilowatch.core.credential;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** The agent credential's format, shared by the agent that makes one and the collector that checks it. */
public final class Credentials {
    /** What an agent may choose as its credential: at least 32 random bytes in URL-safe base64. */
    public static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9_-]{43,128}");

    private static final SecureRandom RANDOM = new SecureRandom();

    private Credentials() {
    }

    /** 32 random bytes, URL-safe base64 without padding (43 characters): a credential or an enrolment token. */
    public static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The SHA-256 of the text's UTF-8 bytes, in hex. */
    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
