package io.kilowatch.collector.security;


import io.kilowatch.core.credential.Credentials;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Browser sessions after a login: a random id in an HttpOnly, SameSite=Strict cookie, expiring after a
 * period without use. Kept in memory: with several collectors behind a load balancer, use sticky
 * sessions or API tokens (noted in docs/security.md).
 */
public final class Sessions {
    public record Session(String username, Role role) {
    }

    private record Entry(Session session, long expiresMillis) {
    }

    private final Map<String, Entry> sessions = new ConcurrentHashMap<>();
    private final Clock clock;
    private final long idleMillis;

    public Sessions(Clock clock, Duration idle) {
        this.clock = clock;
        this.idleMillis = idle.toMillis();
    }

    public String open(String username, Role role) {
        String id = Credentials.newSecret();
        sessions.put(Credentials.sha256(id), new Entry(new Session(username, role), clock.millis() + idleMillis));
        return id;
    }

    /** The session of this cookie value, extended by use; empty when unknown or expired. */
    public Optional<Session> find(String id) {
        if (id == null || id.length() > 128) {
            return Optional.empty();
        }
        String key = Credentials.sha256(id);
        long now = clock.millis();
        Entry entry = sessions.get(key);
        if (entry == null || entry.expiresMillis() < now) {
            sessions.remove(key);
            return Optional.empty();
        }
        sessions.put(key, new Entry(entry.session(), now + idleMillis));
        return Optional.of(entry.session());
    }

    public void close(String id) {
        if (id != null) {
            sessions.remove(Credentials.sha256(id));
        }
    }

    public void forgetExpired() {
        long now = clock.millis();
        sessions.values().removeIf(e -> e.expiresMillis() < now);
    }
}
