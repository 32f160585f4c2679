package io.kilowatch.collector.snmp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kilowatch.core.snmp.Octets;
import io.kilowatch.core.snmp.ProfileReading;
import io.kilowatch.core.snmp.ProfileSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The shipped printer profile on Printer-MIB rows the corpus recordings lack: several markers, counters that are not pages. */
class PrinterProfileTest {
    static final String LIFE = "1.3.6.1.2.1.43.10.2.1.4.";
    static final String UNIT = "1.3.6.1.2.1.43.10.2.1.3.";

    @Test
    void pagesAreImpressionsOrSheetsOfEachMarkerAndOtherCountersKeepTheirUnit() {
        ProfileSet set = ProfileLoader.load(Optional.empty()).profiles();
        ProfileReading r = ProfileReading.evaluate(set.metrics("printer"), Map.ofEntries(
                Map.entry(LIFE + "1.1", 1200L), Map.entry(UNIT + "1.1", 7L), // impressions of marker 1
                Map.entry(LIFE + "1.2", 800L), Map.entry(UNIT + "1.2", 8L), // sheets of marker 2
                Map.entry(LIFE + "2.1", 5000L), Map.entry(UNIT + "2.1", 3L), // a label printer's 1/10000 inches: not pages
                Map.entry(LIFE + "3.1", 42L), // no unit answered: counted as pages, as most printers count
                Map.entry("1.3.6.1.2.1.43.11.1.1.9.1.1", -3L), // "some remaining": no level
                Map.entry("1.3.6.1.2.1.25.3.5.1.2.1", new Octets(new byte[] {(byte) 0x40}, "@")))); // noPaper, printable as text
        assertEquals(List.of("1.1 1200.0", "1.2 800.0", "3.1 42.0"), rows(r, "printer_marker_life_pages"));
        assertEquals(List.of("1.1 1200.0", "1.2 800.0", "2.1 5000.0", "3.1 42.0"), rows(r, "printer_marker_life_count"));
        assertEquals(List.of("1.1 7.0", "1.2 8.0", "2.1 3.0"), rows(r, "printer_marker_counter_unit"));
        assertEquals(List.of(), rows(r, "printer_supplies_level"));
        assertEquals(List.of("1 2.0"), rows(r, "printer_detected_errors"));
        assertEquals(null, r.powerWatts(), "a printer's power is its class model");
    }

    private static List<String> rows(ProfileReading r, String metric) {
        return r.samples().stream().filter(s -> s.metric().equals(metric)).map(s -> s.index() + " " + s.value()).toList();
    }
}
