package io.kilowatch.core.snmp;

import java.util.regex.Pattern;

/** Numeric object identifiers as text, written without a leading dot: {@code 1.3.6.1.2.1.1.3.0}. */
public final class Oids {
    private static final Pattern NUMERIC = Pattern.compile("\\d+(\\.\\d+){1,127}");

    public static final String SYS_DESCR = "1.3.6.1.2.1.1.1.0";
    public static final String SYS_OBJECT_ID = "1.3.6.1.2.1.1.2.0";
    public static final String SYS_UP_TIME = "1.3.6.1.2.1.1.3.0";
    public static final String SYS_NAME = "1.3.6.1.2.1.1.5.0";

    private Oids() {
    }

    /** The OID without a leading dot, or null when it is not a numeric OID. */
    public static String normalise(String text) {
        if (text == null) {
            return null;
        }
        String t = text.trim();
        if (t.startsWith(".")) {
            t = t.substring(1);
        }
        return NUMERIC.matcher(t).matches() ? t : null;
    }

    /** Whether {@code oid} lies under {@code prefix} (or is it), comparing whole arcs. */
    public static boolean startsWith(String oid, String prefix) {
        return oid.equals(prefix) || oid.startsWith(prefix + ".");
    }

    /** The instance part of {@code oid} below {@code column}: {@code 3} for column {@code 1.2} and oid {@code 1.2.3}. */
    public static String index(String oid, String column) {
        return oid.length() > column.length() ? oid.substring(column.length() + 1) : "";
    }
}
