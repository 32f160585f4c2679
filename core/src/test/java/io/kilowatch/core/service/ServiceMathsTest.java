package io.kilowatch.core.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.core.service.MaintenanceWindow.Recurrence;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Expected figures are worked out by hand in the comments; Europe/London changes clock on 2026-03-29 and 2026-10-25. */
class ServiceMathsTest {
    static final ZoneId LONDON = ZoneId.of("Europe/London");
    static final long MINUTE = 60_000;
    static final long HOUR = 60 * MINUTE;

    static long t(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    static ServiceCalendar officeHours(Set<LocalDate> holidays) {
        Map<DayOfWeek, List<ServiceCalendar.Hours>> hours = new EnumMap<>(DayOfWeek.class);
        for (DayOfWeek d : List.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY, DayOfWeek.FRIDAY)) {
            hours.put(d, List.of(ServiceCalendar.Hours.parse("08:00-18:00")));
        }
        return new ServiceCalendar(LONDON, hours, holidays);
    }

    static ServiceDefinition service(ServiceCalendar calendar, double target, NoDataPolicy noData, List<MaintenanceWindow> maintenance) {
        return new ServiceDefinition("email", "IT", "", target, calendar, CombineRule.ALL_OF,
                List.of(new ComponentRef("mx", ComponentRef.Kind.DEVICE, "mx-1", CombineRule.ALL_OF)), maintenance, noData, SlaPeriod.QUARTER);
    }

    static ServiceDefinition allDay(double target) {
        return service(ServiceCalendar.allDay(LONDON, Set.of()), target, NoDataPolicy.DOWN, List.of());
    }

    static StateInterval iv(String from, String to, ServiceState s) {
        return new StateInterval(t(from), t(to), s);
    }

    @Nested
    class Calendars {
        @Test
        void aDayOfTwentyFourHoursIsTwentyThreeWhenTheClocksGoForwardAndTwentyFiveWhenTheyGoBack() {
            ServiceCalendar cal = ServiceCalendar.allDay(LONDON, Set.of());
            assertEquals(23 * HOUR, Span.total(cal.serviceTime(SlaPeriod.DAY.of(LocalDate.of(2026, 3, 29), LONDON))));
            assertEquals(25 * HOUR, Span.total(cal.serviceTime(SlaPeriod.DAY.of(LocalDate.of(2026, 10, 25), LONDON))));
            assertEquals(24 * HOUR, Span.total(cal.serviceTime(SlaPeriod.DAY.of(LocalDate.of(2026, 10, 26), LONDON))));
        }

        @Test
        void officeHoursFollowTheWallClockAcrossDst() {
            ServiceCalendar cal = officeHours(Set.of());
            // Friday 23 Oct (BST): 08:00 local is 07:00Z; Monday 26 Oct (GMT): 08:00 local is 08:00Z.
            List<Span> hours = cal.serviceTime(new Span(t("2026-10-23T00:00:00Z"), t("2026-10-27T00:00:00Z")));
            assertEquals(List.of(new Span(t("2026-10-23T07:00:00Z"), t("2026-10-23T17:00:00Z")),
                    new Span(t("2026-10-26T08:00:00Z"), t("2026-10-26T18:00:00Z"))), hours);
            // The week of the spring change still has five ten-hour days.
            assertEquals(50 * HOUR, Span.total(cal.serviceTime(SlaPeriod.WEEK.of(LocalDate.of(2026, 3, 29), LONDON))));
            assertEquals(List.of(new Span(t("2026-03-30T07:00:00Z"), t("2026-03-30T07:30:00Z"))),
                    cal.serviceTime(new Span(t("2026-03-30T06:30:00Z"), t("2026-03-30T07:30:00Z"))), "07:30-08:30 BST: its second half");
        }

