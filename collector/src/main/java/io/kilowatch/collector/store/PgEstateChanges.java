package io.kilowatch.collector.store;

import io.kilowatch.collector.estate.EstateChanges;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link EstateChanges} on PostgreSQL with LISTEN/NOTIFY. Ingest calls {@link #publish} inside its transaction, so the
 * notification is delivered when, and only if, the reports commit. The payload is this collector's instance id and the
 * changed device ids, comma-separated, split to stay under NOTIFY's 8000 bytes; a collector drops notifications that
 * carry its own instance id. Listening takes a connection of its own, outside the pool (a pooled connection may be
 * handed to other work or dropped), on a thread of its own that waits in {@code getNotifications}; after an outage it
 * connects again, backing off up to {@link #MAX_BACKOFF_MILLIS}, and says changes were missed.
 */
final class PgEstateChanges implements EstateChanges {
    private static final Logger LOG = LoggerFactory.getLogger(PgEstateChanges.class);
    static final String CHANNEL = "kilowatch_estate";
    /** NOTIFY refuses payloads of 8000 bytes or more; device ids are ASCII, so characters are bytes. */
    static final int MAX_PAYLOAD_BYTES = 7_900;
    private static final long MAX_BACKOFF_MILLIS = 10_000;
    private static final int WAIT_MILLIS = 1_000;
    private static final int ALIVE_CHECK_WAITS = 10;

    private final StoreConfig.Postgresql where;
    private final String instanceId;
    private volatile boolean closed;
    private Thread thread;

    PgEstateChanges(StoreConfig.Postgresql where, String instanceId) {
        this.where = where;
        this.instanceId = instanceId;
    }

    /** Publishes these devices as changed, in the caller's transaction on {@code connection}. */
    void publish(Connection connection, Collection<String> deviceIds) throws SQLException {
        for (String payload : payloads(instanceId, deviceIds)) {
            try (PreparedStatement ps = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
                ps.setString(1, CHANNEL);
                ps.setString(2, payload);
                ps.execute();
            }
        }
    }

    /** "instance id,device,device,...", each under {@link #MAX_PAYLOAD_BYTES}. */
    static List<String> payloads(String instanceId, Collection<String> deviceIds) {
        List<String> payloads = new ArrayList<>();
        StringBuilder payload = new StringBuilder(instanceId);
        for (String id : new LinkedHashSet<>(deviceIds)) {
            if (payload.length() + 1 + id.length() > MAX_PAYLOAD_BYTES) {
                payloads.add(payload.toString());
                payload = new StringBuilder(instanceId);
            }
            payload.append(',').append(id);
        }
        if (payload.length() > instanceId.length()) {
            payloads.add(payload.toString());
        }
        return payloads;
    }

    @Override
    public synchronized void subscribe(Consumer<Set<String>> devices, Runnable missed) {
        if (thread != null) {
            throw new IllegalStateException("already subscribed");
        }
        thread = new Thread(() -> listen(devices, missed), "kilowatch-estate-changes");
        thread.setDaemon(true);
        thread.start();
    }

    private void listen(Consumer<Set<String>> devices, Runnable missed) {
        long backoffMillis = 250;
        boolean everConnected = false;
        while (!closed) {
            try (Connection c = DriverManager.getConnection(where.url(), connectionProperties())) {
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + CHANNEL);
                }
                if (everConnected) {
                    LOG.atInfo().log("listening for other collectors' reports again");
                    missed.run();
                }
                everConnected = true;
                backoffMillis = 250;
                PGConnection pg = c.unwrap(PGConnection.class);
                for (long waits = 1; !closed; waits++) {
                    if (waits % ALIVE_CHECK_WAITS == 0) {
                        // Waiting for notifications sends nothing: a link cut silently shows only when something is sent.
                        try (Statement s = c.createStatement()) {
                            s.execute("SELECT 1");
                        }
                    }
                    PGNotification[] notifications = pg.getNotifications(WAIT_MILLIS);
                    Set<String> changed = new LinkedHashSet<>();
                    for (PGNotification n : notifications == null ? new PGNotification[0] : notifications) {
                        String[] parts = n.getParameter().split(",");
                        if (!parts[0].equals(instanceId)) {
                            changed.addAll(Arrays.asList(parts).subList(1, parts.length));
                        }
                    }
                    if (!changed.isEmpty()) {
                        devices.accept(changed);
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    break;
                }
                LOG.atWarn().addKeyValue("error", e.getMessage()).addKeyValue("retry_ms", backoffMillis)
                        .log("not listening for other collectors' reports; live updates from them wait for the next refresh");
                sleep(backoffMillis);
                backoffMillis = Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
            }
        }
    }

    private Properties connectionProperties() {
        Properties p = new Properties();
        p.setProperty("user", where.user());
        where.password().ifPresent(password -> p.setProperty("password", password));
        p.setProperty("connectTimeout", "3");
        p.setProperty("socketTimeout", "10");
        // An idle listener must notice a server or network that vanished without a word, and connect again.
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("ApplicationName", "kilowatch-collector estate changes");
        return p;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            try {
                t.join(WAIT_MILLIS * 3L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
