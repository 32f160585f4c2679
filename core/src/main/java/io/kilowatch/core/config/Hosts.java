package io.kilowatch.core.config;

/** Host names as configured, told apart without a lookup: config is checked before any network is used. */
public final class Hosts {
    private Hosts() {
    }

    /** Whether a configured host is this machine's loopback, where plain HTTP or SMTP is harmless. */
    public static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
    }
}