        @Test
        void holidaysHaveNoServiceHours() {
            // Christmas 2026 is a Friday, Boxing Day's substitute Monday 28th: the week of the 21st has four days.
            ServiceCalendar cal = officeHours(Set.of(LocalDate.of(2026, 12, 25), LocalDate.of(2026, 12, 28)));
            assertEquals(40 * HOUR, Span.total(cal.serviceTime(SlaPeriod.WEEK.of(LocalDate.of(2026, 12, 21), LONDON))));
            assertEquals(40 * HOUR, Span.total(cal.serviceTime(SlaPeriod.WEEK.of(LocalDate.of(2026, 12, 28), LONDON))));
            ServiceCalendar always = ServiceCalendar.allDay(LONDON, Set.of(LocalDate.of(2026, 12, 25)));
            assertEquals(6 * 24 * HOUR, Span.total(always.serviceTime(SlaPeriod.WEEK.of(LocalDate.of(2026, 12, 21), LONDON))));
        }

        @Test
        void hoursRunningToMidnightAndSplitDays() {
            Map<DayOfWeek, List<ServiceCalendar.Hours>> hours = new EnumMap<>(DayOfWeek.class);
            hours.put(DayOfWeek.SATURDAY, List.of(ServiceCalendar.Hours.parse("00:00-06:00"), ServiceCalendar.Hours.parse("20:00-24:00")));
            ServiceCalendar cal = new ServiceCalendar(ZoneId.of("UTC"), hours, Set.of());
            assertEquals(List.of(new Span(t("2026-11-28T00:00:00Z"), t("2026-11-28T06:00:00Z")),
                    new Span(t("2026-11-28T20:00:00Z"), t("2026-11-29T00:00:00Z"))),
                    cal.serviceTime(new Span(t("2026-11-27T00:00:00Z"), t("2026-11-30T00:00:00Z"))));
            assertThrows(IllegalArgumentException.class, () -> ServiceCalendar.Hours.parse("18:00-08:00"));
            assertThrows(IllegalArgumentException.class, () -> ServiceCalendar.Hours.parse("8-18"));
        }
    }

    @Nested
    class Periods {
        @Test
        void periodsAreCalendarAlignedInTheServiceZone() {
            assertEquals(new Span(t("2026-03-31T23:00:00Z"), t("2026-06-30T23:00:00Z")), SlaPeriod.QUARTER.of(LocalDate.of(2026, 5, 17), LONDON));
            assertEquals(new Span(t("2026-01-01T00:00:00Z"), t("2026-03-31T23:00:00Z")), SlaPeriod.QUARTER.of(LocalDate.of(2026, 1, 1), LONDON));
            assertEquals(new Span(t("2026-11-01T00:00:00Z"), t("2026-12-01T00:00:00Z")),
                    SlaPeriod.MONTH.containing(Instant.parse("2026-11-15T12:00:00Z"), LONDON), "GMT all November");
            assertEquals(new Span(t("2026-09-30T23:00:00Z"), t("2026-11-01T00:00:00Z")),
                    SlaPeriod.MONTH.containing(Instant.parse("2026-10-15T12:00:00Z"), LONDON), "October starts in BST, ends in GMT");
            // The instant 2026-06-30T23:30Z is already 1 July in London: the third quarter.
            assertEquals(t("2026-06-30T23:00:00Z"), SlaPeriod.QUARTER.containing(Instant.parse("2026-06-30T23:30:00Z"), LONDON).startMs());
            assertEquals(new Span(t("2026-11-23T00:00:00Z"), t("2026-11-30T00:00:00Z")), SlaPeriod.WEEK.containing(Instant.parse("2026-11-29T23:59:00Z"), LONDON));
            assertEquals(new Span(t("2026-01-01T00:00:00Z"), t("2027-01-01T00:00:00Z")), SlaPeriod.YEAR.containing(Instant.parse("2026-07-01T00:00:00Z"), LONDON));
            assertEquals("2026-Q4", SlaPeriod.QUARTER.name(LocalDate.of(2026, 11, 25)));
            assertEquals("2026-W48", SlaPeriod.WEEK.name(LocalDate.of(2026, 11, 25)));
            assertEquals("2026-11", SlaPeriod.MONTH.name(LocalDate.of(2026, 11, 25)));
            assertThrows(IllegalArgumentException.class, () -> SlaPeriod.fromLabel("fortnight"));
        }
    }

