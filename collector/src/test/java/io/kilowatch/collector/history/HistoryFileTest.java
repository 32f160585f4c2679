package io.kilowatch.collector.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every problem names its line (and field); whole-file checks run before anything is stored. */
class HistoryFileTest {
    private static final ZoneId KATHMANDU = ZoneId.of("Asia/Kathmandu");
    private static final String HEADER = "scope,subject,start,resolution,energy_kwh,org,site,class\n";

    private static String problem(String text) {
        return assertThrows(HistoryFormatException.class, () -> HistoryFile.parse(text, KATHMANDU)).getMessage();
    }

    @Test
    void periodsAreHalfHoursInUtcAndLocalDaysAndMonths() {
        List<HistoryFile.Row> rows = HistoryFile.parse("# meter readings\n" + HEADER
                + "device,pc-1,2024-12-31T23:45:00+05:45,half_hour,0.5,,,desktop\n"
                + "site,Depot,2024-12-31,day,24,Council A,,\n"
                + "ORG,Council B,2024-12,Month,744,,Ignored Hall,\n", KATHMANDU);
        assertEquals(3, rows.size());
        // A half-hour is a UTC half-hour whatever offset names it: 23:45+05:45 is 18:00Z.
        assertEquals(Instant.parse("2024-12-31T18:00:00Z"), rows.get(0).start());
        assertEquals(Instant.parse("2024-12-31T18:30:00Z"), rows.get(0).end());
        assertEquals("desktop", rows.get(0).deviceClass());
        HistoryFile.Row day = rows.get(1);
        assertEquals(Instant.parse("2024-12-30T18:15:00Z"), day.start(), "local midnight in Kathmandu (UTC+05:45)");
        assertEquals(Instant.parse("2024-12-31T18:15:00Z"), day.end());
        assertEquals("Depot", day.site());
        assertEquals("Council A", day.org());
        HistoryFile.Row month = rows.get(2);
        assertEquals(HistoryFile.Scope.ORG, month.scope());
        assertEquals("Council B", month.org());
        assertEquals(Instant.parse("2024-11-30T18:15:00Z"), month.start());
        assertEquals(Instant.parse("2024-12-31T18:15:00Z"), month.end());
        assertEquals(744 * 3_600_000.0, month.joules());
    }

    @Test
    void aBadLineIsNamedWithItsField() {
        assertEquals("line 3, field energy_kwh: not a number: '12O'",
                problem(HEADER + "site,Depot,2024-12-30,day,1,,,\nsite,Depot,2024-12-31,day,12O,,,\n"));
        assertEquals("line 2, field scope: must be one of [device, site, org], got 'building'",
                problem(HEADER + "building,Depot,2024-12-31,day,1,,,\n"));
        assertEquals("line 2, field start: a half-hour starts on a UTC half-hour (:00 or :30), got 2024-12-31T18:15:00+00:00",
                problem(HEADER + "device,pc-1,2024-12-31T18:15:00+00:00,half_hour,1,,,\n"));
        assertEquals("line 2, field start: for month give a month such as 2024-12, got '2024-13'", problem(HEADER + "org,A,2024-13,month,1,,,\n"));
        assertEquals("line 2, field energy_kwh: must be between 0 and 1000000 kWh, got -1", problem(HEADER + "org,A,2024-12,month,-1,,,\n"));
        assertEquals("line 2: 4 fields, the header has 8", problem(HEADER + "org,A,2024-12,month\n"));
        assertEquals("line 1: the header must name the columns scope, subject, start, resolution, energy_kwh",
                problem("scope,subject,start,energy_kwh\norg,A,2024-12,1\n"));
        assertEquals("line 1: unknown or repeated column 'kwh'; columns are scope, subject, start, resolution, energy_kwh and optionally org, site, class",
                problem("scope,subject,start,resolution,kwh\n"));
        assertEquals("line 1: no rows; the file needs a header scope,subject,start,resolution,energy_kwh and at least one row", problem("\n# nothing\n"));
    }

    @Test
    void aSpreadsheetsByteOrderMarkIsNotPartOfTheHeader() {
        List<HistoryFile.Row> rows = HistoryFile.parse("\uFEFF" + HEADER + "site,Depot,2024-12-31,day,24,,,\r\n", KATHMANDU);
        assertEquals(24 * 3_600_000.0, rows.get(0).joules());
    }

    @Test
    void rowsOfOneSubjectMustNotOverlap() {
        assertEquals("line 4: overlaps line 2 (site Depot): the same time would be counted twice", problem(HEADER
                + "site,Depot,2024-12,month,744,,,\n"
                + "site,Other,2024-12-15,day,24,,,\n"
                + "site,Depot,2024-12-15,day,24,,,\n"));
    }
}
