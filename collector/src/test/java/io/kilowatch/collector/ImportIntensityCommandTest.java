package io.kilowatch.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kilowatch.collector.carbon.Recordings;
import io.kilowatch.collector.store.JdbcCarbonStore;
import io.kilowatch.collector.store.JdbcStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code java -jar kilowatch-collector.jar import-intensity ...}: imports a good file, refuses a bad one whole. */
class ImportIntensityCommandTest {
    @TempDir
    Path dir;

    private Path file(String name) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, Recordings.read(name));
        return f;
    }

    private int run(String... args) {
        return CollectorMain.importIntensity(args, Map.of());
    }

    private int halfHours(String region) {
        try (JdbcStore store = JdbcStore.sqlite(dir.resolve("data"))) {
            var series = new JdbcCarbonStore(store.database()).intensity().get(region);
            return series == null ? 0 : series.size();
        }
    }

    @Test
    void importsNesoAndCsvAndRefusesMalformedFilesWhole() throws Exception {
        String data = dir.resolve("data").toString();
        assertEquals(0, run(file("regional-intensity-2024-06-03T1030.json").toString(), "--region", "London", "--data-dir", data));
        assertEquals(2, halfHours("13"));
        assertEquals(0, halfHours("5"), "--region picks one region of the file");

        assertEquals(1, run(file("malformed.csv").toString(), "--region", "13", "--data-dir", data));
        assertEquals(1, run(file("malformed-regional-regionid-13.json").toString(), "--data-dir", data));
        assertEquals(2, halfHours("13"), "nothing of a malformed file is stored");

        assertEquals(0, run(file("national-2024-06-03.json").toString(), "--format", "neso", "--data-dir", data));
        assertEquals(8, halfHours("national"));
        assertEquals(2, run("--data-dir", data));
        assertEquals(2, run(dir.resolve("missing.json").toString(), "--data-dir", data));
    }

    @Test
    void recomputeCarbonTakesADateRange() {
        String data = dir.resolve("data").toString();
        assertEquals(0, CollectorMain.recomputeCarbon(new String[] {"--from", "2024-06-01", "--to", "2024-06-30", "--data-dir", data}, Map.of()));
        assertEquals(2, CollectorMain.recomputeCarbon(new String[] {"--from", "2024-06-30", "--to", "2024-06-01", "--data-dir", data}, Map.of()));
        assertEquals(2, CollectorMain.recomputeCarbon(new String[] {"--from", "June", "--to", "2024-06-01", "--data-dir", data}, Map.of()));
        assertEquals(2, CollectorMain.recomputeCarbon(new String[] {"--data-dir", data}, Map.of()));
    }
}
