package io.kilowatch.collector.security;

import io.kilowatch.core.credential.Credentials;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Browser sessions after a login: a random id in an HttpOnly, SameSite=Strict cookie, expiring after a period without
 * use. Kept in the store ({@link SessionStore}), so a login on one collector holds on every collector sharing the
 * store. Each collector remembers what the store said about an id for {@code cacheTtl}: a logout on another collector
 * is refused here within that bound, a logout here at once.
 */
public final class Sessions {
    public record Session(String username, Role role) {
    }

    private record Cached(Optional<SessionStore.Stored> stored, long untilMillis) {
    }

    /** Use pushes expiry forward in steps of this, so a busy dashboard writes to the store once a minute, not per request. */
    private static final long EXTEND_STEP_MILLIS = 60_000;
    /** Bounded: a flood of made-up cookies must not grow memory. */
    private static final int MAX_CACHED = 10_000;

    private final SessionStore store;
    private final Clock clock;
    private final long idleMillis;
    private final long cacheMillis;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public Sessions(SessionStore store, Clock clock, Duration idle, Duration cacheTtl) {
        this.store = store;
        this.clock = clock;
        this.idleMillis = idle.toMillis();
        this.cacheMillis = cacheTtl.toMillis();
    }

    /** Opens a session; the answer is the cookie value, known to the browser only. */
    public Future<String> open(String username, Role role) {
        String id = Credentials.newSecret();
        long now = clock.millis();
        return store.open(Credentials.sha256(id), new Session(username, role), now, now + idleMillis).map(v -> id);
    }

    /** The session of this cookie value, extended by use; empty when unknown, closed or expired. */
    public Future<Optional<Session>> find(String id) {
        if (id == null || id.isEmpty() || id.length() > 128) {
            return Future.succeededFuture(Optional.empty());
        }
        String key = Credentials.sha256(id);
        long now = clock.millis();
        Cached cached = cache.get(key);
        Future<Optional<SessionStore.Stored>> stored = cached != null && cached.untilMillis() > now
                ? Future.succeededFuture(cached.stored())
                : store.find(key, now).onSuccess(found -> remember(key, found, now));
        return stored.compose(found -> {
            if (found.isEmpty() || found.get().expiresMs() <= now) {
                return Future.succeededFuture(Optional.empty());
            }
            if (found.get().expiresMs() - now > idleMillis - EXTEND_STEP_MILLIS) {
                return Future.succeededFuture(Optional.of(found.get().session()));
            }
            long expires = now + idleMillis;
            return store.extend(key, expires).map(v -> {
                remember(key, Optional.of(new SessionStore.Stored(found.get().session(), expires)), now);
                return Optional.of(found.get().session());
            });
        });
    }

    private void remember(String key, Optional<SessionStore.Stored> stored, long now) {
        if (cache.size() >= MAX_CACHED) {
            cache.clear();
        }
        cache.put(key, new Cached(stored, now + cacheMillis));
    }

    /** Closes the session of this cookie value, here at once and on other collectors within the cache time. */
    public Future<Void> close(String id) {
        if (id == null || id.isEmpty() || id.length() > 128) {
            return Future.succeededFuture();
        }
        String key = Credentials.sha256(id);
        cache.remove(key);
        return store.close(key);
    }

    /** Deletes expired sessions from the store and forgets stale cache entries. */
    public Future<Integer> forgetExpired() {
        long now = clock.millis();
        cache.values().removeIf(c -> c.untilMillis() <= now);
        return store.deleteExpired(now);
    }
}
