package io.kilowatch.collector.history;

/** A history file that cannot be imported; the message names the line and field. Nothing of the file is stored. */
public final class HistoryFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public HistoryFormatException(String message) {
        super(message);
    }
}
