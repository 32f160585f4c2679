package io.kilowatch.collector.store;

import io.kilowatch.collector.cluster.Fence;
import io.kilowatch.collector.cluster.FencedOff;
import io.kilowatch.collector.cluster.Leases;
import io.vertx.core.Future;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Leases and heartbeats in the {@code leases} and {@code collectors} tables. Time is the database's clock
 * ({@link Dialect#nowMs}), so collectors need not agree on the time. On PostgreSQL a takeover races safely: the row
 * lock makes the second of two collectors see the first's fresh expiry and leave the lease alone, and claims skip rows
 * another collector has locked; on SQLite one collector writes the file.
 */
public final class JdbcLeases implements Leases {
    private static final String COLUMNS = "name, holder, token, expires_ms, acquired_ms";
    /** A collector whose heartbeat is older than this is forgotten. */
    private static final long FORGET_AFTER_MS = 24L * 3600 * 1000;

    private final Database store;
    private final String now;

    public JdbcLeases(Database store) {
        this.store = store;
        this.now = store.dialect().nowMs();
    }

    @Override
    public Future<List<Lease>> acquire(String holder, List<String> names, long durationMs) {
        return store.run(() -> store.write("renewing leases", () -> {
            for (String name : sorted(names)) {
                boolean held = store.update("INSERT INTO leases (" + COLUMNS + ") VALUES (?, ?, 1, " + now + " + ?, " + now + ") "
                        + "ON CONFLICT (name) DO NOTHING", name, holder, durationMs) == 1
                        || store.update("UPDATE leases SET expires_ms = " + now + " + ? WHERE name = ? AND holder = ?", durationMs, name, holder) == 1;
                if (!held) {
                    store.update("UPDATE leases SET holder = ?, token = token + 1, expires_ms = " + now + " + ?, acquired_ms = " + now
                            + " WHERE name = ? AND expires_ms < " + now, holder, durationMs, name);
                }
            }
            return heldAmong(holder, names);
        }));
    }

    @Override
    public Future<List<Lease>> claim(String holder, List<String> candidates, int share, long durationMs) {
        List<String> names = sorted(candidates);
        if (names.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        return store.run(() -> store.write("claiming leases", () -> {
            String in = marks(names.size());
            store.update("UPDATE leases SET expires_ms = " + now + " + ? WHERE holder = ? AND name IN (" + in + ")",
                    args(List.of(durationMs, holder), names));
            List<String> mine = store.query("SELECT name FROM leases WHERE holder = ? AND name IN (" + in + ") ORDER BY name",
                    rs -> rs.getString(1), args(List.of(holder), names));
            if (mine.size() > share) {
                // a collector joined: give back what is beyond this one's share, for it to take
                for (String extra : mine.subList(share, mine.size())) {
                    store.update("UPDATE leases SET holder = '', expires_ms = 0 WHERE name = ? AND holder = ?", extra, holder);
                }
            } else if (mine.size() < share) {
                try (PreparedStatement ps = store.connection().prepareStatement("INSERT INTO leases (" + COLUMNS + ") VALUES (?, '', 0, 0, 0) "
                        + "ON CONFLICT (name) DO NOTHING")) {
                    for (String name : names) {
                        Database.bind(ps, name);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                List<String> free = store.query("SELECT name FROM leases WHERE name IN (" + in + ") AND expires_ms < " + now
                        + " ORDER BY name LIMIT ?" + store.dialect().lockRows(true), rs -> rs.getString(1),
                        args(List.of(), names, share - mine.size()));
                for (String name : free) {
                    store.update("UPDATE leases SET holder = ?, token = token + 1, expires_ms = " + now + " + ?, acquired_ms = " + now
                            + " WHERE name = ?", holder, durationMs, name);
                }
            }
            return heldAmong(holder, names);
        }));
    }

    @Override
    public Future<List<Member>> heartbeat(String collectorId, List<String> pollerGroups, long durationMs) {
        return store.run(() -> store.write("recording a heartbeat", () -> {
            // started_ms is kept while the heartbeats go on, and starts again for a collector back after a gap
            store.update("INSERT INTO collectors (collector_id, poller_groups, started_ms, heartbeat_ms) VALUES (?, ?, " + now + ", " + now + ") "
                    + "ON CONFLICT (collector_id) DO UPDATE SET poller_groups = excluded.poller_groups, heartbeat_ms = excluded.heartbeat_ms, "
                    + "started_ms = CASE WHEN collectors.heartbeat_ms < excluded.heartbeat_ms - ? THEN excluded.started_ms ELSE collectors.started_ms END",
                    collectorId, String.join(",", pollerGroups), durationMs);
            store.update("DELETE FROM collectors WHERE heartbeat_ms < " + now + " - ?", FORGET_AFTER_MS);
            return live(durationMs);
        }));
    }

    @Override
    public Future<Void> leave(String holder) {
        return store.run(() -> store.write("giving leases back", () -> {
            store.update("UPDATE leases SET holder = '', expires_ms = 0 WHERE holder = ?", holder);
            store.update("DELETE FROM collectors WHERE collector_id = ?", holder);
            return null;
        }));
    }

    @Override
    public Future<View> view(long durationMs) {
        return store.run(() -> new View(store.query("SELECT " + now, rs -> rs.getLong(1)).get(0),
                store.query("SELECT " + COLUMNS + " FROM leases WHERE holder <> '' AND expires_ms >= " + now + " ORDER BY name", JdbcLeases::lease),
                live(durationMs)));
    }

    /**
     * Refuses the caller's transaction unless {@code fence} is still current; call first in a write that must not happen
     * twice. On PostgreSQL the lease row stays locked until that transaction ends, so no takeover commits in between.
     */
    static void check(Database store, Fence fence) {
        List<Long> tokens = store.query("SELECT token FROM leases WHERE name = ?" + store.dialect().lockRows(false), rs -> rs.getLong(1), fence.lease());
        long current = tokens.isEmpty() ? 0 : tokens.get(0);
        if (current != fence.token()) {
            throw new FencedOff(fence, current);
        }
    }

    private List<Member> live(long durationMs) {
        return store.query("SELECT collector_id, poller_groups, started_ms, heartbeat_ms FROM collectors WHERE heartbeat_ms >= " + now
                + " - ? ORDER BY collector_id", rs -> new Member(rs.getString(1),
                Arrays.stream(rs.getString(2).split(",")).filter(g -> !g.isEmpty()).toList(), rs.getLong(3), rs.getLong(4)), durationMs);
    }

    private List<Lease> heldAmong(String holder, List<String> names) {
        if (names.isEmpty()) {
            return List.of();
        }
        return store.query("SELECT " + COLUMNS + " FROM leases WHERE holder = ? AND name IN (" + marks(names.size()) + ") ORDER BY name",
                JdbcLeases::lease, args(List.of(holder), names));
    }

    private static Lease lease(ResultSet rs) throws SQLException {
        return new Lease(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5));
    }

    /** In name order, so two collectors lock rows in the same order and never deadlock. */
    private static List<String> sorted(List<String> names) {
        List<String> copy = new ArrayList<>(names);
        Collections.sort(copy);
        return copy;
    }

    private static String marks(int n) {
        return String.join(", ", Collections.nCopies(Math.max(1, n), "?"));
    }

    private static Object[] args(List<Object> before, List<String> names, Object... after) {
        List<Object> all = new ArrayList<>(before);
        all.addAll(names);
        all.addAll(Arrays.asList(after));
        return all.toArray();
    }
}