    @Nested
    class Availability {
        @Test
        void maintenanceOverlappingAnOutageChargesOnlyTheDowntimeOutsideIt() {
            // 10 June 2026 in London is 09T23:00Z..10T23:00Z (24 h). Down 10:00-12:00Z; maintenance 11:30-13:30 BST
            // (10:30-12:30Z). Counted 24 h - 2 h = 22 h; down 10:00-10:30Z = 30 min; A = 21.5 / 22.
            MaintenanceWindow window = new MaintenanceWindow("patch", LocalDateTime.parse("2026-06-10T11:30"), Duration.ofHours(2),
                    Recurrence.NONE, Optional.empty(), Set.of());
            ServiceDefinition s = service(ServiceCalendar.allDay(LONDON, Set.of()), 0.9985, NoDataPolicy.DOWN, List.of(window));
            List<StateInterval> history = List.of(iv("2026-06-01T00:00:00Z", "2026-06-10T10:00:00Z", ServiceState.UP),
                    iv("2026-06-10T10:00:00Z", "2026-06-10T12:00:00Z", ServiceState.DOWN),
                    iv("2026-06-10T12:00:00Z", "2026-06-11T00:00:00Z", ServiceState.UP));
            Figures f = ServiceMaths.measure(s, history, SlaPeriod.DAY.of(LocalDate.of(2026, 6, 10), LONDON));
            assertEquals(24 * HOUR, f.serviceMs());
            assertEquals(2 * HOUR, f.maintenanceMs());
            assertEquals(30 * MINUTE, f.downMs());
            assertEquals(21 * HOUR + 30 * MINUTE, f.upMs());
            assertEquals(0, f.noDataMs());
            assertEquals(21.5 / 22, f.ratio().getAsDouble(), 1e-12);
        }

        @Test
        void outagesOutsideServiceHoursAndOnHolidaysAreNotCharged() {
            // Office hours; down Monday 2026-12-28 (holiday) all day and Tuesday 29th 17:00-19:00Z (GMT): 1 h in hours.
            ServiceDefinition s = service(officeHours(Set.of(LocalDate.of(2026, 12, 28))), 0.9985, NoDataPolicy.DOWN, List.of());
            List<StateInterval> history = List.of(iv("2026-12-27T00:00:00Z", "2026-12-28T00:00:00Z", ServiceState.UP),
                    iv("2026-12-28T00:00:00Z", "2026-12-29T00:00:00Z", ServiceState.DOWN),
                    iv("2026-12-29T00:00:00Z", "2026-12-29T17:00:00Z", ServiceState.UP),
                    iv("2026-12-29T17:00:00Z", "2026-12-29T19:00:00Z", ServiceState.DOWN),
                    iv("2026-12-29T19:00:00Z", "2027-01-04T00:00:00Z", ServiceState.UP));
            // Week of the 28th: Tue, Wed, Thu, Fri = 40 h; down 1 h.
            Figures f = ServiceMaths.measure(s, history, SlaPeriod.WEEK.of(LocalDate.of(2026, 12, 28), LONDON));
            assertEquals(40 * HOUR, f.countedMs());
            assertEquals(HOUR, f.chargedDownMs());
            assertEquals(39.0 / 40, f.ratio().getAsDouble(), 1e-12);
        }

        @Test
        void acrossTheSpringDstChangeADayHasTwentyThreeCountedHours() {
            // 29 March 2026: 00:00Z..23:00Z. Down 00:30-01:30Z (straddling the change): 1 h of 23.
            ServiceDefinition s = allDay(0.999);
            List<StateInterval> history = List.of(iv("2026-03-28T00:00:00Z", "2026-03-29T00:30:00Z", ServiceState.UP),
                    iv("2026-03-29T00:30:00Z", "2026-03-29T01:30:00Z", ServiceState.DOWN),
                    iv("2026-03-29T01:30:00Z", "2026-03-30T00:00:00Z", ServiceState.UP));
            Figures f = ServiceMaths.measure(s, history, SlaPeriod.DAY.of(LocalDate.of(2026, 3, 29), LONDON));
            assertEquals(23 * HOUR, f.countedMs());
            assertEquals(22.0 / 23, f.ratio().getAsDouble(), 1e-12);
        }

