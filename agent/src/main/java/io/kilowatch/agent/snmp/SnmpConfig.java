package io.kilowatch.agent.snmp;

import io.kilowatch.core.config.ConfigException;
import io.kilowatch.core.config.Settings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * The SNMP sub-agent's settings ({@code snmp.*}). Plain values only: nothing here loads SNMP4J, so an
 * agent with SNMP off never touches it. Passwords and communities are secrets (environment or file)
 * and are left out of {@link #toString()}s.
 *
 * @param port 0 picks any free port (tests)
 * @param engineId empty: derived from the device id, so it stays the same across restarts
 * @param sysName empty: the host name
 */
public record SnmpConfig(
        boolean enabled,
        InetAddress address,
        int port,
        Optional<byte[]> engineId,
        String sysName,
        String sysContact,
        String sysLocation,
        List<User> users,
        List<Community> communities) {

    public static final List<String> AUTH_PROTOCOLS = List.of("sha", "sha-224", "sha-256", "sha-384", "sha-512");
    public static final List<String> PRIV_PROTOCOLS = List.of("aes", "aes-192", "aes-256", "none");
    /** USM security names are at most 32 octets (RFC 3414); environment variable names need plain characters. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]{1,32}");
    /** RFC 3414 11.2: pass phrases of at least 8 characters; Net-SNMP refuses shorter ones too. */
    private static final int MIN_PASSWORD_LENGTH = 8;

    /** An SNMPv3 USM user with read-only access. {@code privProtocol} "none" means authNoPriv. */
    public record User(String name, String authProtocol, String authPassword, String privProtocol, String privPassword) {
        public boolean privacy() {
            return !"none".equals(privProtocol);
        }

        @Override
        public String toString() {
            return "User[" + name + ", " + authProtocol + "/" + privProtocol + "]";
        }
    }

    /** A read-only SNMPv2c community; {@code name} labels it in config and logs, the community itself is secret. */
    public record Community(String name, String community) {
        @Override
        public String toString() {
            return "Community[" + name + "]";
        }
    }

    /**
     * @param secrets reads a secret key from the environment or its {@code _file} key
     */
    public static SnmpConfig from(Settings s, BiFunction<Settings, String, Optional<String>> secrets) {
        boolean enabled = s.bool("snmp.enabled", false);
        String addressText = s.string("snmp.address", "127.0.0.1");
        InetAddress address;
        try {
            address = InetAddress.getByName(addressText.trim());
        } catch (UnknownHostException e) {
            throw new ConfigException("snmp.address must be an IP address or a resolvable host name, got '" + addressText + "'");
        }
        int port = s.integer("snmp.port", 161, 0, 65_535);
        String engineText = s.string("snmp.engine_id", "").trim();
        Optional<byte[]> engineId = engineText.isEmpty() ? Optional.empty() : Optional.of(engineId(engineText));
        List<User> users = new ArrayList<>();
        for (String name : s.children("snmp.users")) {
            users.add(user(s, name, secrets));
        }
        List<Community> communities = new ArrayList<>();
        for (String name : s.children("snmp.communities")) {
            checkName("snmp.communities", name);
            String key = "snmp.communities." + name + ".community";
            String community = secrets.apply(s, key).orElseThrow(() -> new ConfigException(
                    key + " is not set: give it in " + Settings.envName("KILOWATCH_AGENT_", key) + " or name a file with " + key + "_file"));
            communities.add(new Community(name, community));
        }
        if (enabled && users.isEmpty() && communities.isEmpty()) {
            throw new ConfigException("snmp.enabled is true but no snmp.users (SNMPv3) or snmp.communities (SNMPv2c) are configured: "
                    + "nobody could query the agent");
        }
        return new SnmpConfig(enabled, address, port, engineId,
                s.string("snmp.system.name", "").trim(),
                s.string("snmp.system.contact", "").trim(),
                s.string("snmp.system.location", "").trim(),
                List.copyOf(users), List.copyOf(communities));
    }

    private static User user(Settings s, String name, BiFunction<Settings, String, Optional<String>> secrets) {
        checkName("snmp.users", name);
        String key = "snmp.users." + name;
        String auth = choice(s, key + ".auth_protocol", "sha-256", AUTH_PROTOCOLS);
        String priv = choice(s, key + ".priv_protocol", "aes", PRIV_PROTOCOLS);
        String authPassword = password(s, key + ".auth_password", secrets);
        String privPassword = "none".equals(priv) ? "" : password(s, key + ".priv_password", secrets);
        return new User(name, auth, authPassword, priv, privPassword);
    }

    private static String password(Settings s, String key, BiFunction<Settings, String, Optional<String>> secrets) {
        String password = secrets.apply(s, key).orElseThrow(() -> new ConfigException(
                key + " is not set: give it in " + Settings.envName("KILOWATCH_AGENT_", key) + " or name a file with " + key + "_file"));
        if (password.length() < MIN_PASSWORD_LENGTH) {
            throw new ConfigException(key + " must be at least " + MIN_PASSWORD_LENGTH + " characters (RFC 3414)");
        }
        return password;
    }

    private static String choice(Settings s, String key, String defaultValue, List<String> allowed) {
        String value = s.string(key, defaultValue).trim().toLowerCase(Locale.ROOT);
        if (!allowed.contains(value)) {
            throw new ConfigException(key + " must be one of " + String.join(", ", allowed) + ", got '" + value + "'");
        }
        return value;
    }

    private static void checkName(String section, String name) {
        if (!NAME.matcher(name).matches()) {
            throw new ConfigException(section + "." + name + ": a name must be 1-32 letters, digits or '_'");
        }
    }

    /** RFC 3411 SnmpEngineID: 5 to 32 octets, written in hex. */
    private static byte[] engineId(String hex) {
        try {
            byte[] bytes = HexFormat.of().parseHex(hex.replace(":", ""));
            if (bytes.length >= 5 && bytes.length <= 32) {
                return bytes;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new ConfigException("snmp.engine_id must be 5 to 32 octets in hex (e.g. 80001f8804...), got '" + hex + "'");
    }

    @Override
    public String toString() {
        return "SnmpConfig[enabled=" + enabled + ", address=" + address.getHostAddress() + ", port=" + port
                + ", users=" + users + ", communities=" + communities + "]";
    }
}
