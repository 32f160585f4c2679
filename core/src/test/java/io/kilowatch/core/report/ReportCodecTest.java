package io.kilowatch.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReportCodecTest {
    static String example() throws IOException {
        try (InputStream in = ReportCodecTest.class.getResourceAsStream("/report-v1-example.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void readsTheDocumentedExampleAndWritesItBackUnchanged() throws Exception {
        Report r = ReportCodec.fromJson(example());
        assertEquals("pc-0042", r.deviceId());
        assertEquals(1207L, r.sequence());
        assertEquals(Instant.parse("2026-11-25T07:58:02Z"), r.host().bootTime());
        assertEquals("model", r.power().source());
        assertEquals("DELL P2422H", r.inventory().displays().get(0).name());
        assertEquals(r, ReportCodec.fromJson(ReportCodec.toJson(r)));
        assertTrue(ReportValidator.validate(r, Instant.parse("2026-11-25T14:00:20Z")).isEmpty());
    }

    @Test
    void unknownFieldsAreNamed() {
        ReportFormatException e = assertThrows(ReportFormatException.class,
                () -> ReportCodec.fromJson("{\"schema_version\":1,\"power\":{\"wats\":3}}"));
        assertTrue(e.getMessage().contains("wats"), e.getMessage());
    }

    @Test
    void wrongTypesAndMalformedJsonAreRejected() {
        assertThrows(ReportFormatException.class, () -> ReportCodec.fromJson("{\"sequence\":\"12\"}"));
        assertThrows(ReportFormatException.class, () -> ReportCodec.fromJson("{\"sequence\":1"));
        assertThrows(ReportFormatException.class, () -> ReportCodec.fromJson("null"));
        assertThrows(ReportFormatException.class, () -> ReportCodec.fromJson("{\"power\":{\"watts\":NaN}}"));
        assertThrows(ReportFormatException.class, () -> ReportCodec.fromJson("{\"timestamp\":\"yesterday\"}"));
        assertThrows(ReportFormatException.class, () -> ReportCodec.fromJson("{\"sequence\":1,\"sequence\":2}"));
        assertThrows(ReportFormatException.class, () -> ReportCodec.fromJson("{} {}"));
    }

    @Test
    void aBatchReadsEveryReportAndNamesTheBadOnes() throws Exception {
        Report r = ReportCodec.fromJson(example());
        String batch = ReportCodec.batchToJson(java.util.List.of(r, r));
        java.util.List<ReportCodec.BatchItem> items = ReportCodec.batchFromJson(batch);
        assertEquals(2, items.size());
        assertEquals(r, items.get(1).report());

        String oneBad = batch.replaceFirst("\"sequence\":1207", "\"sequense\":1207");
        items = ReportCodec.batchFromJson(oneBad);
        assertEquals(null, items.get(0).report());
        assertTrue(items.get(0).problem().contains("sequense") && items.get(0).problem().contains("$.reports[0]"), items.get(0).problem());
        assertEquals(r, items.get(1).report());
    }

    @Test
    void aBodyThatIsNotABatchIsRefusedWhole() {
        assertThrows(ReportFormatException.class, () -> ReportCodec.batchFromJson("[]"));
        assertThrows(ReportFormatException.class, () -> ReportCodec.batchFromJson("{\"reports\":[]}"));
        assertThrows(ReportFormatException.class, () -> ReportCodec.batchFromJson("{\"reports\":[], \"x\":1}"));
        assertThrows(ReportFormatException.class, () -> ReportCodec.batchFromJson("{\"reports\":[{}]} trailing"));
        String tooMany = "{\"reports\":[" + "{},".repeat(ReportCodec.MAX_BATCH_REPORTS) + "{}]}";
        assertThrows(ReportFormatException.class, () -> ReportCodec.batchFromJson(tooMany));
    }

    @Test
    void aStoredInventoryReadsBackSkippingFieldsItDoesNotKnow() throws Exception {
        Inventory inventory = ReportCodec.fromJson(example()).inventory();
        assertEquals(inventory, ReportCodec.inventoryFromJson(ReportCodec.toJson(inventory)));
        Inventory other = ReportCodec.inventoryFromJson("{\"model\":\"X1\",\"asset_tag\":\"A-7\",\"firmware\":{\"release_date\":\"2025-01-01\"}}");
        assertEquals("X1", other.model());
        assertEquals("2025-01-01", other.firmware().releaseDate());
        assertThrows(ReportFormatException.class, () -> ReportCodec.inventoryFromJson("{\"model\":"));
        assertThrows(ReportFormatException.class, () -> ReportCodec.inventoryFromJson("null"));
    }

    @Test
    void deepNestingIsRefused() {
        String deep = "{\"labels\":" + "[".repeat(100) + "]".repeat(100) + "}";
        assertThrows(ReportFormatException.class, () -> ReportCodec.fromJson(deep));
    }

    @Test
    void timestampsReadAsInstantParseReadsThemFastPathOrNot() {
        int refused = 0;
        for (String t : new String[] {"2026-01-31T12:00:00Z", "2026-01-31T12:00:00.5Z", "2026-01-31T12:00:00.123456789Z",
                "2026-12-03T08:27:55.181Z", "0000-01-01T00:00:00Z", "2024-02-29T23:59:59.000000001Z", "2026-01-31T12:00:00+01:00",
                "2026-01-31t12:00:00z", "+12026-01-31T12:00:00Z", "2026-01-31T23:59:60Z", "2026-01-31T24:00:00Z", "2026-01-31T12:00:00.Z",
                "2026-02-30T12:00:00Z", "2025-02-29T12:00:00Z", "2026-13-01T12:00:00Z", "2026-01-31T12:60:00Z", "2026-01-31T12:00:00.1234567890Z",
                "2026-01-31 12:00:00Z", "2026-1-31T12:00:00Z", "2026-01-31T12:00:0xZ", "2026-01-31T12:00:00", "2026-01-31T12:00:00.-1Z", ""}) {
            Instant expected;
            try {
                expected = Instant.parse(t);
            } catch (java.time.format.DateTimeParseException e) {
                refused++;
                assertThrows(java.time.format.DateTimeParseException.class, () -> ReportCodec.parseInstant(t), t);
                continue;
            }
            assertEquals(expected, ReportCodec.parseInstant(t), t);
        }
        assertTrue(refused >= 9, "the refused forms are tried too");
    }
}
