package io.kilowatch.agent.ship;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kilowatch.core.report.ReportCodec;
import io.kilowatch.core.report.ReportJson;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void readsTheCollectorsAnswer() {
        Object answer = Json.parse("""
                { "results": [{"sequence": 12, "status": "sequence_taken", "duplicate": true, "last_sequence": 9007199254740993}],
                  "settings": {"report_interval_seconds": 60.5, "labels": {"site": "Civic Hall \\u00e9\\n\\"\\\\\\/"}, "x": null,
                               "e": -1.5E+3, "big": 123456789012345678901234567890} }""");
        List<?> results = (List<?>) Json.member(answer, "results");
        assertEquals(Map.of("sequence", 12L, "status", "sequence_taken", "duplicate", true, "last_sequence", 9007199254740993L), results.get(0));
        Object settings = Json.member(answer, "settings");
        assertEquals(60.5, Json.member(settings, "report_interval_seconds"));
        assertEquals("Civic Hall é\n\"\\/", Json.member(Json.member(settings, "labels"), "site"));
        assertNull(Json.member(settings, "x"));
        assertEquals(-1500.0, Json.member(settings, "e"));
        assertEquals(1.2345678901234568E29, Json.member(settings, "big"));
        assertNull(Json.member(results, "sequence"), "an array has no members");
    }

    @Test
    void readsBackEveryStringTheWriterWrites() {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x800; c++) {
            all.append(c);
        }
        assertEquals(all.toString(), Json.parse(ReportJson.quote(all.toString())));
    }

    @Test
    void readsAWrittenReport() throws Exception {
        String json = ReportJson.toJson(ReportShipperTest.report(7));
        assertEquals(7L, Json.member(Json.parse(json), "sequence"));
        assertEquals(ReportShipperTest.report(7), ReportCodec.fromJson(json));
    }

    @Test
    void refusesWhatIsNotOneJsonValue() {
        for (String bad : Arrays.asList("", "{", "{\"a\":1", "{\"a\" 1}", "{a:1}", "[1,]", "[1 2]", "01", "-", "1.", "1e", ".5", "tru", "nul",
                "\"open", "\"bad \\x escape\"", "\"\\u12\"", "\"tab\tinside\"", "{} {}", "[]]", "[".repeat(100) + "]".repeat(100))) {
            assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
        }
    }
}
