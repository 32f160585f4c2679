package io.kilowatch.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.core.carbon.AnnualGridFactors;
import io.kilowatch.core.config.ConfigException;
import io.kilowatch.core.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shipped example config is valid, every key the collector reads is documented, and bad values fail fast. */
class ExampleConfigTest {
    @Test
    void exampleConfigLoadsAndEveryKeyIsDocumented() throws Exception {
        Path secret = Files.createTempFile("kilowatch-secret", "");
        Files.writeString(secret, "a-long-enough-secret\n");
        Settings settings = Settings.parse(Files.readString(Path.of("kilowatch-collector.yaml")), "kilowatch-collector.yaml", Map.of(), "X_").readSecretFilesWith(CollectorConfig.SECRET_FILES)
                .override("sites.Leeds DC.pue", "1.58")
                .override("sites.Leeds DC.grid_factors_kgco2e_per_kwh.2024", "0.033")
                .override("snmp.auths.netops.username", "kilowatch")
                .override("snmp.auths.netops.auth_password_file", secret.toString())
                .override("snmp.auths.netops.priv_password_file", secret.toString())
                .override("snmp.auths.legacy.version", "v2c")
                .override("snmp.auths.legacy.community_file", secret.toString())
                .override("snmp.targets.ups-1.address", "10.0.0.5")
                .override("snmp.targets.ups-1.auth", "netops")
                .override("snmp.targets.ups-1.outlets.3.device", "srv-1")
                .override("snmp.traps.kinds.on_battery", "1.3.6.1.4.1.534.1.11.4.0.3")
                .override("sites.Leeds DC.td_losses_kgco2e_per_kwh.2024", "0.002")
                .override("sites.Leeds DC.region", "London")
                .override("sites.Leeds DC.tariff.gbp_per_kwh", "0.24")
                .override("tariff.gbp_per_kwh", "0.28")
                .override("tariff.name", "contract")
                .override("tariff.bands.night.days", "mon-fri")
                .override("tariff.bands.night.from", "23:00")
                .override("tariff.bands.night.to", "07:00")
                .override("tariff.bands.night.gbp_per_kwh", "0.15")
                .override("alerting.channels.ops.type", "webhook").override("alerting.channels.ops.url", "https://hooks.example.org/k")
                .override("alerting.channels.mail.type", "email").override("alerting.channels.mail.smtp_host", "smtp.example.org")
                .override("alerting.channels.mail.from", "k@example.org").override("alerting.channels.mail.to", "ops@example.org");
        CollectorConfig config = CollectorConfig.from(settings);
        settings.requireAllKeysKnown();
        assertEquals(8080, config.httpPort());
        assertEquals(1.58, config.carbon().forSite("Leeds DC").pue());
        assertEquals(207.05, config.carbon().forSite("County Hall").factors().gramsPerKwh(2024), 1e-9);
        assertEquals(33.0, config.carbon().forSite("Leeds DC").factors().gramsPerKwh(2024), 1e-9);
        assertEquals(2.0, config.carbon().forSite("Leeds DC").tdLosses().gramsPerKwh(2024), 1e-9);
        assertEquals("13", config.carbon().forSite("Leeds DC").region());
        assertEquals("national", config.carbon().forSite("County Hall").region());
        assertEquals(18.30, config.carbon().forSite("County Hall").tdLosses().gramsPerKwh(2024), 1e-9);
        // The example lists the built-in DESNZ tables year for year, so an officer copying it gets the defaults.
        AnnualGridFactors.UK_DESNZ_GENERATION_KG_PER_KWH.forEach((year, kg) -> assertEquals(kg * 1000,
                config.carbon().forSite("County Hall").factors().gramsPerKwh(year), 1e-9, "generation " + year));
        AnnualGridFactors.UK_DESNZ_TD_LOSSES_KG_PER_KWH.forEach((year, kg) -> assertEquals(kg * 1000,
                config.carbon().forSite("County Hall").tdLosses().gramsPerKwh(year), 1e-9, "T&D " + year));
        // Monday 6 Jan 2025 23:30 in London is in the night band; the site's own flat rate applies there
        assertEquals(0.15, config.carbon().forSite("County Hall").tariff().gbpPerKwhAt(Instant.parse("2025-01-06T23:30:00Z")));
        assertEquals(0.24, config.carbon().forSite("Leeds DC").tariff().gbpPerKwhAt(Instant.parse("2025-01-06T23:30:00Z")));
        assertEquals(false, config.intensityFetch().enabled());

        String docs = Files.readString(Path.of("../docs/configuration.md"));
        List<String> undocumented = settings.keysRead().stream()
                .map(k -> k.replace("Leeds DC", "<site>").replace(".night.", ".<band>.").replaceAll("\\.\\d{4}$", ".<year>")
                        .replaceAll("^snmp\\.auths\\.(netops|legacy)\\.", "snmp.auths.<auth>.")
                        .replace("snmp.targets.ups-1.", "snmp.targets.<target>.").replace(".outlets.3.", ".outlets.<n>.").replace("kinds.on_battery", "kinds.<kind>")
                        .replaceAll("^alerting\\.rules\\.[a-z_]+\\.", "alerting.rules.<rule>.")
                        .replaceAll("^alerting\\.channels\\.(ops|mail)\\.", "alerting.channels.<channel>.")
                        .replace("carbon.windows.jobs.nightly-backup.", "carbon.windows.jobs.<job>."))
                .filter(k -> !docs.contains("`" + k + "`")).distinct().toList();
        assertEquals(List.of(), undocumented, "keys missing from docs/configuration.md");
    }