        @Test
        void noDataFollowsThePolicyAndIsReportedApart() {
            // UTC day 2026-11-10 taken as 24 h of London (GMT). 2 h explicit no data, 1 h gap, 3 h down, rest up.
            List<StateInterval> history = List.of(iv("2026-11-10T00:00:00Z", "2026-11-10T06:00:00Z", ServiceState.UP),
                    iv("2026-11-10T06:00:00Z", "2026-11-10T08:00:00Z", ServiceState.NO_DATA),
                    iv("2026-11-10T08:00:00Z", "2026-11-10T12:00:00Z", ServiceState.UP),
                    // 12:00-13:00 nothing recorded (the collector was stopped)
                    iv("2026-11-10T13:00:00Z", "2026-11-10T16:00:00Z", ServiceState.DOWN),
                    iv("2026-11-10T16:00:00Z", "2026-11-11T00:00:00Z", ServiceState.UP));
            Span day = SlaPeriod.DAY.of(LocalDate.of(2026, 11, 10), LONDON);
            ServiceCalendar cal = ServiceCalendar.allDay(LONDON, Set.of());
            Figures down = ServiceMaths.measure(service(cal, 0.99, NoDataPolicy.DOWN, List.of()), history, day);
            assertEquals(3 * HOUR, down.noDataMs());
            assertEquals(18 * HOUR, down.upMs());
            assertEquals(24 * HOUR, down.countedMs());
            assertEquals(6 * HOUR, down.chargedDownMs());
            assertEquals(18.0 / 24, down.ratio().getAsDouble(), 1e-12);
            Figures up = ServiceMaths.measure(service(cal, 0.99, NoDataPolicy.UP, List.of()), history, day);
            assertEquals(21.0 / 24, up.ratio().getAsDouble(), 1e-12);
            Figures excluded = ServiceMaths.measure(service(cal, 0.99, NoDataPolicy.EXCLUDED, List.of()), history, day);
            assertEquals(21 * HOUR, excluded.countedMs());
            assertEquals(18.0 / 21, excluded.ratio().getAsDouble(), 1e-12);
        }

        @Test
        void theLastStateHoldsUntilTheNextEvaluationButNotOverAGap() {
            List<StateInterval> history = List.of(iv("2026-11-10T00:00:00Z", "2026-11-10T00:01:00Z", ServiceState.DOWN),
                    iv("2026-11-10T00:01:00Z", "2026-11-10T00:02:00Z", ServiceState.UP));
            assertEquals(List.of(history.get(0), iv("2026-11-10T00:01:00Z", "2026-11-10T00:02:30Z", ServiceState.UP)),
                    ServiceMaths.holding(history, t("2026-11-10T00:02:30Z"), MINUTE));
            assertEquals(history, ServiceMaths.holding(history, t("2026-11-10T00:03:01Z"), MINUTE), "61 s > 60 s: the collector stopped");
            assertEquals(history, ServiceMaths.holding(history, t("2026-11-10T00:01:30Z"), MINUTE), "asked before the last record ends");
        }

        @Test
        void timeBeforeTheFirstObservationIsNotCharged() {
            ServiceDefinition s = allDay(0.99);
            List<StateInterval> history = List.of(iv("2026-11-10T12:00:00Z", "2026-11-10T18:00:00Z", ServiceState.UP));
            Figures f = ServiceMaths.measure(s, history, SlaPeriod.DAY.of(LocalDate.of(2026, 11, 10), LONDON));
            assertEquals(12 * HOUR, f.serviceMs());
            assertEquals(6 * HOUR, f.upMs());
            assertEquals(6 * HOUR, f.noDataMs(), "after the last record, up to the end of the range");
            assertTrue(ServiceMaths.measure(s, List.of(), new Span(0, HOUR)).ratio().isEmpty());
        }

