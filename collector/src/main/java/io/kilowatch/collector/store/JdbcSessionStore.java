package io.kilowatch.collector.store;

import io.kilowatch.collector.security.Role;
import io.kilowatch.collector.security.SessionStore;
import io.kilowatch.collector.security.Sessions;
import io.vertx.core.Future;
import java.util.Optional;

/** Dashboard sessions in the {@link Database}, on its single writer: every collector on one store shares them. */
public final class JdbcSessionStore implements SessionStore {
    private final Database db;

    public JdbcSessionStore(Database db) {
        this.db = db;
    }

    @Override
    public Future<Void> open(String idSha256, Sessions.Session session, long createdMs, long expiresMs) {
        return db.run(() -> db.write("opening a session", () -> db.update("INSERT INTO dashboard_sessions "
                + "(session_sha256, username, role, created_ms, expires_ms) VALUES (?, ?, ?, ?, ?)",
                idSha256, session.username(), session.role().label(), createdMs, expiresMs))).mapEmpty();
    }

    @Override
    public Future<Optional<Stored>> find(String idSha256, long nowMs) {
        return db.run(() -> db.query("SELECT username, role, expires_ms FROM dashboard_sessions WHERE session_sha256 = ? AND expires_ms > ?",
                rs -> {
                    String username = rs.getString(1);
                    long expiresMs = rs.getLong(3);
                    return Role.fromLabel(rs.getString(2)).map(role -> new Stored(new Sessions.Session(username, role), expiresMs));
                },
                idSha256, nowMs).stream().flatMap(Optional::stream).findFirst());
    }

    @Override
    public Future<Void> extend(String idSha256, long expiresMs) {
        return db.run(() -> db.write("extending a session", () -> db.update(
                "UPDATE dashboard_sessions SET expires_ms = ? WHERE session_sha256 = ? AND expires_ms < ?", expiresMs, idSha256, expiresMs)))
                .mapEmpty();
    }

    @Override
    public Future<Void> close(String idSha256) {
        return db.run(() -> db.write("closing a session", () -> db.update("DELETE FROM dashboard_sessions WHERE session_sha256 = ?", idSha256)))
                .mapEmpty();
    }

    @Override
    public Future<Integer> deleteExpired(long nowMs) {
        return db.run(() -> db.write("deleting expired sessions", () -> db.update("DELETE FROM dashboard_sessions WHERE expires_ms <= ?", nowMs)));
    }
}
