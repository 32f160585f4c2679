package io.kilowatch.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kilowatch.collector.carbon.Recordings;
import io.kilowatch.collector.store.JdbcCarbonStore;
import io.kilowatch.collector.store.JdbcStore;
import io.kilowatch.collector.store.StoreKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code java -jar kilowatch-collector.jar import-intensity ...}: imports a good file, refuses a bad one whole; into SQLite and PostgreSQL. */
@ParameterizedClass(name = "{0}")
@EnumSource(StoreKind.class)
class ImportIntensityCommandTest {
    @Parameter
    StoreKind kind;
    @TempDir
    Path dir;
    private StoreKind.TestStore testStore;

    @BeforeEach
    void freshStore() {
        testStore = kind.fresh(dir.resolve("data"));
    }

    /** The command's arguments, then the options that open the store under test. */
    private String[] withStore(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(testStore.options());
        return all.toArray(String[]::new);
    }

    private Path file(String name) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, Recordings.read(name));
        return f;
    }

    private int run(String... args) {
        return CollectorMain.importIntensity(withStore(args), testStore.environment());
    }

    private int halfHours(String region) {
        try (JdbcStore store = testStore.openStore()) {
            var series = new JdbcCarbonStore(store.database()).intensity().await().get(region);
            return series == null ? 0 : series.size();
        }
    }

    @Test
    void importsNesoAndCsvAndRefusesMalformedFilesWhole() throws Exception {
        assertEquals(0, run(file("regional-intensity-2024-06-03T1030.json").toString(), "--region", "London"));
        assertEquals(2, halfHours("13"));
        assertEquals(0, halfHours("5"), "--region picks one region of the file");

        assertEquals(1, run(file("malformed.csv").toString(), "--region", "13"));
        assertEquals(1, run(file("malformed-regional-regionid-13.json").toString()));
        assertEquals(2, halfHours("13"), "nothing of a malformed file is stored");

        assertEquals(0, run(file("national-2024-06-03.json").toString(), "--format", "neso"));
        assertEquals(8, halfHours("national"));
        assertEquals(2, run());
        assertEquals(2, run(dir.resolve("missing.json").toString()));
    }

    @Test
    void recomputeCarbonTakesADateRange() {
        assertEquals(0, CollectorMain.recomputeCarbon(withStore("--from", "2024-06-01", "--to", "2024-06-30"), testStore.environment()));
        assertEquals(2, CollectorMain.recomputeCarbon(withStore("--from", "2024-06-30", "--to", "2024-06-01"), testStore.environment()));
        assertEquals(2, CollectorMain.recomputeCarbon(withStore("--from", "June", "--to", "2024-06-01"), testStore.environment()));
        assertEquals(2, CollectorMain.recomputeCarbon(withStore(), testStore.environment()));
    }
}
