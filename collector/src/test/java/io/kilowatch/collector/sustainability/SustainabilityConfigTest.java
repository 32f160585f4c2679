package io.kilowatch.collector.sustainability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.core.config.ConfigException;
import io.kilowatch.core.config.Settings;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The sustainability section: values land where they should, and bad ones fail naming their key. */
class SustainabilityConfigTest {
    private static final ZoneId LONDON = ZoneId.of("Europe/London");

    private static SustainabilityConfig parse(String... keyValues) {
        Settings s = Settings.empty("test");
        for (int i = 0; i < keyValues.length; i += 2) {
            s.override(keyValues[i], keyValues[i + 1]);
        }
        SustainabilityConfig config = SustainabilityConfig.from(s, LONDON);
        s.requireAllKeysKnown();
        return config;
    }

    @Test
    void valuesLandWhereTheyShould() {
        SustainabilityConfig c = parse("sustainability.targets.baseline_year", "2022", "sustainability.targets.annual_reduction_percent", "3",
                "sustainability.targets.milestones.2030", "20", "sustainability.classes.desktop.embodied_kgco2e", "300",
                "sustainability.classes.kiosk.off_watts", "1.5", "sustainability.models.OptiPlex 7090.embodied_kgco2e", "312",
                "sustainability.sites.NY.working_hours.time_zone", "America/New_York", "sustainability.sites.NY.working_hours.days", "mon-thu,sat");
        assertEquals(Optional.of(2022), c.baselineYear());
        assertTrue(c.baselineKg().isEmpty(), "measured");
        assertEquals(0.03, c.annualReduction(), 1e-12);
        assertEquals(0.20, c.milestoneReductions().get(2030), 1e-12);
        assertEquals(Optional.of(300.0), c.footprints().forClass("desktop").embodiedKgco2e());
        assertEquals(4, c.footprints().forClass("desktop").expectedLifeYears(), "unset keys keep the class default");
        assertEquals(1.5, c.footprints().forClass("kiosk").offWatts(), "a class the table did not know is added");
        assertEquals(312.0, c.models().get("OptiPlex 7090").embodiedKgco2e());
        assertEquals(ZoneId.of("America/New_York"), c.hoursFor("NY").zone());
        assertEquals(EnumSet.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY, DayOfWeek.SATURDAY), c.hoursFor("NY").days());
        assertEquals(LocalTime.of(8, 0), c.hoursFor("NY").start());
        assertEquals(LONDON, c.hoursFor("County Hall").zone());
        // Monday 9 March 2026 11:30 UTC: working in London, 07:30 in New York, before its 08:00 start.
        assertTrue(c.hoursFor(null).isWorking(Instant.parse("2026-03-09T11:30:00Z")));
        assertFalse(c.hoursFor("NY").isWorking(Instant.parse("2026-03-09T11:30:00Z")));
        assertTrue(parse().baselineYear().isEmpty(), "no target by default");
    }

    @Test
    void badValuesFailNamingTheKey() {
        String[][] bad = {
            {"sustainability.targets.baseline_year", "1990"},
            {"sustainability.targets.milestones.twenty", "20"},
            {"sustainability.targets.annual_reduction_percent", "100"},
            {"sustainability.working_hours.days", "mon-funday"},
            {"sustainability.working_hours.start", "8am"},
            {"sustainability.working_hours.end", "07:00"},
            {"sustainability.working_hours.time_zone", "Mars/Olympus"},
            {"sustainability.classes.desktop.expected_life_years", "0"},
            {"sustainability.shared_services.Shared ICT.Council A", "0"},
            {"sustainability.models.X1.expected_life_years", "5"},
            {"sustainability.savings.window", "1h"},
        };
        for (String[] kv : bad) {
            ConfigException e = assertThrows(ConfigException.class, () -> parse(kv[0], kv[1]), kv[0]);
            String keyStem = kv[0].substring(0, kv[0].lastIndexOf('.'));
            assertTrue(e.getMessage().contains(keyStem), kv[0] + ": " + e.getMessage());
        }
        ConfigException early = assertThrows(ConfigException.class, () -> parse("sustainability.targets.baseline_year", "2030",
                "sustainability.targets.milestones.2025", "20"));
        assertTrue(early.getMessage().contains("after the baseline year"), early.getMessage());
        ConfigException self = assertThrows(ConfigException.class, () -> parse("sustainability.shared_services.Shared.Shared", "1"));
        assertTrue(self.getMessage().contains("own partner"), self.getMessage());
        ConfigException typo = assertThrows(ConfigException.class, () -> parse("sustainability.classes.desktop.embodied_kg", "1"));
        assertTrue(typo.getMessage().contains("unknown key"), typo.getMessage());
    }
}
