package io.kilowatch.agent.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.kilowatch.core.report.Inventory;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import oshi.util.EdidUtil;

class InventoryReaderTest {
    /**
     * A 128-byte EDID 1.4 base block as a 24-inch Dell monitor sends it: manufacturer DEL, product 0xA0F3,
     * 53 x 30 cm, a serial-number text descriptor and a monitor-name descriptor.
     */
    static byte[] dellEdid() {
        byte[] e = new byte[128];
        byte[] header = {0x00, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x00};
        System.arraycopy(header, 0, e, 0, 8);
        e[8] = 0x10; // "DEL": 00100 00101 01100
        e[9] = (byte) 0xAC;
        e[10] = (byte) 0xF3; // product code, little-endian
        e[11] = (byte) 0xA0;
        e[12] = 0x4C; // numeric serial
        e[13] = 0x53;
        e[14] = 0x33;
        e[15] = 0x32;
        e[16] = 0x14; // week 20
        e[17] = 0x1F; // 2021
        e[18] = 0x01;
        e[19] = 0x04;
        e[20] = (byte) 0xA5; // digital input
        e[21] = 53; // cm
        e[22] = 30;
        descriptor(e, 72, 0xFF, "7MT0123A1BCL");
        descriptor(e, 90, 0xFC, "DELL P2422H");
        descriptor(e, 108, 0xFD, "");
        int sum = 0;
        for (int i = 0; i < 127; i++) {
            sum += e[i] & 0xFF;
        }
        e[127] = (byte) ((256 - sum % 256) % 256);
        return e;
    }

    private static void descriptor(byte[] e, int offset, int type, String text) {
        e[offset + 3] = (byte) type;
        byte[] padded = (text + "\n" + " ".repeat(13)).substring(0, 13).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(padded, 0, e, offset + 5, 13);
    }

    @Test
    void readsManufacturerModelSerialAndSizeFromEdid() {
        Inventory.Display d = InventoryReader.fromEdid(dellEdid(), 20.0);
        assertEquals("DEL", d.manufacturer());
        assertEquals("a0f3", d.productCode());
        assertEquals("DELL P2422H", d.name());
        assertEquals("7MT0123A1BCL", d.serial());
        assertEquals(53, d.widthCm());
        assertEquals(30, d.heightCm());
        assertEquals(20.0, d.watts());
    }

    /** The agent's own EDID parsing (OSHI is not loaded on Linux) gives what OSHI's EdidUtil gives. */
    @Test
    void edidFieldsMatchOshisEdidUtil() {
        byte[] withTextSerial = dellEdid();
        byte[] numericSerialOnly = dellEdid();
        numericSerialOnly[72 + 3] = 0x10; // the serial descriptor becomes a dummy one
        for (byte[] edid : new byte[][] {withTextSerial, numericSerialOnly}) {
            Inventory.Display d = InventoryReader.fromEdid(edid, 20.0);
            assertEquals(EdidUtil.getManufacturerID(edid), d.manufacturer());
            assertEquals(EdidUtil.getProductID(edid).toLowerCase(Locale.ROOT), d.productCode());
            assertEquals(EdidUtil.getHcm(edid), d.widthCm());
            assertEquals(EdidUtil.getVcm(edid), d.heightCm());
        }
        assertEquals(EdidUtil.getSerialNo(numericSerialOnly), InventoryReader.fromEdid(numericSerialOnly, 20.0).serial());
        assertEquals("23SL", InventoryReader.fromEdid(numericSerialOnly, 20.0).serial());
    }

    @Test
    void vendorFillerIsTreatedAsUnknown() {
        assertNull(InventoryReader.known("To Be Filled By O.E.M."));
        assertNull(InventoryReader.known("unknown"));
        assertNull(InventoryReader.known("  "));
        assertEquals("OptiPlex 7010", InventoryReader.known(" OptiPlex 7010 "));
    }
}
