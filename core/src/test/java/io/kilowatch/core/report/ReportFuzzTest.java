package io.kilowatch.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Instant;
import java.util.List;

/**
 * Coverage-guided fuzzing of what the collector does with untrusted bytes: parse a report or a batch
 * and validate it. The only acceptable failure is a {@link ReportFormatException} (a 400 with its
 * message); anything else thrown (NullPointerException, DateTimeException, StackOverflowError...) would
 * be a 500 or worse and fails the test. Seeds live in src/test/resources/.../ReportFuzzTestInputs/.
 */
class ReportFuzzTest {
    private static final Instant NOW = Instant.parse("2026-11-25T14:00:20Z");

    @FuzzTest(maxDuration = "30s")
    void parsingAndValidationFailOnlyWithAClearMessage(FuzzedDataProvider data) {
        boolean asBatch = data.consumeBoolean();
        String body = data.consumeRemainingAsString();
        try {
            if (asBatch) {
                for (ReportCodec.BatchItem item : ReportCodec.batchFromJson(body)) {
                    if (item.report() != null) {
                        check(item.report());
                    }
                }
            } else {
                check(ReportCodec.fromJson(body));
            }
        } catch (ReportFormatException expected) {
            // malformed input, named in the message: the collector answers 400
        }
    }

    private static void check(Report report) throws ReportFormatException {
        List<String> problems = ReportValidator.validate(report, NOW);
        if (problems.isEmpty()) {
            // a valid report survives its own JSON form unchanged, as agents' spools rely on
            assertEquals(report, ReportCodec.fromJson(ReportCodec.toJson(report)));
        }
    }
}
