package io.kilowatch.collector.carbon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.collector.carbon.IntensityFile.Format;
import io.kilowatch.core.carbon.IntensitySeries;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IntensityFileTest {
    @Test
    void nationalUsesActualsWhereNesoHasThemAndForecastsElse() {
        Map<String, List<IntensitySeries.Point>> points = IntensityFile.parse(Recordings.read("national-2024-06-03.json"), Format.NESO, null, null);
        assertEquals(Set.of("national"), points.keySet());
        List<IntensitySeries.Point> national = points.get("national");
        assertEquals(8, national.size());
        // 09:00: forecast 140, actual 137
        assertEquals(new IntensitySeries.Point(Instant.parse("2024-06-03T09:00:00Z"), 137, "actual", "NESO Carbon Intensity API national"),
                national.get(0));
        // 11:00: no actual yet, forecast 140 - 6 x 4 = 116
        assertEquals(new IntensitySeries.Point(Instant.parse("2024-06-03T11:00:00Z"), 116, "forecast", "NESO Carbon Intensity API national"),
                national.get(4));
    }

    @Test
    void oneRegionOverATimeRangeWithAGap() {
        Map<String, List<IntensitySeries.Point>> points = IntensityFile.parse(
                Recordings.read("regional-intensity-regionid-13-2024-06-03.json"), Format.NESO, null, null);
        List<IntensitySeries.Point> london = points.get("13");
        assertEquals(5, london.size());
        assertEquals(Instant.parse("2024-06-03T10:00:00Z"), london.get(2).start());
        assertEquals(100, london.get(2).gramsPerKwh());
        assertEquals(Instant.parse("2024-06-03T11:00:00Z"), london.get(3).start(), "10:30 is missing from the recording");
        assertEquals("NESO Carbon Intensity API regional, region 13 London", london.get(3).source());
    }

    @Test
    void everyRegionByHalfHourAndARegionPicked() {
        String text = Recordings.read("regional-intensity-2024-06-03T1030.json");
        Map<String, List<IntensitySeries.Point>> all = IntensityFile.parse(text, Format.NESO, null, null);
        assertEquals(18, all.size());
        assertEquals(2, all.get("5").size());
        Map<String, List<IntensitySeries.Point>> london = IntensityFile.parse(text, Format.NESO, "London", null);
        assertEquals(Set.of("13"), london.keySet());
        assertEquals(200, london.get("13").get(0).gramsPerKwh());
    }

    @Test
    void csvWithRegionColumnByIdOrName() {
        Map<String, List<IntensitySeries.Point>> points = IntensityFile.parse(Recordings.read("london-2024-06-03.csv"), Format.CSV, null, null);
        assertEquals(Set.of("13"), points.keySet());
        assertEquals(List.of(
                new IntensitySeries.Point(Instant.parse("2024-06-03T10:30:00Z"), 200, "forecast", "CSV import, region 13 London"),
                new IntensitySeries.Point(Instant.parse("2024-06-03T11:00:00Z"), 300, "forecast", "CSV import, region 13 London")),
                points.get("13"));
        Map<String, List<IntensitySeries.Point>> fr = IntensityFile.parse("from,to,gco2e_per_kwh\n2024-06-03T12:00+02:00,2024-06-03T12:30+02:00,31\n",
                Format.CSV, "FR", "RTE eCO2mix");
        assertEquals(new IntensitySeries.Point(Instant.parse("2024-06-03T10:00:00Z"), 31, "actual", "RTE eCO2mix"), fr.get("FR").get(0));
    }

    @Test
    void malformedFilesNameWhereTheProblemIs() {
        IntensityFormatException json = assertThrows(IntensityFormatException.class,
                () -> IntensityFile.parse(Recordings.read("malformed-regional-regionid-13.json"), Format.NESO, null, null));
        assertEquals("$.data[0].data[3].intensity.forecast: expected a number, got n/a", json.getMessage());
        IntensityFormatException csv = assertThrows(IntensityFormatException.class,
                () -> IntensityFile.parse(Recordings.read("malformed.csv"), Format.CSV, "13", null));
        assertEquals("line 3, field gco2e_per_kwh: not a number: '12O'", csv.getMessage());
        IntensityFormatException syntax = assertThrows(IntensityFormatException.class,
                () -> IntensityFile.parse("{\"data\": [", Format.NESO, null, null));
        assertTrue(syntax.getMessage().startsWith("not NESO Carbon Intensity JSON"), syntax.getMessage());
        IntensityFormatException notHalfHour = assertThrows(IntensityFormatException.class, () -> IntensityFile.parse(
                "{\"data\":[{\"from\":\"2024-06-03T10:00Z\",\"to\":\"2024-06-03T11:00Z\",\"intensity\":{\"forecast\":1}}]}", Format.NESO, null, null));
        assertTrue(notHalfHour.getMessage().startsWith("$.data[0]: from"), notHalfHour.getMessage());
        IntensityFormatException noRegion = assertThrows(IntensityFormatException.class,
                () -> IntensityFile.parse(Recordings.read("malformed.csv"), Format.CSV, null, null));
        assertTrue(noRegion.getMessage().contains("region"), noRegion.getMessage());
        IntensityFormatException wrongRegion = assertThrows(IntensityFormatException.class,
                () -> IntensityFile.parse(Recordings.read("national-2024-06-03.json"), Format.NESO, "13", null));
        assertTrue(wrongRegion.getMessage().contains("no half-hours for region 13"), wrongRegion.getMessage());
    }
}
