package io.kilowatch.collector.store;

import io.kilowatch.core.config.ConfigException;
import io.kilowatch.core.config.Settings;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Which store the collector keeps its data in (docs/configuration.md, {@code store.*}): the embedded SQLite file in
 * {@code data_dir} (the default), or a PostgreSQL database.
 *
 * @param dataDir where the SQLite file lives; other features keep files there whichever store is used
 * @param sync when a commit reaches the disk ({@code storage.sync})
 * @param postgresql where PostgreSQL is, when {@code type} is {@link Type#POSTGRESQL}; null otherwise
 */
public record StoreConfig(Type type, Path dataDir, Database.Sync sync, Postgresql postgresql) {
    public enum Type { SQLITE, POSTGRESQL }

    /** {@link #toString()} leaves the password out, so it never reaches a log. */
    public record Postgresql(String url, String user, Optional<String> password) {
        @Override
        public String toString() {
            return "Postgresql[" + redactedUrl() + ", user " + user + (password.isPresent() ? ", password set" : "") + "]";
        }

        /** The URL without its query, where a password may have been put despite the advice. */
        public String redactedUrl() {
            int query = url.indexOf('?');
            return query < 0 ? url : url.substring(0, query) + "?...";
        }
    }

    public static StoreConfig sqlite(Path dataDir, Database.Sync sync) {
        return new StoreConfig(Type.SQLITE, dataDir, sync, null);
    }

    public static StoreConfig postgresql(Path dataDir, Database.Sync sync, Postgresql postgresql) {
        return new StoreConfig(Type.POSTGRESQL, dataDir, sync, postgresql);
    }

    public static StoreConfig from(Settings s) {
        Path dataDir = Path.of(s.string("data_dir", "data"));
        Database.Sync sync = sync(s.string("storage.sync", "full"));
        String type = s.string("store.type", "sqlite");
        // Read whatever the type, so a config that keeps the PostgreSQL keys while on SQLite is not taken for a typo.
        String url = s.string("store.postgresql.url", "");
        String user = s.string("store.postgresql.user", "");
        Optional<String> password = s.secret("store.postgresql.password");
        return switch (type) {
            case "sqlite" -> sqlite(dataDir, sync);
            case "postgresql" -> {
                requireJdbcUrl("store.postgresql.url", url);
                if (user.isBlank()) {
                    throw new ConfigException("store.postgresql.user is required with store.type: postgresql");
                }
                yield postgresql(dataDir, sync, new Postgresql(url, user, password));
            }
            default -> throw new ConfigException("store.type must be sqlite or postgresql, not '" + type + "'");
        };
    }

    /**
     * The PostgreSQL database at {@code url} (migrate-store's {@code --to}), logged in to as the store's role: the user
     * is {@code store.postgresql.user}, else the URL's {@code user} parameter; the password is the store's secret, unless
     * the URL carries one (pgJDBC lets the URL's parameters win).
     */
    public static Postgresql postgresqlAt(Settings s, String url) {
        requireJdbcUrl("--to", url);
        String user = s.string("store.postgresql.user", "");
        if (user.isBlank()) {
            user = urlParameter(url, "user");
        }
        if (user.isBlank()) {
            throw new ConfigException("name the PostgreSQL role with store.postgresql.user or in the URL (?user=NAME)");
        }
        return new Postgresql(url, user, s.secret("store.postgresql.password"));
    }

    private static void requireJdbcUrl(String key, String url) {
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new ConfigException(key + " must be a JDBC URL such as jdbc:postgresql://db.example:5432/kilowatch, got '"
                    + new Postgresql(url, "", Optional.empty()).redactedUrl() + "'");
        }
    }

    /** A query parameter of a JDBC URL, decoded as pgJDBC decodes it; empty when absent. */
    private static String urlParameter(String url, String name) {
        int query = url.indexOf('?');
        if (query >= 0) {
            for (String pair : url.substring(query + 1).split("&")) {
                if (pair.startsWith(name + "=")) {
                    return java.net.URLDecoder.decode(pair.substring(name.length() + 1), java.nio.charset.StandardCharsets.UTF_8);
                }
            }
        }
        return "";
    }

    /** What the log says about the store: never a password. */
    public String describe() {
        return type == Type.SQLITE ? "sqlite " + dataDir.resolve(Database.SQLITE_FILE).toAbsolutePath() : "postgresql " + postgresql.redactedUrl();
    }

    private static Database.Sync sync(String value) {
        return switch (value) {
            case "full" -> Database.Sync.FULL;
            case "normal" -> Database.Sync.NORMAL;
            default -> throw new ConfigException("storage.sync must be full or normal, not '" + value + "'");
        };
    }
}