        @Test
        void componentMaintenanceRecordedInHistoryIsExcluded() {
            List<StateInterval> history = List.of(iv("2026-11-10T00:00:00Z", "2026-11-10T10:00:00Z", ServiceState.UP),
                    iv("2026-11-10T10:00:00Z", "2026-11-10T14:00:00Z", ServiceState.MAINTENANCE),
                    iv("2026-11-10T14:00:00Z", "2026-11-10T15:00:00Z", ServiceState.DOWN),
                    iv("2026-11-10T15:00:00Z", "2026-11-11T00:00:00Z", ServiceState.UP));
            Figures f = ServiceMaths.measure(allDay(0.99), history, SlaPeriod.DAY.of(LocalDate.of(2026, 11, 10), LONDON));
            assertEquals(4 * HOUR, f.maintenanceMs());
            assertEquals(20 * HOUR, f.countedMs());
            assertEquals(19.0 / 20, f.ratio().getAsDouble(), 1e-12);
        }
    }

    @Nested
    class Maintenance {
        @Test
        void weeklyWindowsKeepTheirWallClockTimeAcrossDst() {
            MaintenanceWindow w = new MaintenanceWindow("patch", LocalDateTime.parse("2026-03-21T22:00"), Duration.ofHours(2),
                    Recurrence.WEEK, Optional.of(LocalDate.of(2026, 4, 10)), Set.of());
            List<Span> occurrences = w.occurrences(LONDON, new Span(t("2026-03-27T00:00:00Z"), t("2026-04-30T00:00:00Z")));
            assertEquals(List.of(new Span(t("2026-03-28T22:00:00Z"), t("2026-03-29T00:00:00Z")),
                    new Span(t("2026-04-04T21:00:00Z"), t("2026-04-04T23:00:00Z"))), occurrences, "the 11 April one is after 'until'");
            assertTrue(w.activeAt(LONDON, Instant.parse("2026-04-04T22:59:00Z")));
            assertFalse(w.activeAt(LONDON, Instant.parse("2026-04-04T23:00:00Z")));
        }

        @Test
        void monthlyAndDailyWindowsAndClipping() {
            MaintenanceWindow monthly = new MaintenanceWindow("m", LocalDateTime.parse("2025-01-31T23:00"), Duration.ofHours(3),
                    Recurrence.MONTH, Optional.empty(), Set.of());
            // 31 Jan + 10 months = 30 Nov (shortened month) 23:00 GMT, for 3 h; range cut at 1 Dec 01:00Z.
            assertEquals(List.of(new Span(t("2026-11-30T23:00:00Z"), t("2026-12-01T01:00:00Z"))),
                    monthly.occurrences(LONDON, new Span(t("2026-11-15T00:00:00Z"), t("2026-12-01T01:00:00Z"))));
            MaintenanceWindow daily = new MaintenanceWindow("d", LocalDateTime.parse("2020-01-01T03:00"), Duration.ofMinutes(30),
                    Recurrence.DAY, Optional.empty(), Set.of("mx"));
            assertEquals(3 * 30 * MINUTE, Span.total(daily.occurrences(ZoneId.of("UTC"), new Span(t("2026-11-01T00:00:00Z"), t("2026-11-04T00:00:00Z")))));
            assertFalse(daily.coversWholeService());
        }
    }

    @Nested
    class Combining {
        final ServiceState up = ServiceState.UP;
        final ServiceState down = ServiceState.DOWN;
        final ServiceState none = ServiceState.NO_DATA;
        final ServiceState maint = ServiceState.MAINTENANCE;

        @Test
        void rules() {
            assertEquals(down, CombineRule.ALL_OF.combine(List.of(up, down)));
            assertEquals(down, CombineRule.ALL_OF.combine(List.of(none, down)), "one known failure decides all-of");
            assertEquals(none, CombineRule.ALL_OF.combine(List.of(up, none)));
            assertEquals(up, CombineRule.ANY_OF.combine(List.of(down, up)));
            assertEquals(up, CombineRule.ANY_OF.combine(List.of(none, up)), "one known success decides any-of");
            assertEquals(none, CombineRule.ANY_OF.combine(List.of(none, down)));
            assertEquals(down, CombineRule.ANY_OF.combine(List.of(down, down)));
            CombineRule twoOfThree = CombineRule.kOfN(2);
            assertEquals(up, twoOfThree.combine(List.of(up, up, down)));
            assertEquals(down, twoOfThree.combine(List.of(up, down, down)));
            assertEquals(none, twoOfThree.combine(List.of(up, none, down)));
            assertEquals("2_of_n", twoOfThree.label());
            assertThrows(IllegalArgumentException.class, () -> CombineRule.kOfN(0));
        }

