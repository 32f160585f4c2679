package io.kilowatch.core.config;

/** A config value that cannot be used; the message names the key and what it should be. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
