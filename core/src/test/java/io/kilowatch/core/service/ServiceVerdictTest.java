package io.kilowatch.core.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kilowatch.core.service.MaintenanceWindow.Recurrence;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A website of a nested network service, a web host and a database, with a window for the database on
 * Tuesdays 02:00-03:00 and one for the whole site on 1 Nov 2026 from 06:00 for 30 minutes (UTC).
 */
class ServiceVerdictTest {
    static final ServiceState UP = ServiceState.UP;
    static final ServiceState DOWN = ServiceState.DOWN;
    static final ServiceState NO_DATA = ServiceState.NO_DATA;
    static final ServiceState MAINTENANCE = ServiceState.MAINTENANCE;
    static final Instant TUESDAY_NOON = Instant.parse("2026-11-10T12:00:00Z");
    static final Instant TUESDAY_0230 = Instant.parse("2026-11-10T02:30:00Z");

    static ServiceDefinition website(CombineRule rule) {
        return new ServiceDefinition("website", "", "", 0.999, ServiceCalendar.allDay(ZoneId.of("UTC"), Set.of()), rule,
                List.of(new ComponentRef("net", ComponentRef.Kind.SERVICE, "network", CombineRule.ALL_OF),
                        new ComponentRef("web", ComponentRef.Kind.DEVICE, "web-1", CombineRule.ALL_OF),
                        new ComponentRef("db", ComponentRef.Kind.PROBE, "db", CombineRule.ALL_OF)),
                List.of(new MaintenanceWindow("db-patching", LocalDateTime.parse("2026-11-03T02:00"), Duration.ofHours(1), Recurrence.WEEK,
                                Optional.empty(), Set.of("db")),
                        new MaintenanceWindow("move", LocalDateTime.parse("2026-11-01T06:00"), Duration.ofMinutes(30), Recurrence.NONE,
                                Optional.empty(), Set.of())),
                NoDataPolicy.DOWN, SlaPeriod.MONTH);
    }

    static ServiceVerdict judge(Instant now, List<ServiceState> found, Map<String, List<String>> nested) {
        return ServiceVerdict.judge(website(CombineRule.ALL_OF), now, found, nested);
    }

    @Test
    void allUpIsUpAndFailsNothing() {
        assertEquals(new ServiceVerdict(UP, Set.of(), List.of()), judge(TUESDAY_NOON, List.of(UP, UP, UP), Map.of()));
    }

    @Test
    void componentsDownOrWithoutDataFailInOrderANestedServiceByItsOwnParts() {
        assertEquals(new ServiceVerdict(DOWN, Set.of(), List.of("net/mx1", "net/mx2", "web")),
                judge(TUESDAY_NOON, List.of(DOWN, DOWN, UP), Map.of("network", List.of("mx1", "mx2"))));
        assertEquals(new ServiceVerdict(DOWN, Set.of(), List.of("net", "db")),
                judge(TUESDAY_NOON, List.of(DOWN, UP, NO_DATA), Map.of("network", List.of())), "nested, failing nothing of its own: by its name");
        assertEquals(new ServiceVerdict(NO_DATA, Set.of(), List.of("db")), judge(TUESDAY_NOON, List.of(UP, UP, NO_DATA), Map.of()));
        assertEquals(new ServiceVerdict(UP, Set.of(), List.of("web")),
                ServiceVerdict.judge(website(CombineRule.kOfN(2)), TUESDAY_NOON, List.of(UP, DOWN, UP), Map.of()), "2 of 3 up: up, web still failing");
    }

    @Test
    void aComponentInItsOwnWindowIsInMaintenanceUnlessUp() {
        assertEquals(new ServiceVerdict(MAINTENANCE, Set.of("db"), List.of()), judge(TUESDAY_0230, List.of(UP, UP, DOWN), Map.of()),
                "down only through the database's window");
        assertEquals(new ServiceVerdict(UP, Set.of(), List.of()), judge(TUESDAY_0230, List.of(UP, UP, UP), Map.of()), "up in its window: up");
        assertEquals(new ServiceVerdict(DOWN, Set.of("db"), List.of("web")), judge(TUESDAY_0230, List.of(UP, DOWN, NO_DATA), Map.of()),
                "down anyway through the web host");
        assertEquals(new ServiceVerdict(DOWN, Set.of(), List.of("db")), judge(TUESDAY_0230.plus(Duration.ofHours(1)), List.of(UP, UP, DOWN), Map.of()),
                "the window is over at 03:00");
    }

    @Test
    void theWholeServiceInItsWindowIsInMaintenanceWhateverItsParts() {
        Instant move = Instant.parse("2026-11-01T06:10:00Z");
        assertEquals(new ServiceVerdict(MAINTENANCE, Set.of(), List.of("web")), judge(move, List.of(UP, DOWN, UP), Map.of()));
        assertEquals(new ServiceVerdict(MAINTENANCE, Set.of(), List.of()), judge(move, List.of(UP, UP, UP), Map.of()));
    }

    @Test
    void oneStatePerComponent() {
        assertThrows(IllegalArgumentException.class, () -> judge(TUESDAY_NOON, List.of(UP, UP), Map.of()));
    }
}