        @Test
        void partsInMaintenanceAreNotCharged() {
            assertEquals(maint, CombineRule.ALL_OF.combine(List.of(up, maint)), "down only through maintenance");
            assertEquals(down, CombineRule.ALL_OF.combine(List.of(down, maint)), "down anyway");
            assertEquals(up, CombineRule.ANY_OF.combine(List.of(up, maint)), "up anyway");
            assertEquals(maint, CombineRule.ANY_OF.combine(List.of(down, maint)), "the redundant half in maintenance covers for the other");
            assertEquals(maint, CombineRule.kOfN(2).combine(List.of(up, maint, down)));
            assertEquals(none, CombineRule.ALL_OF.combine(List.of(none, maint)));
        }
    }

    @Nested
    class Nesting {
        ComponentRef nested(String name, String service) {
            return new ComponentRef(name, ComponentRef.Kind.SERVICE, service, CombineRule.ALL_OF);
        }

        ServiceDefinition named(String name, List<ComponentRef> parts, CombineRule rule) {
            return new ServiceDefinition(name, "", "", 0.999, ServiceCalendar.allDay(LONDON, Set.of()), rule, parts, List.of(),
                    NoDataPolicy.DOWN, SlaPeriod.MONTH);
        }

        @Test
        void nestedServicesAreEvaluatedFirstAndCyclesRefused() {
            ComponentRef host = new ComponentRef("h", ComponentRef.Kind.DEVICE, "h1", CombineRule.ALL_OF);
            ServiceCatalog catalog = new ServiceCatalog(List.of(named("payments", List.of(nested("net", "network"), nested("web", "website")), CombineRule.ALL_OF),
                    named("website", List.of(nested("net", "network"), host), CombineRule.ALL_OF),
                    named("network", List.of(host), CombineRule.ALL_OF)));
            assertEquals(List.of("network", "website", "payments"), catalog.evaluationOrder().stream().map(ServiceDefinition::name).toList());
            IllegalArgumentException cycle = assertThrows(IllegalArgumentException.class, () -> new ServiceCatalog(List.of(
                    named("a", List.of(nested("x", "b")), CombineRule.ALL_OF), named("b", List.of(nested("y", "a")), CombineRule.ALL_OF))));
            assertEquals("services contain each other: a -> b -> a", cycle.getMessage());
            assertThrows(IllegalArgumentException.class, () -> new ServiceCatalog(List.of(named("a", List.of(nested("x", "nope")), CombineRule.ALL_OF))));
            assertThrows(IllegalArgumentException.class, () -> named("a", List.of(host), CombineRule.kOfN(2)));
        }
    }

    @Nested
    class Budget {
        @Test
        void thirtyDaysAt9985AllowSixtyFourPointEightMinutes() {
            // June 2026 in UTC: 30 days. Budget 30 x 1440 min x 0.0015 = 64.8 min; 10 min down so far.
            ServiceDefinition s = new ServiceDefinition("web", "", "", 0.9985, ServiceCalendar.allDay(ZoneId.of("UTC"), Set.of()),
                    CombineRule.ALL_OF, List.of(new ComponentRef("p", ComponentRef.Kind.PROBE, "p", CombineRule.ALL_OF)), List.of(),
                    NoDataPolicy.DOWN, SlaPeriod.MONTH);
            List<StateInterval> history = List.of(iv("2026-06-01T00:00:00Z", "2026-06-05T00:00:00Z", ServiceState.UP),
                    iv("2026-06-05T00:00:00Z", "2026-06-05T00:10:00Z", ServiceState.DOWN),
                    iv("2026-06-05T00:10:00Z", "2026-06-10T00:00:00Z", ServiceState.UP));
            ErrorBudget b = ServiceMaths.errorBudget(s, history, Instant.parse("2026-06-10T00:00:00Z"));
            assertEquals(Math.round(64.8 * MINUTE), b.totalMs());
            assertEquals(10 * MINUTE, b.spentMs());
            assertEquals(54.8 / 64.8, b.remainingRatio(), 1e-9);
        }

