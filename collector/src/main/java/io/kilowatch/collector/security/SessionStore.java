package io.kilowatch.collector.security;

import io.vertx.core.Future;
import java.util.Optional;

/**
 * Where dashboard sessions live: in the store, so that every collector sharing it knows every session. Sessions are
 * keyed by the SHA-256 of their cookie value; the value itself is never stored or logged.
 */
public interface SessionStore {
    /** A session as stored, with the time it expires unless used again. */
    record Stored(Sessions.Session session, long expiresMs) {
    }

    Future<Void> open(String idSha256, Sessions.Session session, long createdMs, long expiresMs);

    /** The session if it exists and expires after {@code nowMs}: the query itself enforces expiry. */
    Future<Optional<Stored>> find(String idSha256, long nowMs);

    Future<Void> extend(String idSha256, long expiresMs);

    Future<Void> close(String idSha256);

    /** Deletes sessions expired before {@code nowMs}; returns how many. */
    Future<Integer> deleteExpired(long nowMs);
}
