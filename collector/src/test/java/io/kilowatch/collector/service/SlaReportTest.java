package io.kilowatch.collector.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.core.service.CombineRule;
import io.kilowatch.core.service.ComponentRef;
import io.kilowatch.core.service.NoDataPolicy;
import io.kilowatch.core.service.ServiceCalendar;
import io.kilowatch.core.service.ServiceDefinition;
import io.kilowatch.core.service.ServiceState;
import io.kilowatch.core.service.SlaPeriod;
import io.kilowatch.core.service.StateInterval;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Issue 15: the report charged the stretch since the last evaluation as "no data" while the status API said 1.0. */
class SlaReportTest {
    static final ServiceDefinition EMAIL = new ServiceDefinition("email", "IT", "", 0.99, ServiceCalendar.allDay(ZoneId.of("UTC"), Set.of()),
            CombineRule.ALL_OF, List.of(new ComponentRef("mx", ComponentRef.Kind.DEVICE, "mx-1", CombineRule.ALL_OF)), List.of(),
            NoDataPolicy.DOWN, SlaPeriod.QUARTER);
    static final Instant START = Instant.parse("2026-11-10T00:00:00Z");
    /** Evaluations every 15 s: a state holds for up to three of them. */
    static final long TOLERANCE_MS = 45_000;

    private static JsonObject dayReport(Instant lastEvaluation, Instant now) {
        StateInterval up = new StateInterval(START.toEpochMilli(), lastEvaluation.toEpochMilli(), ServiceState.UP);
        return ServicesApi.slaJson(SlaReport.of(EMAIL, SlaPeriod.DAY, LocalDate.of(2026, 11, 10), List.of(up), List.of(),
                Map.of("mx", List.of(up)), now, TOLERANCE_MS, null));
    }

    @Test
    void askedJustAfterAnEvaluationAServiceNeverDownIsFullyUp() {
        // Up from 00:00:00 to the evaluation at 00:00:45; asked 0.7 s later. Before the fix: 45 / 45.7 = 0.9847, met false.
        JsonObject report = dayReport(START.plusSeconds(45), START.plusMillis(45_700));
        assertEquals(1.0, report.getDouble("availability_ratio"));
        assertTrue(report.getBoolean("met"));
        assertEquals(45.7, report.getJsonObject("seconds").getDouble("up"), 1e-9);
        assertEquals(0.0, report.getJsonObject("seconds").getDouble("no_data"));
        assertEquals(0.0, report.getJsonObject("error_budget").getDouble("spent_seconds"));
        assertEquals(1.0, report.getJsonArray("components").getJsonObject(0).getDouble("availability_ratio"));
    }

    @Test
    void aGapLongerThanThreeEvaluationsStaysNoData() {
        // Last evaluation at 00:01:40, asked at 00:02:40: 60 s > 45 s, the collector was stopped; 60 s of no data charged down.
        JsonObject report = dayReport(START.plusSeconds(100), START.plusSeconds(160));
        assertEquals(60.0, report.getJsonObject("seconds").getDouble("no_data"));
        assertEquals(100.0 / 160, report.getDouble("availability_ratio"), 1e-12);
        assertFalse(report.getBoolean("met"));
    }
}
