package io.kilowatch.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kilowatch.collector.store.JdbcStore;
import io.kilowatch.collector.store.StoreKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code java -jar kilowatch-collector.jar import-history FILE ...}: imports a good file, refuses a bad one whole; into SQLite and PostgreSQL. */
@ParameterizedClass(name = "{0}")
@EnumSource(StoreKind.class)
class ImportHistoryCommandTest {
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

    private double kwh2019() {
        try (JdbcStore store = testStore.openStore()) {
            return store.totals("day", Instant.parse("2019-01-01T00:00:00Z").toEpochMilli(), Instant.parse("2020-01-01T00:00:00Z").toEpochMilli())
                    .await().itJoules() / 3_600_000;
        }
    }

    @Test
    void importsHistoryFromYearsBeforeAndRefusesAMalformedFileWhole() throws Exception {
        Path good = Files.writeString(dir.resolve("meters.csv"), "scope,subject,start,resolution,energy_kwh\norg,Council A,2019-03,month,1200\n");
        Path bad = Files.writeString(dir.resolve("bad.csv"), "scope,subject,start,resolution,energy_kwh\norg,Council A,2019-04,month,1200\n"
                + "org,Council A,2019-05,fortnight,600\n");
        // Seven years back: imports are not reports, so the 35-day back-dating limit does not apply.
        assertEquals(0, CollectorMain.importHistory(withStore(good.toString()), testStore.environment()));
        assertEquals(1200.0, kwh2019(), 1e-9);
        assertEquals(1, CollectorMain.importHistory(withStore(bad.toString()), testStore.environment()));
        assertEquals(1200.0, kwh2019(), 1e-9, "nothing of the bad file, not even its good line 2");
        assertEquals(2, CollectorMain.importHistory(withStore(), testStore.environment()));
        assertEquals(2, CollectorMain.importHistory(withStore(dir.resolve("missing.csv").toString()), testStore.environment()));
    }
}
