package io.kilowatch.core.agentsettings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.core.config.ConfigException;
import io.kilowatch.core.config.Settings;
import io.kilowatch.core.energy.PowerModel;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AgentSettingsRulesTest {
    private static final String RULES = """
            rules:
              20-county-hall:
                match:
                  site: County Hall
                  org: Example Council
                report_interval: 30s
                labels:
                  department: Revenues
              10-desktops:
                match:
                  class: desktop,laptop
                report_interval: 60s
                labels:
                  department: Corporate ICT
                power_model:
                  idle_watts: 35
                  max_watts: 110
              30-servers:
                match:
                  class: server
                report_interval: 10s
            """;

    private static AgentSettingsRules rules(String yaml) {
        Settings s = Settings.parse(yaml, "agent-settings.yaml", Map.of(), "");
        AgentSettingsRules rules = AgentSettingsRules.from(s);
        s.requireAllKeysKnown();
        return rules;
    }

    @Test
    void laterRulesByNameOverrideEarlierOnesKeyByKeyAndEachValueNamesItsRule() {
        AgentSettingsRules rules = rules(RULES);
        CentralSettings hall = rules.resolve(Map.of("class", "desktop", "site", "County Hall", "org", "Example Council"));
        assertEquals(Optional.of(Duration.ofSeconds(30)), hall.reportInterval());
        assertEquals(Map.of("department", "Revenues"), hall.labels());
        assertEquals(Optional.of(35.0), hall.idleWatts());
        assertEquals("20-county-hall", hall.sources().get(CentralSettings.REPORT_INTERVAL));
        assertEquals("10-desktops", hall.sources().get(CentralSettings.IDLE_WATTS));

        CentralSettings laptopElsewhere = rules.resolve(Map.of("class", "laptop", "site", "Depot", "org", "Example Council"));
        assertEquals(Optional.of(Duration.ofSeconds(60)), laptopElsewhere.reportInterval());
        assertEquals("Corporate ICT", laptopElsewhere.labels().get("department"));

        CentralSettings hallServerOtherOrg = rules.resolve(Map.of("class", "server", "site", "County Hall", "org", "Partner"));
        assertEquals(Optional.of(Duration.ofSeconds(10)), hallServerOtherOrg.reportInterval(), "all a rule names must match");
        assertEquals(Map.of(), hallServerOtherOrg.labels());

        assertEquals(CentralSettings.NONE, rules.resolve(Map.of("class", "thin_client")));
    }

    @Test
    void theAgentsOwnConfigWinsKeyByKey() {
        CentralSettings central = rules(RULES).resolve(Map.of("class", "desktop"));
        CentralSettings.Effective local = new CentralSettings.Effective(Duration.ofSeconds(15), Map.of("class", "desktop", "department", "Mine"),
                new PowerModel(20, 60));
        CentralSettings.Effective merged = central.merge(local, Set.of("device.labels.department", CentralSettings.MAX_WATTS));
        assertEquals(Duration.ofSeconds(60), merged.reportInterval(), "not set locally: the rule's");
        assertEquals("Mine", merged.labels().get("department"), "set locally: the agent's");
        assertEquals(new PowerModel(35, 60), merged.powerModel());
        // a central idle above the local max lifts the max with it rather than breaking the model
        CentralSettings.Effective low = new CentralSettings.Effective(Duration.ofSeconds(15), Map.of(), new PowerModel(5, 20));
        assertEquals(new PowerModel(35, 35), central.merge(low, Set.of(CentralSettings.MAX_WATTS)).powerModel());
    }

    @Test
    void explainsEachValueAndWhetherTheDeviceHasTakenItUp() {
        CentralSettings central = rules(RULES).resolve(Map.of("class", "desktop"));
        var rows = central.explain(Duration.ofSeconds(15), Map.of("class", "desktop", "department", "Corporate ICT", "site", "Depot"),
                Set.of("device.labels.site"));
        var byKey = new java.util.HashMap<String, CentralSettings.Provenance>();
        rows.forEach(r -> byKey.put(r.key(), r));
        assertEquals(new CentralSettings.Provenance("report_interval", 15.0, "rule", "10-desktops", false),
                byKey.get("report_interval"), "the rule says 60 s; the device still reports 15 s: not yet applied");
        assertEquals(new CentralSettings.Provenance("device.labels.department", "Corporate ICT", "rule", "10-desktops", true),
                byKey.get("device.labels.department"));
        assertEquals("agent_config", byKey.get("device.labels.site").source());
        assertEquals("agent_default", byKey.get("device.labels.org").source());
        assertEquals(35.0, byKey.get(CentralSettings.IDLE_WATTS).value());
    }

    @Test
    void badRulesFailNamingTheKey() {
        assertMessage("rules.a.match.class: unknown class 'toaster'", "rules:\n  a:\n    match: {class: toaster}\n    report_interval: 5s\n");
        assertMessage("rules.a.report_interval", "rules:\n  a:\n    report_interval: 2h\n");
        assertMessage("rules.a.labels.site: a rule may not set a label it matches on",
                "rules:\n  a:\n    match: {site: X}\n    labels: {site: Y}\n");
        assertMessage("rules.a.power_model.max_watts (10.0) must not be below idle_watts (20.0)",
                "rules:\n  a:\n    power_model: {idle_watts: 20, max_watts: 10}\n");
        assertMessage("rules.a sets nothing", "rules:\n  a:\n    match: {class: desktop}\n");
        assertMessage("rules.a.labels.org must be", "rules:\n  a:\n    labels: {org: \"a;b\"}\n");
        assertMessage("unknown key rules.a.colour", "rules:\n  a:\n    report_interval: 5s\n    colour: red\n");
    }

    private static void assertMessage(String expected, String yaml) {
        ConfigException e = assertThrows(ConfigException.class, () -> rules(yaml));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
