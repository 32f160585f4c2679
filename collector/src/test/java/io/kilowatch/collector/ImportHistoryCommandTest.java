package io.kilowatch.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kilowatch.collector.store.JdbcStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code java -jar kilowatch-collector.jar import-history FILE ...}: imports a good file, refuses a bad one whole. */
class ImportHistoryCommandTest {
    @TempDir
    Path dir;

    private double kwh2019() {
        try (JdbcStore store = JdbcStore.sqlite(dir.resolve("data"))) {
            return store.totals("day", Instant.parse("2019-01-01T00:00:00Z").toEpochMilli(), Instant.parse("2020-01-01T00:00:00Z").toEpochMilli())
                    .itJoules() / 3_600_000;
        }
    }

    @Test
    void importsHistoryFromYearsBeforeAndRefusesAMalformedFileWhole() throws Exception {
        String data = dir.resolve("data").toString();
        Path good = Files.writeString(dir.resolve("meters.csv"), "scope,subject,start,resolution,energy_kwh\norg,Council A,2019-03,month,1200\n");
        Path bad = Files.writeString(dir.resolve("bad.csv"), "scope,subject,start,resolution,energy_kwh\norg,Council A,2019-04,month,1200\n"
                + "org,Council A,2019-05,fortnight,600\n");
        // Seven years back: imports are not reports, so the 35-day back-dating limit does not apply.
        assertEquals(0, CollectorMain.importHistory(new String[] {good.toString(), "--data-dir", data}, Map.of()));
        assertEquals(1200.0, kwh2019(), 1e-9);
        assertEquals(1, CollectorMain.importHistory(new String[] {bad.toString(), "--data-dir", data}, Map.of()));
        assertEquals(1200.0, kwh2019(), 1e-9, "nothing of the bad file, not even its good line 2");
        assertEquals(2, CollectorMain.importHistory(new String[] {"--data-dir", data}, Map.of()));
        assertEquals(2, CollectorMain.importHistory(new String[] {dir.resolve("missing.csv").toString(), "--data-dir", data}, Map.of()));
    }
}
