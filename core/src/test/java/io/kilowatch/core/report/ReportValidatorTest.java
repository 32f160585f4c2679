package io.kilowatch.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportValidatorTest {
    private static final Instant NOW = Instant.parse("2026-11-25T14:00:20Z");

    private static Report example() throws Exception {
        return ReportCodec.fromJson(ReportCodecTest.example());
    }

    private static Report withPower(Report r, Report.Power p) {
        return new Report(r.schemaVersion(), r.deviceId(), r.sequence(), r.timestamp(), r.intervalSeconds(), r.labels(),
                r.host(), r.utilisation(), p, r.agent(), r.inventory());
    }

    private static void assertOneProblemMentioning(List<String> problems, String path) {
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains(path), problems.toString());
    }

    @Test
    void negativeOrAbsurdPowerIsRejected() throws Exception {
        Report r = example();
        Report.Power p = r.power();
        assertOneProblemMentioning(ReportValidator.validate(withPower(r, new Report.Power(-1.0, p.source(), p.energyJoulesTotal(), p.counterStart())), NOW), "$.power.watts");
        assertOneProblemMentioning(ReportValidator.validate(withPower(r, new Report.Power(1e9, p.source(), p.energyJoulesTotal(), p.counterStart())), NOW), "$.power.watts");
        assertOneProblemMentioning(ReportValidator.validate(withPower(r, new Report.Power(p.watts(), "guess", p.energyJoulesTotal(), p.counterStart())), NOW), "$.power.source");
        assertOneProblemMentioning(ReportValidator.validate(withPower(r, new Report.Power(p.watts(), p.source(), 1e15, p.counterStart())), NOW), "$.power.energy_joules_total");
    }

    @Test
    void timestampsFarInTheFutureOrPastAreRejected() throws Exception {
        Report r = example();
        assertOneProblemMentioning(ReportValidator.validate(r, r.timestamp().minusSeconds(3600)), "$.timestamp");
        assertOneProblemMentioning(ReportValidator.validate(r, r.timestamp().plusSeconds(86_400 * 60)), "$.timestamp");
    }

    @Test
    void instantsAtTheEdgesOfTimeAreProblemsNotExceptions() throws Exception {
        Report r = example();
        Report edge = new Report(1, r.deviceId(), r.sequence(), Instant.MAX, r.intervalSeconds(), r.labels(),
                new Report.Host("h", null, Instant.MIN, null, null), r.utilisation(),
                new Report.Power(1.0, "model", 1.0, Instant.MAX), r.agent(), null);
        List<String> problems = ReportValidator.validate(edge, NOW);
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("$.timestamp")), problems.toString());
        Report minimal = new Report(1, r.deviceId(), r.sequence(), Instant.MIN, r.intervalSeconds(), r.labels(),
                new Report.Host("h", null, Instant.MAX, null, null), r.utilisation(),
                new Report.Power(1.0, "model", 1.0, Instant.MIN), r.agent(), null);
        assertTrue(ReportValidator.validate(minimal, NOW).stream().anyMatch(p -> p.startsWith("$.timestamp")));
    }

    @Test
    void labelsMustBeKnownWithAKnownClass() throws Exception {
        Report r = example();
        Report bad = new Report(1, r.deviceId(), r.sequence(), r.timestamp(), r.intervalSeconds(),
                Map.of("class", "toaster"), r.host(), r.utilisation(), r.power(), r.agent(), null);
        assertOneProblemMentioning(ReportValidator.validate(bad, NOW), "$.labels.class");
        Report extra = new Report(1, r.deviceId(), r.sequence(), r.timestamp(), r.intervalSeconds(),
                Map.of("class", "server", "owner", "bob"), r.host(), r.utilisation(), r.power(), r.agent(), null);
        assertOneProblemMentioning(ReportValidator.validate(extra, NOW), "$.labels.owner");
    }

    @Test
    void anEmptyObjectListsEveryMissingPart() {
        Report empty = new Report(null, null, null, null, null, null, null, null, null, null, null);
        List<String> problems = ReportValidator.validate(empty, NOW);
        for (String path : List.of("$.schema_version", "$.device_id", "$.sequence", "$.timestamp", "$.interval_seconds",
                "$.labels", "$.host", "$.utilisation", "$.power")) {
            assertTrue(problems.stream().anyMatch(p -> p.startsWith(path)), path + " missing from " + problems);
        }
    }

    @Test
    void deviceIdsAreRestrictedToSafeCharacters() throws Exception {
        Report r = example();
        Report bad = new Report(1, "../etc/passwd", r.sequence(), r.timestamp(), r.intervalSeconds(), r.labels(),
                r.host(), r.utilisation(), r.power(), r.agent(), null);
        assertOneProblemMentioning(ReportValidator.validate(bad, NOW), "$.device_id");
    }

    @Test
    void sleepsAndStoppingNeedSchemaVersionTwoAndWellFormedPeriods() throws Exception {
        Report r = example();
        Instant t = r.timestamp();
        java.util.function.BiFunction<Integer, java.util.List<Report.Sleep>, Report> with = (version, sleeps) -> new Report(version, r.deviceId(),
                r.sequence(), t, r.intervalSeconds(), r.labels(), r.host(), r.utilisation(), r.power(), r.agent(), r.inventory(), sleeps, null);
        java.util.List<Report.Sleep> night = java.util.List.of(new Report.Sleep(t.minusSeconds(50_000), t.minusSeconds(600)));
        assertEquals(List.of(), ReportValidator.validate(with.apply(2, night), t));
        assertEquals(List.of(), ReportValidator.validate(with.apply(2, null), t), "version 2 without power states is fine");
        assertOneProblemMentioning(ReportValidator.validate(with.apply(1, night), t), "need schema_version 2");
        assertOneProblemMentioning(ReportValidator.validate(with.apply(3, null), t), "$.schema_version must be 1 or 2");
        assertOneProblemMentioning(ReportValidator.validate(with.apply(2, java.util.List.of(new Report.Sleep(t, t.minusSeconds(1)))), t),
                "$.sleeps[0].end must be after");
        assertOneProblemMentioning(ReportValidator.validate(with.apply(2, java.util.List.of(new Report.Sleep(t.minusSeconds(10), t.plusSeconds(3600)))), t),
                "$.sleeps[0] must lie between");
        assertOneProblemMentioning(ReportValidator.validate(with.apply(2, java.util.List.of(new Report.Sleep(t.minusSeconds(100), t.minusSeconds(50)),
                new Report.Sleep(t.minusSeconds(60), t.minusSeconds(10)))), t), "$.sleeps[1] overlaps");
        Report stopping = new Report(2, r.deviceId(), r.sequence(), t, r.intervalSeconds(), r.labels(), r.host(), r.utilisation(), r.power(),
                r.agent(), r.inventory(), null, true);
        assertEquals(List.of(), ReportValidator.validate(stopping, t));
        Report parsed = ReportCodec.fromJson(ReportCodec.toJson(stopping));
        assertEquals(stopping, parsed, "the JSON form keeps the power states");
        assertEquals(2, Report.schemaVersionFor(night, null));
        assertEquals(1, Report.schemaVersionFor(java.util.List.of(), false));
    }
}
