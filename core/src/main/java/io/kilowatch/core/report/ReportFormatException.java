package io.kilowatch.core.report;

/** A report body that is not a well-formed report: its message is safe to return to the sender. */
public final class ReportFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public ReportFormatException(String message) {
        super(message);
    }
}
