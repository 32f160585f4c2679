import io.kilowatch.collector.service.ServiceHistoryStore;
import io.kilowatch.collector.service.ServicesApi;
import io.kilowatch.collector.service.SlaReport;
import io.kilowatch.collector.store.JdbcServiceHistoryStore;
import io.kilowatch.collector.store.JdbcStore;
import io.kilowatch.core.service.CombineRule;
import io.kilowatch.core.service.ComponentRef;
import io.kilowatch.core.service.Incident;
import io.kilowatch.core.service.MaintenanceWindow;
import io.kilowatch.core.service.NoDataPolicy;
import io.kilowatch.core.service.ServiceCalendar;
import io.kilowatch.core.service.ServiceDefinition;
import io.kilowatch.core.service.ServiceState;
import io.kilowatch.core.service.SlaPeriod;
import io.kilowatch.core.service.StateInterval;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The quarterly review: SLA reports (JSON, then CSV) for 100 services over a quarter, each read from the
 * embedded store as GET /api/v1/services/{name}/report does (SlaReport.load), with three components
 * each, office hours, bank holidays, weekly maintenance and an outage every half a day.
 *   java -cp collector/target/kilowatch-collector.jar bench/SlaReportBench.java [services=100] [outages per quarter=180]
 */
public class SlaReportBench {
    public static void main(String[] args) throws Exception {
        int services = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int outages = args.length > 1 ? Integer.parseInt(args[1]) : 180;
        ZoneId london = ZoneId.of("Europe/London");
        Map<DayOfWeek, List<ServiceCalendar.Hours>> hours = new EnumMap<>(DayOfWeek.class);
        for (DayOfWeek d : List.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY, DayOfWeek.FRIDAY)) {
            hours.put(d, List.of(ServiceCalendar.Hours.parse("08:00-18:00")));
        }
        ServiceCalendar calendar = new ServiceCalendar(london, hours, Set.of(LocalDate.of(2026, 12, 25), LocalDate.of(2026, 12, 28)));
        LocalDate quarter = LocalDate.of(2026, 10, 1);
        Instant now = Instant.parse("2027-01-05T09:00:00Z");
        long from = quarter.atStartOfDay(london).toInstant().toEpochMilli();
        long to = quarter.plusMonths(3).atStartOfDay(london).toInstant().toEpochMilli();

        Path dir = Files.createTempDirectory("kilowatch-sla-bench");
        List<ServiceDefinition> definitions = new ArrayList<>();
        try (JdbcStore jdbc = JdbcStore.sqlite(dir)) {
            JdbcServiceHistoryStore store = new JdbcServiceHistoryStore(jdbc.database());
            for (int s = 0; s < services; s++) {
                String name = "service-" + s;
                List<ComponentRef> components = List.of(new ComponentRef("web", ComponentRef.Kind.DEVICE, name + "-web", CombineRule.ALL_OF),
                        new ComponentRef("db", ComponentRef.Kind.DEVICE, name + "-db", CombineRule.ALL_OF),
                        new ComponentRef("lb", ComponentRef.Kind.DEVICE, name + "-lb", CombineRule.ALL_OF));
                definitions.add(new ServiceDefinition(name, "ict", "", 0.999, calendar, CombineRule.ALL_OF, components,
                        List.of(new MaintenanceWindow("patching", LocalDateTime.parse("2026-01-06T20:00"), Duration.ofHours(2),
                                MaintenanceWindow.Recurrence.WEEK, Optional.empty(), Set.of())),
                        NoDataPolicy.DOWN, SlaPeriod.QUARTER));
                List<ServiceHistoryStore.IntervalRow> rows = new ArrayList<>();
                List<Incident> incidents = new ArrayList<>();
                long step = (to - from) / outages;
                for (int i = 0; i < outages; i++) {
                    long start = from + i * step + s * 60_000L;
                    long downAt = start + step - 20 * 60_000L; // twenty minutes down at the end of each step
                    rows.add(new ServiceHistoryStore.IntervalRow(ServiceHistoryStore.IntervalRow.SERVICE, name, new StateInterval(start, downAt, ServiceState.UP)));
                    rows.add(new ServiceHistoryStore.IntervalRow(ServiceHistoryStore.IntervalRow.SERVICE, name,
                            new StateInterval(downAt, start + step, ServiceState.DOWN)));
                    String failing = components.get(i % 3).name();
                    for (ComponentRef c : components) {
                        rows.add(new ServiceHistoryStore.IntervalRow(ServiceHistoryStore.IntervalRow.COMPONENT, name + "/" + c.name(),
                                new StateInterval(start, start + step, c.name().equals(failing) ? ServiceState.DOWN : ServiceState.UP)));
                    }
                    incidents.add(new Incident(name, downAt, OptionalLong.of(start + step), List.of(failing)));
                }
                store.record(rows, incidents);
            }
            System.out.printf("SLA reports, %d services x a quarter (%d outages each, 3 components), read from the store%n", services, outages);
            System.out.printf("%-44s %14s %14s%n", "", "kilowatch", "goal");
            for (boolean csv : new boolean[] {false, true}) {
                for (int warm = 0; warm < 3; warm++) {
                    reportAll(definitions, quarter, store, now, csv);
                }
                int runs = 10;
                long[] nanos = new long[runs];
                // CPU time too: on a shared machine the wall clock also counts the time other processes held the cores.
                long[] cpuNanos = new long[runs];
                ThreadMXBean threads = ManagementFactory.getThreadMXBean();
                for (int r = 0; r < runs; r++) {
                    long t0 = System.nanoTime();
                    long cpu0 = threads.getCurrentThreadCpuTime();
                    reportAll(definitions, quarter, store, now, csv);
                    nanos[r] = System.nanoTime() - t0;
                    cpuNanos[r] = threads.getCurrentThreadCpuTime() - cpu0;
                }
                Arrays.sort(nanos);
                Arrays.sort(cpuNanos);
                String format = csv ? "CSV" : "JSON";
                System.out.printf("%-44s %14.0f %14s%n", "all reports as " + format + ", median ms", nanos[runs / 2] / 1e6, "<= 1000");
                System.out.printf("%-44s %14.0f %14s%n", "all reports as " + format + ", slowest of " + runs + ", ms", nanos[runs - 1] / 1e6, "<= 1000");
                System.out.printf("%-44s %14.0f %14s%n", "all reports as " + format + ", median CPU ms (this thread)", cpuNanos[runs / 2] / 1e6, "");
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Each service's report in one format, as one request for it makes. */
    private static long reportAll(List<ServiceDefinition> definitions, LocalDate quarter, ServiceHistoryStore store, Instant now, boolean csv) {
        long bytes = 0;
        for (ServiceDefinition d : definitions) {
            // Gap tolerance of the evaluator at its default 10 s interval; no carbon data, so no SCI.
            SlaReport report = SlaReport.load(d, SlaPeriod.QUARTER, quarter, store, now, 30_000, null, null);
            bytes += csv ? ServicesApi.slaCsv(report).length() : ServicesApi.slaJson(report).encode().length();
        }
        return bytes;
    }
}
