package io.kilowatch.core.carbon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IntensitySeriesTest {
    private static IntensitySeries.Point p(String start, double grams, String kind) {
        return new IntensitySeries.Point(Instant.parse(start), grams, kind, "test " + kind);
    }

    @Test
    void looksUpTheHalfHourThatHoldsAnInstant() {
        IntensitySeries s = IntensitySeries.of(List.of(p("2024-06-03T10:30:00Z", 200, "forecast"), p("2024-06-03T10:00:00Z", 100, "actual")));
        assertEquals(100, s.at(Instant.parse("2024-06-03T10:29:59.999Z")).orElseThrow().gramsPerKwh());
        assertEquals(200, s.at(Instant.parse("2024-06-03T10:30:00Z")).orElseThrow().gramsPerKwh());
        assertEquals(Optional.empty(), s.at(Instant.parse("2024-06-03T11:00:00Z")));
        assertEquals(Optional.empty(), s.at(Instant.parse("2024-06-03T09:59:59Z")));
        assertEquals(Optional.of(Instant.parse("2024-06-03T10:00:00Z")), s.first());
        assertEquals(Optional.of(Instant.parse("2024-06-03T11:00:00Z")), s.last());
        assertEquals(Optional.empty(), IntensitySeries.empty().last());
        assertEquals("test actual", s.at(Instant.parse("2024-06-03T10:10:00Z")).orElseThrow().source());
        assertEquals(List.of(200.0), s.between(Instant.parse("2024-06-03T10:30:00Z"), Instant.parse("2024-06-03T12:00:00Z"))
                .stream().map(IntensitySeries.Point::gramsPerKwh).toList());
    }

    @Test
    void laterPointsInTheListWinTheirHalfHour() {
        IntensitySeries s = IntensitySeries.of(List.of(p("2024-06-03T10:00:00Z", 100, "forecast"),
                p("2024-06-03T10:00:00Z", 90, "actual"), p("2024-06-03T10:30:00Z", 80, "actual")));
        assertEquals(2, s.size());
        assertEquals(90, s.at(Instant.parse("2024-06-03T10:00:00Z")).orElseThrow().gramsPerKwh());
        assertEquals("actual", s.at(Instant.parse("2024-06-03T10:00:00Z")).orElseThrow().kind());
    }

    @Test
    void pointsMustBeHalfHoursWithSensibleValues() {
        assertThrows(IllegalArgumentException.class, () -> p("2024-06-03T10:15:00Z", 100, "actual"));
        assertThrows(IllegalArgumentException.class, () -> p("2024-06-03T10:00:00Z", -1, "actual"));
        assertThrows(IllegalArgumentException.class, () -> p("2024-06-03T10:00:00Z", Double.NaN, "actual"));
        assertThrows(IllegalArgumentException.class, () -> p("2024-06-03T10:00:00Z", 100, "guess"));
    }

    @Test
    void regionsByIdOrName() {
        assertEquals(Optional.of("13"), NesoRegions.key("London"));
        assertEquals(Optional.of("13"), NesoRegions.key(" 13 "));
        assertEquals(Optional.of("6"), NesoRegions.key("north wales & merseyside"));
        assertEquals(Optional.of("national"), NesoRegions.key("National"));
        assertEquals(Optional.empty(), NesoRegions.key("none"));
        assertEquals(Optional.of("FR"), NesoRegions.key("FR"));
        assertEquals("region 13 London", NesoRegions.describe("13"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> NesoRegions.key("19"));
        assertTrue(bad.getMessage().contains("1 to 18"), bad.getMessage());
    }
}
