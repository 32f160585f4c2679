package io.kilowatch.agent.system;

import io.kilowatch.core.report.Inventory;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** The device's inventory: {@link SysfsInventoryReader} on Linux, {@link OshiInventoryReader} elsewhere. */
public interface InventoryReader {
    /** @param displayWatts the watts attributed to each display, as the power model counts them */
    Inventory read(double displayWatts);

    /** The SMBIOS system UUID, or null where the platform hides it (Linux shows it to root only). */
    String hardwareUuid();

    int EDID_DESCRIPTORS_AT = 54;
    int EDID_DESCRIPTOR_BYTES = 18;
    int EDID_MONITOR_NAME = 0xFC;
    int EDID_SERIAL_TEXT = 0xFF;

    /**
     * Parses the fields Kilowatch keeps from a 128-byte EDID base block (VESA E-EDID 1.4): the same values
     * OSHI's EdidUtil gives, without loading OSHI. A serial-number text descriptor wins over the numeric serial.
     */
    static Inventory.Display fromEdid(byte[] edid, double watts) {
        int vendor = ((edid[8] & 0xFF) << 8) | (edid[9] & 0xFF);
        String manufacturer = new String(new char[] {
                (char) ('@' + ((vendor >> 10) & 0x1F)), (char) ('@' + ((vendor >> 5) & 0x1F)), (char) ('@' + (vendor & 0x1F))});
        String product = String.format(Locale.ROOT, "%04x", ((edid[11] & 0xFF) << 8) | (edid[10] & 0xFF));
        StringBuilder numericSerial = new StringBuilder();
        for (int i = 15; i >= 12; i--) {
            char c = (char) (edid[i] & 0xFF);
            numericSerial.append(Character.isLetterOrDigit(c) && c < 0x80 ? String.valueOf(c) : String.format(Locale.ROOT, "%02X", edid[i] & 0xFF));
        }
        String name = null;
        String serial = numericSerial.toString();
        for (int at = EDID_DESCRIPTORS_AT; at + EDID_DESCRIPTOR_BYTES <= Math.min(edid.length, 126); at += EDID_DESCRIPTOR_BYTES) {
            boolean display = edid[at] == 0 && edid[at + 1] == 0;
            int type = edid[at + 3] & 0xFF;
            if (display && (type == EDID_MONITOR_NAME || type == EDID_SERIAL_TEXT)) {
                String text = new String(edid, at + 5, 13, StandardCharsets.US_ASCII);
                int newline = text.indexOf('\n');
                text = (newline < 0 ? text : text.substring(0, newline)).trim();
                if (type == EDID_MONITOR_NAME) {
                    name = text;
                } else {
                    serial = text;
                }
            }
        }
        return new Inventory.Display(manufacturer, product, known(serial), known(name), edid[21] & 0xFF, edid[22] & 0xFF, watts);
    }

    /** Platforms say "unknown" (or leave blanks, or vendor filler) where they hide a value. */
    static String known(String value) {
        if (value == null) {
            return null;
        }
        String v = value.trim();
        String lower = v.toLowerCase(Locale.ROOT);
        if (v.isEmpty() || lower.equals("unknown") || lower.contains("to be filled") || lower.equals("default string")
                || lower.equals("none") || lower.equals("not specified") || lower.equals("system serial number")) {
            return null;
        }
        return v;
    }
}