    @Test
    void exampleAgentSettingsFileLoads() throws Exception {
        Settings s = Settings.parse(Files.readString(Path.of("kilowatch-agent-settings.yaml")), "kilowatch-agent-settings.yaml", Map.of(), "");
        var rules = io.kilowatch.core.agentsettings.AgentSettingsRules.from(s);
        s.requireAllKeysKnown();
        var depot = rules.resolve(Map.of("class", "desktop", "site", "Depot"));
        assertEquals(java.util.Optional.of(java.time.Duration.ofSeconds(60)), depot.reportInterval());
        assertEquals(java.util.Optional.of(35.0), depot.idleWatts());
        assertEquals("Corporate ICT", rules.resolve(Map.of("class", "server", "site", "County Hall", "org", "Example Council")).labels().get("department"));
    }

    @Test
    void badValuesFailNamingTheKey() {
        ConfigException zone = assertThrows(ConfigException.class,
                () -> CollectorConfig.from(Settings.empty("t").override("time_zone", "Mars/Olympus")));
        assertTrue(zone.getMessage().contains("time_zone"), zone.getMessage());
        ConfigException year = assertThrows(ConfigException.class,
                () -> CollectorConfig.from(Settings.empty("t").override("carbon.grid_factors_kgco2e_per_kwh.twenty", "0.2")));
        assertTrue(year.getMessage().contains("carbon.grid_factors_kgco2e_per_kwh.twenty"), year.getMessage());
        ConfigException pue = assertThrows(ConfigException.class,
                () -> CollectorConfig.from(Settings.empty("t").override("sites.HQ.pue", "0.5")));
        assertTrue(pue.getMessage().contains("sites.HQ.pue"), pue.getMessage());
        ConfigException sync = assertThrows(ConfigException.class,
                () -> CollectorConfig.from(Settings.empty("t").override("storage.sync", "off")));
        assertTrue(sync.getMessage().contains("storage.sync"), sync.getMessage());
        ConfigException plainOnNetwork = assertThrows(ConfigException.class,
                () -> CollectorConfig.from(Settings.empty("t").override("http.host", "0.0.0.0")));
        assertTrue(plainOnNetwork.getMessage().contains("http.tls.cert_file"), plainOnNetwork.getMessage());
        assertEquals("0.0.0.0", CollectorConfig.from(Settings.empty("t").override("http.host", "0.0.0.0")
                .override("http.allow_plain_http", "true")).httpHost());
        assertThrows(ConfigException.class, () -> CollectorConfig.from(Settings.empty("t").override("http.tls.cert_file", "/x.crt")));
        assertThrows(ConfigException.class, () -> CollectorConfig.from(Settings.empty("t").override("security.agents.require_client_certificate", "true")));
        ConfigException secretOnCli = assertThrows(ConfigException.class,
                () -> CollectorConfig.from(Settings.empty("t").override("security.agents.enrolment_token", "abc")));
        assertTrue(secretOnCli.getMessage().contains("KILOWATCH") || secretOnCli.getMessage().contains("environment"), secretOnCli.getMessage());
        ConfigException overlap = assertThrows(ConfigException.class, () -> CollectorConfig.from(Settings.empty("t")
                .override("tariff.gbp_per_kwh", "0.3").override("tariff.bands.a.from", "06:00").override("tariff.bands.a.to", "09:00")
                .override("tariff.bands.a.gbp_per_kwh", "0.1").override("tariff.bands.b.from", "08:00").override("tariff.bands.b.to", "10:00")
                .override("tariff.bands.b.gbp_per_kwh", "0.2")));
        assertTrue(overlap.getMessage().contains("overlap"), overlap.getMessage());
        ConfigException region = assertThrows(ConfigException.class,
                () -> CollectorConfig.from(Settings.empty("t").override("sites.HQ.region", "42")));
        assertTrue(region.getMessage().contains("sites.HQ.region"), region.getMessage());
        assertThrows(ConfigException.class, () -> CollectorConfig.from(Settings.empty("t").override("tariff.bands.a.from", "06:00")));
        assertThrows(ConfigException.class, () -> CollectorConfig.from(Settings.empty("t").override("tariff.gbp_per_kwh", "0.3")
                .override("tariff.bands.a.days", "someday").override("tariff.bands.a.from", "06:00").override("tariff.bands.a.to", "07:00")));
        assertEquals(2026, CollectorConfig.from(Settings.empty("t")).carbon().yearOf(Instant.parse("2026-06-01T00:00:00Z")));
    }
}