        @Test
        void plannedMaintenanceShrinksTheBudgetAndOverspendingGoesNegative() {
            // Quarter Q4 2026 in London, office hours with no holidays: 13 Oct-Dec weeks... counted by the calendar itself;
            // a 2-hour maintenance in hours shrinks the scheduled time by 2 h.
            MaintenanceWindow w = new MaintenanceWindow("upgrade", LocalDateTime.parse("2026-11-03T09:00"), Duration.ofHours(2),
                    Recurrence.NONE, Optional.empty(), Set.of());
            ServiceDefinition s = service(officeHours(Set.of()), 0.999, NoDataPolicy.DOWN, List.of(w));
            Span q4 = SlaPeriod.QUARTER.of(LocalDate.of(2026, 11, 1), LONDON);
            // Q4 2026 has 66 weekdays (Oct 22, Nov 21, Dec 23): 660 h; less 2 h = 658 h; 0.1 % = 0.658 h = 39.48 min.
            List<StateInterval> history = List.of(iv("2026-10-01T00:00:00Z", "2026-11-02T10:00:00Z", ServiceState.UP),
                    iv("2026-11-02T10:00:00Z", "2026-11-02T11:00:00Z", ServiceState.DOWN),
                    iv("2026-11-02T11:00:00Z", "2026-11-04T00:00:00Z", ServiceState.UP));
            ErrorBudget b = ServiceMaths.errorBudget(s, history, q4, Instant.parse("2026-11-04T00:00:00Z"));
            assertEquals(Math.round(658 * HOUR * 0.001), b.totalMs());
            assertEquals(HOUR, b.spentMs());
            assertEquals((39.48 - 60) / 39.48, b.remainingRatio(), 1e-9);
        }
    }

    @Nested
    class BurnRates {
        @Test
        void burnRateIsTheErrorRatioOverTheAllowedRatio() {
            ServiceDefinition s = allDay(0.9985);
            List<StateInterval> history = List.of(iv("2026-11-10T00:00:00Z", "2026-11-10T11:54:00Z", ServiceState.UP),
                    iv("2026-11-10T11:54:00Z", "2026-11-10T12:00:00Z", ServiceState.DOWN));
            Instant now = Instant.parse("2026-11-10T12:00:00Z");
            // 6 min of 60 = 0.1 / 0.0015 = 66.67 over 1 h; 5 min of 5 = 1 / 0.0015 = 666.7 over 5 m.
            assertEquals(0.1 / 0.0015, ServiceMaths.burnRate(s, history, Duration.ofHours(1), now), 1e-9);
            assertEquals(1 / 0.0015, ServiceMaths.burnRate(s, history, Duration.ofMinutes(5), now), 1e-9);
            BurnRateAlerts.Firing page = BurnRateAlerts.firing(BurnRateAlerts.PAGE, w -> ServiceMaths.burnRate(s, history, w, now)).orElseThrow();
            assertEquals(Duration.ofHours(1), page.pair().longWindow());
            // 6 min of 12 h observed over the 1-day window: 0.00833 / 0.0015 = 5.6 > 3; 2 h: 0.05/0.0015 = 33 > 3.
            assertTrue(BurnRateAlerts.firing(BurnRateAlerts.TICKET, w -> ServiceMaths.burnRate(s, history, w, now)).isPresent());
            // 42 s down in the last hour: 0.01167 / 0.0015 = 7.8 < 14.4, and the 6 h window 42 s / 6 h = 1.3: no page.
            List<StateInterval> brief = List.of(iv("2026-11-10T00:00:00Z", "2026-11-10T11:59:18Z", ServiceState.UP),
                    iv("2026-11-10T11:59:18Z", "2026-11-10T12:00:00Z", ServiceState.DOWN));
            assertTrue(BurnRateAlerts.firing(BurnRateAlerts.PAGE, w -> ServiceMaths.burnRate(s, brief, w, now)).isEmpty());
            assertEquals("1d", BurnRateAlerts.label(Duration.ofDays(1)));
            assertEquals("30m", BurnRateAlerts.label(Duration.ofMinutes(30)));
        }

