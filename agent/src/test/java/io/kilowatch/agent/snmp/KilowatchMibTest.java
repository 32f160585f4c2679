package io.kilowatch.agent.snmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.snmp4j.smi.OID;

/** KILOWATCH-MIB is valid SMIv2 by libsmi's smilint, and its numbers are the ones the sub-agent serves. */
class KilowatchMibTest {
    private static final String MIB = NetSnmp.MIB_DIR.resolve("KILOWATCH-MIB.txt").toString();

    @Test
    void smilintFindsNothingToReportAtAnyLevel() {
        // -l 9: every error, warning and remark; -s and -m name their severity and kind in the output.
        NetSnmp.Result lint = NetSnmp.run(List.of("smilint", "-l", "9", "-s", "-m", MIB), List.of("SMIPATH=" + NetSnmp.baseMibDir()));
        assertEquals("", lint.out() + lint.err(), "smilint output");
        assertEquals(0, lint.exitCode());
    }

    /** The check above can fail: the same run over a module with one bad clause reports an error. */
    @Test
    void smilintWouldCatchABrokenModule() throws Exception {
        String broken = Files.readString(Path.of(MIB)).replace("MAX-ACCESS  read-only", "MAX-ACCESS  read-mostly");
        Path copy = Files.createTempDirectory("mib").resolve("KILOWATCH-MIB.txt");
        Files.writeString(copy, broken);
        NetSnmp.Result lint = NetSnmp.run(List.of("smilint", "-l", "9", "-s", "-m", copy.toString()), List.of("SMIPATH=" + NetSnmp.baseMibDir()));
        assertTrue(lint.out().contains("[2]") || lint.err().contains("[2]"), "an error-level message expected: " + lint.out() + lint.err());
    }

    @Test
    void everyObjectSitsWhereTheSubAgentServesIt() {
        Map<String, OID> expected = new LinkedHashMap<>();
        expected.put("kilowatchMIB", KilowatchMib.ROOT);
        expected.put("kwAgentProduct", KilowatchMib.AGENT_PRODUCT);
        String[] names = {"kwDeviceId", "kwDeviceClass", "kwDeviceOrg", "kwDeviceSite", "kwDeviceDepartment", "kwPowerMilliwatts",
            "kwPowerSource", "kwEnergyJoulesTotal", "kwEnergyCounterStart", "kwCarbonGramsTotal", "kwReportSequence", "kwReportTime"};
        int[] numbers = {KilowatchMib.DEVICE_ID, KilowatchMib.DEVICE_CLASS, KilowatchMib.DEVICE_ORG, KilowatchMib.DEVICE_SITE,
            KilowatchMib.DEVICE_DEPARTMENT, KilowatchMib.POWER_MILLIWATTS, KilowatchMib.POWER_SOURCE, KilowatchMib.ENERGY_JOULES_TOTAL,
            KilowatchMib.ENERGY_COUNTER_START, KilowatchMib.CARBON_GRAMS_TOTAL, KilowatchMib.REPORT_SEQUENCE, KilowatchMib.REPORT_TIME};
        for (int i = 0; i < names.length; i++) {
            expected.put(names[i] + ".0", KilowatchMib.scalar(numbers[i]));
        }
        for (Map.Entry<String, OID> e : expected.entrySet()) {
            NetSnmp.Result r = NetSnmp.run(List.of("snmptranslate", "-M", NetSnmp.mibPath(), "-m", "KILOWATCH-MIB", "-On",
                    "KILOWATCH-MIB::" + e.getKey()));
            assertEquals(0, r.exitCode(), r.err());
            assertEquals("." + e.getValue(), r.out().trim(), e.getKey());
        }
    }
}
