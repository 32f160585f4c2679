package io.kilowatch.collector.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.core.config.ConfigException;
import io.kilowatch.core.config.Settings;
import io.kilowatch.core.service.CombineRule;
import io.kilowatch.core.service.ServiceDefinition;
import io.kilowatch.core.service.SlaPeriod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The example services file is valid and documented key by key; bad files fail with the key and the reason. */
class ServicesConfigTest {
    static final ZoneId UTC = ZoneId.of("UTC");

    @Test
    void exampleFileLoadsAndEveryKeyIsDocumented() throws Exception {
        String yaml = Files.readString(Path.of("kilowatch-services.yaml"));
        ServicesConfig config = ServicesConfig.parse(yaml, "kilowatch-services.yaml", UTC);
        ServiceDefinition email = config.catalog().get("email");
        assertEquals(0.9985, email.targetRatio());
        assertEquals(ZoneId.of("Europe/London"), email.calendar().zone());
        assertEquals(SlaPeriod.QUARTER, email.budgetPeriod());
        assertEquals(3, email.calendar().holidays().size());
        assertEquals(CombineRule.ANY_OF, config.catalog().get("mail-hosts").rule());
        assertEquals(CombineRule.kOfN(2), config.catalog().get("network-county-hall").components().get(0).rule());
        assertEquals(3, config.catalog().all().size());
        assertEquals("mail-hosts", config.catalog().evaluationOrder().get(0).name());
        assertEquals(3, config.probes().size());

        String docs = Files.readString(Path.of("../docs/services.md"));
        List<String> flat = flatKeys(yaml);
        List<String> undocumented = flat.stream()
                .map(k -> k.replaceFirst("^probes\\.[^.]+", "probes.<probe>")
                        .replaceFirst("^services\\.[^.]+\\.components\\.[^.]+", "services.<service>.components.<component>")
                        .replaceFirst("^services\\.[^.]+\\.maintenance\\.[^.]+", "services.<service>.maintenance.<window>")
                        .replaceFirst("^services\\.[^.]+\\.hours\\.[a-z]+", "services.<service>.hours.<day>")
                        .replaceFirst("^services\\.[^.]+", "services.<service>"))
                .filter(k -> !docs.contains("`" + k + "`")).distinct().toList();
        assertEquals(List.of(), undocumented, "keys missing from docs/services.md");
    }

    private static List<String> flatKeys(String yaml) {
        java.util.List<String> out = new java.util.ArrayList<>();
        flatten("", new org.yaml.snakeyaml.Yaml().load(yaml), out);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Object node, List<String> out) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> flatten(prefix + k + ".", v, out));
        } else {
            out.add(prefix.substring(0, prefix.length() - 1));
        }
    }

    private static String fails(String yaml) {
        return assertThrows(ConfigException.class, () -> ServicesConfig.parse(yaml, "services.yaml", UTC)).getMessage();
    }

    @Test
    void badFilesNameTheKeyAndTheReason() {
        String probe = "probes:\n  p: {kind: tcp, host: h, port: 1}\n";
        assertTrue(fails("services:\n  s:\n    components:\n      c: {device: a}\n    targte_percent: 99\n")
                .contains("unknown key services.s.targte_percent"));
        assertTrue(fails("services:\n  s:\n    target_percent: 100\n    components:\n      c: {device: a}\n")
                .contains("services.s.target_percent must be a number from 0.001 to 99.9999"));
        assertTrue(fails("services:\n  s:\n    time_zone: Europe/Londres\n    components:\n      c: {device: a}\n")
                .contains("services.s.time_zone must be an IANA time zone"));
        assertTrue(fails("services:\n  s:\n    hours: {mon: 18:00-08:00}\n    components:\n      c: {device: a}\n")
                .contains("services.s.hours.mon"));
        assertTrue(fails("services:\n  s:\n    hours: {monday: 08:00-18:00}\n    components:\n      c: {device: a}\n")
                .contains("days are mon, tue"));
        assertTrue(fails("services:\n  s:\n    holidays: 2026-12-25\n    components:\n      c: {device: a}\n")
                .contains("(in quotes)"));
        assertTrue(fails("services:\n  s:\n    components:\n      c: {probe: nope}\n").contains("no probe named 'nope'"));
        assertTrue(fails("services:\n  s:\n    components:\n      c: {device: a, probe: p}\n" + probe).contains("exactly one of"));
        assertTrue(fails("services:\n  s:\n    components:\n      c: {devices: \"colour=red\"}\n").contains("selector label 'colour'"));
        assertTrue(fails("services:\n  s:\n    rule: k_of_n\n    min_up: 3\n    components:\n      c: {device: a}\n").contains("needs 3 of its 1"));
        assertTrue(fails("services:\n  s:\n    rule: most_of\n    components:\n      c: {device: a}\n").contains("services.s.rule must be"));
        assertTrue(fails("services:\n  s: {owner: x}\n").contains("service s has no components"));
        assertTrue(fails("services:\n  s:\n    components:\n      c: {device: a}\n    maintenance:\n      m: {start: tomorrow, duration: 1h}\n")
                .contains("services.s.maintenance.m.start"));
        assertTrue(fails("services:\n  s:\n    components:\n      c: {device: a}\n    maintenance:\n      m: {start: \"2026-01-01T00:00\", duration: 1h, components: d}\n")
                .contains("no component named 'd'"));
        assertTrue(fails("probes:\n  p: {kind: ftp}\n").contains("probes.p.kind must be one of http, tcp, dns, got 'ftp'"));
        assertTrue(fails("probes:\n  p: {kind: http, url: \"ftp://x/\"}\n").contains("probes.p.url must be an http:// or https:// URL"));
        assertTrue(fails("probes:\n  p: {kind: http, url: \"http://x/\", expect_body: \"(\"}\n").contains("not a valid regular expression"));
        assertTrue(fails("probes:\n  p: {kind: http, url: \"http://x/\", timeout: 1m, interval: 30s}\n").contains("timeout must not be longer"));
        assertTrue(fails("services:\n  s:\n    no_data: ignore\n    components:\n      c: {device: a}\n").contains("services.s.no_data must be one of down, up, excluded"));
        assertTrue(fails("probes:\n  p: {kind: dns}\n").contains("probes.p.name must be the host name"));
        assertTrue(fails("services:\n  \"bad name!\":\n    components:\n      c: {device: a}\n").contains("names are letters"));
    }
}
