package io.kilowatch.collector.estate;

import io.kilowatch.core.credential.Credentials;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Agent authentication. An agent presents the estate's enrolment token once and gets a credential of
 * its own, bound to its device id; every report then carries that credential as a bearer token. The
 * store keeps only a SHA-256 of each credential. Lookups are cached for a short time, so a revocation
 * (on this or another collector sharing the store) takes effect within {@code cacheTtl}.
 */
public final class AgentCredentials {
    /** Why an agent was refused, with the HTTP status to answer. */
    public static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        public final int status;

        public Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private record Cached(Optional<String> deviceId, long expiresMillis) {
    }

    private final EstateStore store;
    private final byte[] enrolmentToken;
    private final Clock clock;
    private final long cacheTtlMillis;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public AgentCredentials(EstateStore store, String enrolmentToken, Clock clock, Duration cacheTtl) {
        this.store = store;
        this.enrolmentToken = enrolmentToken.getBytes(StandardCharsets.UTF_8);
        this.clock = clock;
        this.cacheTtlMillis = cacheTtl.toMillis();
    }

    /**
     * Records the credential an agent chose for itself, for a device that presents the enrolment token.
     * The agent keeps its credential before asking, so an answer lost on the way back costs nothing: the
     * agent's next report carries it, and asking again with the same credential succeeds again.
     */
    public Future<Void> enrol(String deviceId, String presentedToken, String credential) {
        if (presentedToken == null || !MessageDigest.isEqual(enrolmentToken, presentedToken.getBytes(StandardCharsets.UTF_8))) {
            return Future.failedFuture(new Refused(401, "wrong enrolment token"));
        }
        return store.enrol(deviceId, Credentials.sha256(credential), clock.millis())
                .compose(enrolled -> enrolled ? Future.<Void>succeededFuture()
                        : Future.failedFuture(new Refused(409, "device '" + deviceId + "' is enrolled already with another credential; "
                                + "revoke it first (kilowatch-collector revoke-agent " + deviceId + ")")));
    }

    /** The device whose credential this bearer token is, or empty when it is unknown or revoked. */
    public Future<Optional<String>> authenticate(String bearer) {
        if (bearer == null || bearer.isBlank() || bearer.length() > 256) {
            return Future.succeededFuture(Optional.empty());
        }
        String hash = Credentials.sha256(bearer);
        long now = clock.millis();
        Cached cached = cache.get(hash);
        if (cached != null && cached.expiresMillis() > now) {
            return Future.succeededFuture(cached.deviceId());
        }
        return store.deviceForCredential(hash).map(device -> {
            if (cache.size() > 100_000) {
                cache.clear(); // bounded: a flood of made-up tokens must not grow memory
            }
            cache.put(hash, new Cached(device, now + cacheTtlMillis));
            return device;
        });
    }
}
