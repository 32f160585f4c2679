package io.kilowatch.core.credential;

import java.security.SecureRandom;
import java.util.Base64;
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
}
