package io.kilowatch.collector.history;

import io.kilowatch.core.carbon.EnergyFootprint;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/** Imported energy history (table {@code energy_imports}); each method works on the store's single writer and answers on the caller's context. */
public interface HistoryStore {
    /**
     * The part of one imported row that falls in one local day, with its figures.
     *
     * @param line the row's line in its file, for messages
     */
    record ImportedDay(int line, String scope, String subject, String resolution, long rowStartMs, long rowEndMs, long dayStartMs,
                       String org, String site, String deviceClass, EnergyFootprint footprint) {
    }

    /** A stored imported row of a subject that a new row would overlap. */
    record Conflict(int line, String resolution, long rowStartMs) {
    }

    /**
     * Stores imported rows in one transaction: a row already stored (same scope, subject, resolution and
     * start) is replaced. If any row overlaps a stored row of the same subject with another resolution or
     * start, nothing is stored and that conflict is returned.
     *
     * @return the first conflict, or empty when all was stored
     */
    Future<Optional<Conflict>> replace(List<ImportedDay> days, long nowMs);
}