        @Test
        void aSummaryHasEveryWindowAndBurnRate() {
            // Up all year to 12:00Z on 10 Nov, with the last 6 minutes down: 24 h window 6/1440 down.
            List<StateInterval> history = List.of(iv("2026-01-01T00:00:00Z", "2026-11-10T11:54:00Z", ServiceState.UP),
                    iv("2026-11-10T11:54:00Z", "2026-11-10T12:00:00Z", ServiceState.DOWN));
            ServiceMaths.Summary summary = ServiceMaths.summary(allDay(0.9985), history, Instant.parse("2026-11-10T12:00:00Z"));
            assertEquals(ServiceMaths.WINDOW_LABELS, List.copyOf(summary.availability().keySet()));
            assertEquals(List.of("1h", "24h", "7d", "30d", "day", "week", "month", "quarter", "year"), ServiceMaths.WINDOW_LABELS);
            assertEquals(1 - 6.0 / 1440, summary.availability().get("24h").getAsDouble(), 1e-12);
            assertEquals(1 - 6.0 / 720, summary.availability().get("day").getAsDouble(), 1e-12, "since midnight GMT");
            assertEquals(List.of("5m", "30m", "1h", "2h", "6h", "1d", "3d"), List.copyOf(summary.burnRates().keySet()));
            assertEquals(6 * MINUTE, summary.budget().spentMs());
        }

        @Test
        void outsideServiceHoursNothingBurns() {
            ServiceDefinition s = service(officeHours(Set.of()), 0.9985, NoDataPolicy.DOWN, List.of());
            List<StateInterval> history = List.of(iv("2026-11-10T00:00:00Z", "2026-11-10T22:00:00Z", ServiceState.DOWN));
            assertEquals(0, ServiceMaths.burnRate(s, history, Duration.ofHours(1), Instant.parse("2026-11-10T22:00:00Z")));
        }
    }

    @Nested
    class Incidents {
        @Test
        void serviceHoursOfAnIncident() {
            // Down Tuesday 17:00Z to Wednesday 09:00Z (GMT): 1 h Tuesday evening + 1 h Wednesday morning in office hours.
            Incident i = new Incident("email", t("2026-11-10T17:00:00Z"), OptionalLong.of(t("2026-11-11T09:00:00Z")), List.of("mx"));
            assertEquals(16 * HOUR, i.durationMs(0));
            assertEquals(2 * HOUR, i.serviceHoursMs(officeHours(Set.of()), SlaPeriod.MONTH.of(LocalDate.of(2026, 11, 1), LONDON), 0));
            Incident night = new Incident("email", t("2026-11-10T19:00:00Z"), OptionalLong.empty(), List.of());
            assertTrue(night.endMs().isEmpty());
            assertEquals(0, night.serviceHoursMs(officeHours(Set.of()), new Span(0, t("2026-11-12T00:00:00Z")), t("2026-11-11T07:00:00Z")));
        }
    }

    @Test
    void selectorsAndSpans() {
        LabelSelector sel = LabelSelector.parse("site=County Hall, class!=printer");
        assertTrue(sel.matches(Map.of("site", "County Hall", "class", "server")));
        assertFalse(sel.matches(Map.of("site", "County Hall", "class", "printer")));
        assertFalse(sel.matches(Map.of("site", "Depot", "class", "server")));
        assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse("colour=red"));
        assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse(""));
        List<Span> merged = Span.normalise(new ArrayList<>(List.of(new Span(5, 10), new Span(0, 5), new Span(20, 30), new Span(8, 12))));
        assertEquals(List.of(new Span(0, 12), new Span(20, 30)), merged);
        assertEquals(List.of(new Span(0, 3), new Span(11, 12), new Span(20, 30)), Span.subtract(merged, List.of(new Span(3, 11))));
        assertEquals(List.of(new Span(8, 12), new Span(20, 25)), Span.intersect(merged, List.of(new Span(8, 25))));
        Span period = new Span(1_000, 2_000);
        assertEquals(new Span(1_000, 1_500), period.until(Instant.ofEpochMilli(1_500)), "so far");
        assertEquals(period, period.until(Instant.ofEpochMilli(9_000)), "over");
        assertEquals(new Span(1_000, 1_000), period.until(Instant.ofEpochMilli(10)), "not begun");
    }
}
