package io.kilowatch.core.carbon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.core.availability.UptimeSpan;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Oracle figures worked by hand: embodied amortisation, the keep-longer what-if, off time and class defaults. */
class EmbodiedCarbonTest {
    private static final ZoneId UTC = ZoneOffset.UTC;
    private static final LocalDate BOUGHT = LocalDate.of(2024, 1, 1);

    private static Instant at(String date) {
        return LocalDate.parse(date).atStartOfDay(UTC).toInstant();
    }

    @Test
    void aDesktopsEmbodiedCarbonIsSpreadEvenlyOverItsLife() {
        // 277 kg over 2024-01-01 .. 2028-01-01 = 1461 days (2024 is a leap year); 2025 has 365 of them.
        assertEquals(277_000.0 * 365 / 1461, EmbodiedCarbon.gramsIn(277, BOUGHT, 4, at("2025-01-01"), at("2026-01-01"), UTC), 1e-6);
        assertEquals(69_202.60, EmbodiedCarbon.gramsIn(277, BOUGHT, 4, at("2025-01-01"), at("2026-01-01"), UTC), 0.01);
        // A period starting before purchase is charged only from the purchase: 182 days of 2024's first half.
        assertEquals(34_506.50, EmbodiedCarbon.gramsIn(277, BOUGHT, 4, at("2023-07-01"), at("2024-07-01"), UTC), 0.01);
        // Past its life nothing more is charged, and the whole life adds up to the device's figure.
        assertEquals(0.0, EmbodiedCarbon.gramsIn(277, BOUGHT, 4, at("2028-01-01"), at("2029-01-01"), UTC));
        assertEquals(277_000.0, EmbodiedCarbon.gramsIn(277, BOUGHT, 4, at("2020-01-01"), at("2030-01-01"), UTC), 1e-6);
        assertTrue(EmbodiedCarbon.fullyAmortised(BOUGHT, 4, at("2028-01-01"), UTC));
        assertFalse(EmbodiedCarbon.fullyAmortised(BOUGHT, 4, at("2027-12-31"), UTC));
    }

    @Test
    void keepingDevicesAYearLongerCutsTheAnnualCharge() {
        // 277/4 - 277/5 = 69.25 - 55.4 = 13.85 kg a year per desktop.
        assertEquals(13.85, EmbodiedCarbon.annualKgSavedByOneMoreYear(277, 4), 1e-9);
        // The same device charged over five years instead of four: 2025 drops from 69.2 kg to 277*365/1827.
        assertEquals(277_000.0 * 365 / 1827, EmbodiedCarbon.gramsIn(277, BOUGHT, 5, at("2025-01-01"), at("2026-01-01"), UTC), 1e-6);
    }

    @Test
    void offTimeIsOnlyTheGapsBetweenBootSessions() {
        List<UptimeSpan> spans = List.of(
                new UptimeSpan(Instant.parse("2026-01-05T00:00:00Z"), Instant.parse("2026-01-05T08:00:00Z")),
                new UptimeSpan(Instant.parse("2026-01-05T10:00:00Z"), Instant.parse("2026-01-05T12:00:00Z")),
                new UptimeSpan(Instant.parse("2026-01-05T20:00:00Z"), Instant.parse("2026-01-05T22:00:00Z")));
        // Gaps 08-10 and 12-20; from 09:00 to 21:00 that is 1 h + 8 h. After 22:00 nothing proves it was off.
        assertEquals(9 * 3600.0, OffTime.seconds(spans, Instant.parse("2026-01-05T09:00:00Z"), Instant.parse("2026-01-05T21:00:00Z")));
        assertEquals(10 * 3600.0, OffTime.seconds(spans, Instant.parse("2026-01-05T00:00:00Z"), Instant.parse("2026-01-06T00:00:00Z")));
        assertEquals(0.0, OffTime.seconds(spans.subList(0, 1), Instant.parse("2026-01-05T00:00:00Z"), Instant.parse("2026-01-06T00:00:00Z")));
    }

    @Test
    void everyClassHasARowAndUnknownLabelsFallBack() {
        ClassFootprints defaults = ClassFootprints.defaults();
        for (String label : List.of("desktop", "laptop", "thin_client", "server", "switch", "router", "firewall", "access_point",
                "printer", "ups", "pdu", "storage", "network_device")) {
            assertTrue(defaults.knows(label), label);
            assertFalse(defaults.forClass(label).source().isBlank(), label);
        }
        assertEquals(Optional.of(277.0), defaults.forClass("desktop").embodiedKgco2e());
        assertEquals(2.0, defaults.forClass("desktop").offWatts());
        assertEquals(Optional.of(950.0), defaults.forClass("server").embodiedKgco2e());
        assertEquals(defaults.forClass(ClassFootprints.FALLBACK), defaults.forClass("coffee_machine"));
        assertEquals(defaults.forClass(ClassFootprints.FALLBACK), defaults.forClass(null));

        ClassFootprints.Footprint mine = new ClassFootprints.Footprint(Optional.of(300.0), 6, 1.5, Optional.of(3.0), "config");
        ClassFootprints configured = defaults.with(Map.of("desktop", mine));
        assertEquals(mine, configured.forClass("desktop"));
        assertEquals(defaults.forClass("laptop"), configured.forClass("laptop"));
        assertThrows(IllegalArgumentException.class, () -> new ClassFootprints.Footprint(Optional.of(-1.0), 4, 0, Optional.empty(), "x"));
        assertThrows(IllegalArgumentException.class, () -> new ClassFootprints.Footprint(Optional.empty(), 0, 0, Optional.empty(), "x"));
    }
}
