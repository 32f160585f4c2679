package io.kilowatch.collector.store;

/** The store failed: nothing of the operation was applied. */
public final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
