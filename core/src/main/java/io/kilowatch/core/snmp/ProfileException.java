package io.kilowatch.core.snmp;

/** A device profile that cannot be used; the message names the file and the field. */
public final class ProfileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ProfileException(String message) {
        super(message);
    }
}
