package io.kilowatch.collector.estate;

/**
 * Logged-in user sessions to add to one device's local day, from the session count its agent reports: each report
 * stands for one interval with that many users logged in, and sessions begun are the rises in the count (all of
 * them after a boot). A session that begins and ends between two reports is not seen.
 */
public record SessionIncrement(String deviceId, long dayStartMs, double sessionSeconds, double sessionsStarted) {
}
