package io.kilowatch.collector.snmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.collector.CollectorConfig;
import io.kilowatch.core.config.ConfigException;
import io.kilowatch.core.config.Settings;
import io.kilowatch.core.snmp.ProfileMetric;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnmpConfigTest {
    static final String ENV = "KILOWATCH_COLLECTOR_";

    private static Settings settings(Map<String, String> env, String... keyValues) {
        Settings s = Settings.parse("", "test.yaml", env, ENV).readSecretFilesWith(CollectorConfig.SECRET_FILES);
        for (int i = 0; i < keyValues.length; i += 2) {
            s.override(keyValues[i], keyValues[i + 1]);
        }
        return s;
    }

    @Test
    void v3WithSha2AndAesIsTheDefaultAndSecretsNeverShow() {
        SnmpConfig c = SnmpConfig.from(settings(Map.of(ENV + "SNMP_AUTHS_NETOPS_AUTH_PASSWORD", "auth-secret-1",
                ENV + "SNMP_AUTHS_NETOPS_PRIV_PASSWORD", "priv-secret-2"),
                "snmp.auths.netops.username", "kw", "snmp.targets.sw-1.address", "10.0.0.2", "snmp.targets.sw-1.auth", "netops",
                "snmp.targets.sw-1.class", "switch", "snmp.targets.sw-1.feeds", "a, b"));
        SnmpConfig.Auth a = c.auths().get("netops");
        assertEquals(SnmpConfig.Version.V3, a.version());
        assertEquals(SnmpConfig.Level.AUTH_PRIV, a.level());
        assertEquals("sha-256", a.authProtocol());
        assertEquals("aes", a.privProtocol());
        assertFalse(a.toString().contains("secret"), a.toString());
        assertFalse(c.toString().contains("secret"), "no secret in any rendering of the config");
        SnmpConfig.Target t = c.targets().get("sw-1");
        assertEquals(List.of("a", "b"), t.feeds());
        assertEquals(30.0, t.model().idleWatts());
        assertEquals("switch", t.labels().get("class"));
    }

    @Test
    void aPdusOutletsNameTheDevicesOnThem() {
        // as an operator writes them: outlet numbers are YAML keys, a dual-supply server on two outlets
        String yaml = """
                snmp:
                  auths: {old: {version: v2c}}
                  targets:
                    pdu-1:
                      address: 10.0.0.9
                      auth: old
                      outlets:
                        3: {device: srv-1}
                        10: {device: srv-2}
                        11: {device: srv-2}
                """;
        Settings s = Settings.parse(yaml, "test.yaml", Map.of(ENV + "SNMP_AUTHS_OLD_COMMUNITY", "public"), ENV);
        assertEquals(Map.of(3L, "srv-1", 10L, "srv-2", 11L, "srv-2"), SnmpConfig.from(s).targets().get("pdu-1").outlets());
        s.requireAllKeysKnown();
        ConfigException notANumber = assertThrows(ConfigException.class, () -> SnmpConfig.from(settings(Map.of(ENV + "SNMP_AUTHS_OLD_COMMUNITY", "public"),
                "snmp.auths.old.version", "v2c", "snmp.targets.pdu-1.address", "10.0.0.9", "snmp.targets.pdu-1.auth", "old",
                "snmp.targets.pdu-1.outlets.a3.device", "srv-1")));
        assertTrue(notANumber.getMessage().contains("snmp.targets.pdu-1.outlets.a3: an outlet is its number"), notANumber.getMessage());
        ConfigException itself = assertThrows(ConfigException.class, () -> SnmpConfig.from(settings(Map.of(ENV + "SNMP_AUTHS_OLD_COMMUNITY", "public"),
                "snmp.auths.old.version", "v2c", "snmp.targets.pdu-1.address", "10.0.0.9", "snmp.targets.pdu-1.auth", "old",
                "snmp.targets.pdu-1.outlets.3.device", "pdu-1")));
        assertTrue(itself.getMessage().contains("names the target itself"), itself.getMessage());
    }

    @Test
    void secretsComeFromFilesAndNeverFromTheConfigFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("community");
        Files.writeString(file, "from-a-file\n");
        assertEquals("from-a-file", SnmpConfig.from(settings(Map.of(), "snmp.auths.old.version", "v2c",
                "snmp.auths.old.community_file", file.toString())).auths().get("old").community());
        ConfigException inFile = assertThrows(ConfigException.class, () -> SnmpConfig.from(settings(Map.of(),
                "snmp.auths.old.version", "v2c", "snmp.auths.old.community", "public")));
        assertTrue(inFile.getMessage().contains("KILOWATCH_COLLECTOR_SNMP_AUTHS_OLD_COMMUNITY"), inFile.getMessage());
    }

    @Test
    void badValuesFailNamingTheKey() {
        Map<String, String> env = Map.of(ENV + "SNMP_AUTHS_A_AUTH_PASSWORD", "short", ENV + "SNMP_AUTHS_A_PRIV_PASSWORD", "long-enough");
        assertMessage("snmp.auths.a.auth_password must be at least 8 characters (RFC 3414)", env, "snmp.auths.a.username", "u");
        assertMessage("snmp.auths.a.auth_protocol must be one of md5, sha, sha-224, sha-256, sha-384, sha-512, got 'sha3'", env,
                "snmp.auths.a.username", "u", "snmp.auths.a.auth_protocol", "sha3");
        assertMessage("snmp.targets.x.auth names auth profile 'nope', which is not under snmp.auths (known: )", Map.of(),
                "snmp.targets.x.address", "h", "snmp.targets.x.auth", "nope");
        assertMessage("snmp.discovery.cidr: '10.0.0.0/8': the prefix must be /16 to /32 (at most 65534 hosts a sweep)", Map.of(),
                "snmp.discovery.cidr", "10.0.0.0/8");
        assertMessage("snmp.traps.auths must name the auth profiles whose traps are accepted (comma-separated)", Map.of(),
                "snmp.traps.enabled", "true");
    }

    private static void assertMessage(String expected, Map<String, String> env, String... keyValues) {
        assertEquals(expected, assertThrows(ConfigException.class, () -> SnmpConfig.from(settings(env, keyValues))).getMessage());
    }

    @Test
    void shippedProfilesLoadAndAUserProfileReplacesOne(@TempDir Path dir) throws Exception {
        ProfileLoader.Loaded shipped = ProfileLoader.load(Optional.empty());
        assertEquals(List.of(), shipped.errors());
        assertEquals(List.of("apc-rpdu2", "host"), names(shipped.profiles().applicable("1.3.6.1.4.1.318.1.3.4.5", Set.of())));
        assertEquals(List.of("apc-ups", "host"), names(shipped.profiles().applicable("1.3.6.1.4.1.318.1.3.27", Set.of())),
                "sysObjectID is a hint for the PowerNet UPS profile");
        assertEquals(List.of("host"), names(shipped.profiles().applicable("1.3.6.1.4.1.8072.3.2.10", Set.of())),
                "Net-SNMP on Linux answering no power MIB gets the host profile");
        assertEquals(List.of("aruba-cx-psu", "entity-sensor", "host", "poe-switch"), names(shipped.profiles().applicable("1.3.6.1.4.1.47196.4.1.1.1.424",
                Set.of("1.3.6.1.4.1.47196.4.1.1.3.11.2.1.1.7", "1.3.6.1.2.1.99.1.1.1.1", "1.3.6.1.2.1.105.1.3.1.1.4"))),
                "a PoE switch composes PSU power, entity power and PoE with the host, its own PSU table first");
        assertTrue(shipped.profiles().metrics("ups-mib").stream().anyMatch(m -> m.role() == ProfileMetric.Role.INTERFACE_OPER_STATUS),
                "the UPS profile includes the interfaces");
        Files.writeString(dir.resolve("printer.yaml"), "name: printer\nmatch: {sys_object_id_prefixes: [1.3.6.1.4.1.2435]}\n"
                + "metrics:\n  - {name: pages, oid: 1.3.6.1.2.1.43.10.2.1.4, table: true}\n");
        Files.writeString(dir.resolve("typo.yaml"), "name: typo\nmetrics:\n  - {name: x, oid: 1.3.6, scael: 2}\n");
        ProfileLoader.Loaded mine = ProfileLoader.load(Optional.of(dir));
        assertEquals(List.of("pages"), mine.profiles().metrics("printer").stream().map(ProfileMetric::name).toList());
        assertEquals(1, mine.errors().size());
        assertTrue(mine.errors().get(0).endsWith("typo.yaml: metrics[0].scael is not a known field; use absent_values, decimal_digits, filters, help, kind, name, oid, role, scale, table, unit"),
                mine.errors().get(0));
    }

    private static List<String> names(List<io.kilowatch.core.snmp.SnmpProfile> profiles) {
        return profiles.stream().map(io.kilowatch.core.snmp.SnmpProfile::name).toList();
    }

    @Test
    void aTargetNameMayHoldDotsAndNameSeveralProfiles() {
        Settings s = Settings.parse("""
                snmp:
                  enabled: true
                  auths:
                    v2: {version: v2c}
                  targets:
                    pdu1.dc1:
                      address: 10.0.0.5
                      auth: v2
                      class: pdu
                      profiles: apc-rpdu2, host
                """, "kilowatch-collector.yaml", Map.of("KILOWATCH_COLLECTOR_SNMP_AUTHS_V2_COMMUNITY", "public"), "KILOWATCH_COLLECTOR_");
        SnmpConfig c = SnmpConfig.from(s);
        assertEquals(Set.of("pdu1.dc1"), c.targets().keySet());
        assertEquals("10.0.0.5", c.targets().get("pdu1.dc1").address());
        assertEquals(List.of("apc-rpdu2", "host"), c.targets().get("pdu1.dc1").profiles());
    }
}
