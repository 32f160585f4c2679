import io.kilowatch.core.service.CombineRule;
import io.kilowatch.core.service.ComponentRef;
import io.kilowatch.core.service.MaintenanceWindow;
import io.kilowatch.core.service.NoDataPolicy;
import io.kilowatch.core.service.ServiceCalendar;
import io.kilowatch.core.service.ServiceDefinition;
import io.kilowatch.core.service.ServiceMaths;
import io.kilowatch.core.service.ServiceState;
import io.kilowatch.core.service.SlaPeriod;
import io.kilowatch.core.service.StateInterval;
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
import java.util.Set;

/**
 * What one service costs the collector per evaluation: every availability window (1 h .. year), the
 * error budget and seven burn rates, as ServiceEvaluator works them out each services.evaluation_interval
 * (off the event loop). Office hours, bank holidays and a weekly maintenance window; histories with
 * more or fewer state changes over the last year.
 *   java -cp collector/target/kilowatch-collector.jar bench/ServiceMathsBench.java [changes per year...]
 */
public class ServiceMathsBench {
    public static void main(String[] args) {
        int[] sizes = args.length == 0 ? new int[] {2, 100, 1_000, 10_000} : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        ZoneId london = ZoneId.of("Europe/London");
        Map<DayOfWeek, List<ServiceCalendar.Hours>> hours = new EnumMap<>(DayOfWeek.class);
        for (DayOfWeek d : List.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY, DayOfWeek.FRIDAY)) {
            hours.put(d, List.of(ServiceCalendar.Hours.parse("08:00-18:00")));
        }
        ServiceDefinition service = new ServiceDefinition("email", "", "", 0.9985,
                new ServiceCalendar(london, hours, Set.of(LocalDate.of(2026, 12, 25), LocalDate.of(2026, 12, 28))), CombineRule.ALL_OF,
                List.of(new ComponentRef("mx", ComponentRef.Kind.DEVICE, "mx-1", CombineRule.ALL_OF)),
                List.of(new MaintenanceWindow("patching", LocalDateTime.parse("2025-01-07T20:00"), Duration.ofHours(2),
                        MaintenanceWindow.Recurrence.WEEK, Optional.empty(), Set.of())),
                NoDataPolicy.DOWN, SlaPeriod.QUARTER);
        Instant now = Instant.parse("2026-12-20T12:00:00Z");
        System.out.printf("%-20s %-14s %-14s%n", "changes in a year", "median ms", "p99 ms");
        for (int changes : sizes) {
            List<StateInterval> history = new ArrayList<>();
            long start = now.minus(Duration.ofDays(367)).toEpochMilli();
            long step = (now.toEpochMilli() - start) / changes;
            for (int i = 0; i < changes; i++) {
                history.add(new StateInterval(start + i * step, start + (i + 1) * step, i % 2 == 0 ? ServiceState.UP : ServiceState.DOWN));
            }
            for (int i = 0; i < 50; i++) {
                ServiceMaths.summary(service, history, now);
            }
            int runs = 200;
            long[] nanos = new long[runs];
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                ServiceMaths.summary(service, history, now);
                nanos[i] = System.nanoTime() - t0;
            }
            Arrays.sort(nanos);
            System.out.printf("%-20d %-14.3f %-14.3f%n", changes, nanos[runs / 2] / 1e6, nanos[runs * 99 / 100] / 1e6);
        }
    }
}
