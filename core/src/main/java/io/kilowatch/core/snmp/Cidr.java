package io.kilowatch.core.snmp;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An IPv4 range in CIDR notation, for discovery: its host addresses, network and broadcast left out. */
public final class Cidr {
    /** A /16: 65534 hosts is as much as one discovery sweep should try. */
    public static final int MIN_PREFIX = 16;
    private static final Pattern FORM = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})/(\\d{1,2})");

    private Cidr() {
    }

    /** @throws IllegalArgumentException naming what is wrong */
    public static List<String> hosts(String cidr) {
        Matcher m = FORM.matcher(cidr.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + cidr + "' is not an IPv4 range such as 10.20.0.0/24");
        }
        long base = 0;
        for (int i = 1; i <= 4; i++) {
            int octet = Integer.parseInt(m.group(i));
            if (octet > 255) {
                throw new IllegalArgumentException("'" + cidr + "': " + octet + " is not an octet (0-255)");
            }
            base = base << 8 | octet;
        }
        int prefix = Integer.parseInt(m.group(5));
        if (prefix < MIN_PREFIX || prefix > 32) {
            throw new IllegalArgumentException("'" + cidr + "': the prefix must be /" + MIN_PREFIX + " to /32 (at most 65534 hosts a sweep)");
        }
        long size = 1L << (32 - prefix);
        long network = base & ~(size - 1) & 0xFFFFFFFFL;
        List<String> out = new ArrayList<>();
        long first = size <= 2 ? network : network + 1;
        long last = size <= 2 ? network + size - 1 : network + size - 2;
        for (long a = first; a <= last; a++) {
            out.add((a >> 24 & 255) + "." + (a >> 16 & 255) + "." + (a >> 8 & 255) + "." + (a & 255));
        }
        return out;
    }
}
