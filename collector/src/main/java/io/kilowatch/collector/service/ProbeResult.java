package io.kilowatch.collector.service;

import java.time.Instant;
import java.util.Optional;

/**
 * One run of a probe.
 *
 * @param error why it failed, empty on success
 * @param certificateNotAfter the expiry of the server's certificate, for HTTPS
 */
public record ProbeResult(boolean success, double durationSeconds, String error, Instant checkedAt, Optional<Instant> certificateNotAfter) {
}
