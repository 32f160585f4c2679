package io.kilowatch.collector.security;


import io.kilowatch.core.credential.Credentials;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The people and API tokens that may read or administer the collector, from config. Passwords are kept
 * only as PBKDF2-HMAC-SHA256 hashes ({@code kilowatch-collector hash-password} makes one), API tokens
 * only as SHA-256 ({@code kilowatch-collector new-api-token}).
 */
public final class Users {
    /** OWASP's 2023 figure for PBKDF2-HMAC-SHA256. */
    static final int ITERATIONS = 600_000;
    private static final Pattern HASH = Pattern.compile("pbkdf2-sha256\\$(\\d{4,8})\\$([A-Za-z0-9+/=]{16,})\\$([A-Za-z0-9+/=]{40,})");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    /** Checked against when the user is unknown, so a wrong name costs the same time as a wrong password. */
    private static final String DUMMY_HASH = hashPassword("kilowatch-dummy-password".toCharArray());

    public record User(Role role, String passwordHash) {
    }

    public record ApiToken(Role role, String sha256) {
    }

    private final Map<String, User> users;
    private final Map<String, ApiToken> tokens;

    public Users(Map<String, User> users, Map<String, ApiToken> tokens) {
        this.users = Map.copyOf(users);
        this.tokens = Map.copyOf(tokens);
    }

    public static boolean isPasswordHash(String text) {
        return HASH.matcher(text).matches();
    }

    public static boolean isTokenHash(String text) {
        return SHA256_HEX.matcher(text).matches();
    }

    /** The role of a user whose password is right; empty otherwise. Takes about the same time either way. */
    public Optional<Role> login(String username, char[] password) {
        User user = username == null ? null : users.get(username);
        boolean ok = verify(password, user == null ? DUMMY_HASH : user.passwordHash());
        return ok && user != null ? Optional.of(user.role()) : Optional.empty();
    }

    /** The role of an API token presented as a bearer token. */
    public Optional<Role> token(String bearer) {
        if (bearer == null || bearer.isBlank()) {
            return Optional.empty();
        }
        byte[] presented = Credentials.sha256(bearer).getBytes(StandardCharsets.US_ASCII);
        return tokens.values().stream()
                .filter(t -> MessageDigest.isEqual(presented, t.sha256().getBytes(StandardCharsets.US_ASCII)))
                .map(ApiToken::role).findFirst();
    }

    public boolean isEmpty() {
        return users.isEmpty() && tokens.isEmpty();
    }

    public static String hashPassword(char[] password) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        return "pbkdf2-sha256$" + ITERATIONS + "$" + Base64.getEncoder().encodeToString(salt) + "$"
                + Base64.getEncoder().encodeToString(pbkdf2(password, salt, ITERATIONS));
    }

    static boolean verify(char[] password, String hash) {
        Matcher m = HASH.matcher(hash);
        if (!m.matches()) {
            return false;
        }
        byte[] expected = Base64.getDecoder().decode(m.group(3));
        byte[] actual = pbkdf2(password, Base64.getDecoder().decode(m.group(2)), Integer.parseInt(m.group(1)));
        return MessageDigest.isEqual(expected, actual);
    }

    /** A new API token and the SHA-256 to put in config. */
    public static String[] newApiToken() {
        String token = Credentials.newSecret();
        return new String[] {token, Credentials.sha256(token)};
    }

    private static byte[] pbkdf2(char[] password, byte[] salt, int iterations) {
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec(password, salt, iterations, 256)).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is missing from this JVM", e);
        }
    }
}
