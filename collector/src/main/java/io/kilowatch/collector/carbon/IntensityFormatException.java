package io.kilowatch.collector.carbon;

/** An intensity file that cannot be imported; the message names the line or JSON path and the field. */
public final class IntensityFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public IntensityFormatException(String message) {
        super(message);
    }
}
