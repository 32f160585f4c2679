package io.kilowatch.collector.service;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A synthetic check the collector runs itself, as Prometheus's blackbox exporter does.
 *
 * @param target a URL (http), host:port (tcp) or a host name (dns)
 * @param statusFrom lowest HTTP status that counts as success
 * @param maxLatency slower answers count as failures; zero for no limit
 * @param tlsMinDaysLeft an HTTPS probe fails when its certificate has fewer days left
 * @param tlsWarnDays {@code tls_certificate_expiring} holds when the certificate has fewer days left
 */
public record ProbeDefinition(String name, Kind kind, String target, Duration interval, Duration timeout,
                              int statusFrom, int statusTo, Optional<Pattern> bodyMatch, Duration maxLatency,
                              int tlsMinDaysLeft, int tlsWarnDays, boolean tlsVerify, Optional<Path> tlsCaFile) {
    public enum Kind {
        HTTP, TCP, DNS;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public URI uri() {
        return URI.create(target);
    }

    /** Host and port of a TCP target. */
    public String host() {
        return target.substring(0, target.lastIndexOf(':'));
    }

    public int port() {
        return Integer.parseInt(target.substring(target.lastIndexOf(':') + 1));
    }

    /** A result older than this says nothing any more: a probe that cannot run is "no data", not "up". */
    public Duration staleAfter() {
        return interval.multipliedBy(2).plus(timeout);
    }
}
