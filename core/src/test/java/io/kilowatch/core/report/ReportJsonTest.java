package io.kilowatch.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The Jackson-free writer against the codec's Jackson mapper: the bytes on the wire must not change. */
class ReportJsonTest {
    private static String jackson(Object value) throws Exception {
        return ReportCodec.MAPPER.writeValueAsString(value);
    }

    @Test
    void theExampleReportIsWrittenAsJacksonWritesIt() throws Exception {
        Report example = ReportCodec.fromJson(ReportCodecTest.example());
        assertEquals(jackson(example), ReportJson.toJson(example));
        assertEquals(jackson(example.inventory()), ReportJson.toJson(example.inventory()));
        assertEquals(example, ReportCodec.fromJson(ReportJson.toJson(example)));
    }

    @Test
    void aBatchIsWrittenAsJacksonWritesIt() throws Exception {
        Report example = ReportCodec.fromJson(ReportCodecTest.example());
        List<Report> batch = List.of(example, example);
        assertEquals(jackson(Map.of("reports", batch)), ReportCodec.batchToJson(batch));
        assertEquals(jackson(Map.of("reports", List.of(example))), ReportJson.batchOfJson(List.of(ReportJson.toJson(example))));
    }

    @Test
    void nullsSleepsStoppingAndOddValuesAreWrittenAsJacksonWritesThem() throws Exception {
        Report empty = new Report(null, null, null, null, null, null, null, null, null, null, null, null, null);
        assertEquals("{}", ReportJson.toJson(empty));
        assertEquals(jackson(empty), ReportJson.toJson(empty));

        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("org", "A \"quoted\" \\ council/ünïcode 💡");
        labels.put("site", null);
        Inventory inventory = new Inventory(null, "m", null, null, new Inventory.Firmware(null, null, null), new Inventory.Cpu("c", 4, null),
                null, Arrays.asList(new Inventory.Disk(null, null, 1L), null), List.of());
        Report odd = new Report(2, "pc:1", Long.MAX_VALUE, Instant.parse("2026-01-31T12:00:00.123456789Z"), Double.NaN, labels,
                new Report.Host("h", "os", Instant.EPOCH, Double.POSITIVE_INFINITY, 0),
                new Report.Utilisation(1e-9, 0L, -1L), new Report.Power(1e21, "model", 0.1 + 0.2, Instant.parse("2026-09-01T08:00:00Z")),
                new Report.AgentSelf("dev", 0.0, 1L, 0, 0L), inventory,
                List.of(new Report.Sleep(Instant.parse("2026-01-31T01:00:00Z"), Instant.parse("2026-01-31T07:00:00Z"))), Boolean.TRUE);
        assertEquals(jackson(odd), ReportJson.toJson(odd));
    }

    @Test
    void everyCharacterIsEscapedAsJacksonEscapesIt() throws Exception {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x800; c++) {
            all.append(c);
        }
        all.append("\uD83D\uDCA1\uD800\uDFFF\uFFFF\u2028\u2029");
        Report r = new Report(1, all.toString(), 1L, null, null, Map.of(all.toString(), all.toString()), null, null, null, null, null);
        assertEquals(jackson(r), ReportJson.toJson(r));
        assertEquals(jackson(all.toString()), ReportJson.quote(all.toString()));
    }

    @Test
    void randomReportsAreWrittenAsJacksonWritesThem() throws Exception {
        SplittableRandom random = new SplittableRandom(14);
        for (int i = 0; i < 300; i++) {
            Report r = randomReport(random);
            assertEquals(jackson(r), ReportJson.toJson(r), "report " + i);
        }
    }

    private static Report randomReport(SplittableRandom random) {
        List<Inventory.Display> displays = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--) {
            displays.add(new Inventory.Display(text(random), text(random), text(random), text(random), integer(random), integer(random), number(random)));
        }
        Inventory inventory = random.nextBoolean() ? null : new Inventory(text(random), text(random), text(random), text(random),
                new Inventory.Firmware(text(random), text(random), text(random)), new Inventory.Cpu(text(random), integer(random), integer(random)),
                longValue(random), List.of(new Inventory.Disk(text(random), text(random), longValue(random))), displays);
        Map<String, String> labels = new LinkedHashMap<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            labels.put(text(random) + i, text(random));
        }
        return new Report(integer(random), text(random), longValue(random), instant(random), number(random), labels,
                new Report.Host(text(random), text(random), instant(random), number(random), integer(random)),
                new Report.Utilisation(number(random), longValue(random), longValue(random)),
                new Report.Power(number(random), text(random), number(random), instant(random)),
                new Report.AgentSelf(text(random), number(random), longValue(random), integer(random), longValue(random)),
                inventory, random.nextBoolean() ? null : List.of(new Report.Sleep(instant(random), instant(random))),
                random.nextBoolean() ? null : random.nextBoolean());
    }

    private static String text(SplittableRandom random) {
        if (random.nextInt(5) == 0) {
            return null;
        }
        StringBuilder s = new StringBuilder();
        for (int i = random.nextInt(12); i > 0; i--) {
            s.append((char) (random.nextBoolean() ? random.nextInt(0x80) : random.nextInt(0x10000)));
        }
        return s.toString();
    }

    private static Double number(SplittableRandom random) {
        return switch (random.nextInt(5)) {
            case 0 -> null;
            case 1 -> (double) random.nextInt(1000);
            case 2 -> random.nextDouble() * Math.pow(10, random.nextInt(-12, 22));
            default -> random.nextDouble();
        };
    }

    private static Integer integer(SplittableRandom random) {
        return random.nextInt(5) == 0 ? null : random.nextInt();
    }

    private static Long longValue(SplittableRandom random) {
        return random.nextInt(5) == 0 ? null : random.nextLong();
    }

    private static Instant instant(SplittableRandom random) {
        return random.nextInt(5) == 0 ? null : Instant.ofEpochSecond(random.nextLong(0, 4_000_000_000L), random.nextBoolean() ? 0 : random.nextInt(1_000_000_000));
    }
}
