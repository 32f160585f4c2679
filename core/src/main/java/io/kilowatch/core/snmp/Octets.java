package io.kilowatch.core.snmp;

/**
 * An SNMP OCTET STRING as the device sent it: its text for names, descriptions and filters, and its bytes for
 * what reads them as flags (an RFC 2578 BITS value, HOST-RESOURCES hrPrinterDetectedErrorState).
 */
public final class Octets {
    /** Bits a figure (a double) carries exactly, in whole octets. */
    private static final int MAX_FLAG_OCTETS = 6;

    private final byte[] bytes;
    private final String text;

    /** @param text how the bytes read as text (as is when printable, else hex) */
    public Octets(byte[] bytes, String text) {
        this.bytes = bytes.clone();
        this.text = text;
    }

    /**
     * The flags set, as the sum of 2^n over every set bit n, bit 0 being the first octet's most significant one
     * (RFC 2578 BITS): each flag is one power of two however many octets the device sends (trailing zero octets may
     * be left out). Null past {@value #MAX_FLAG_OCTETS} octets, more flags than a figure carries exactly.
     */
    public Long flags() {
        if (bytes.length > MAX_FLAG_OCTETS) {
            return null;
        }
        long flags = 0;
        for (int octet = 0; octet < bytes.length; octet++) {
            for (int bit = 0; bit < 8; bit++) {
                if ((bytes[octet] & (0x80 >> bit)) != 0) {
                    flags |= 1L << (octet * 8 + bit);
                }
            }
        }
        return flags;
    }

    @Override
    public String toString() {
        return text;
    }
}
