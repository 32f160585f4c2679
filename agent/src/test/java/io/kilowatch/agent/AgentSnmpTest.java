package io.kilowatch.agent;

import static io.kilowatch.agent.snmp.NetSnmp.query;
import static io.kilowatch.agent.snmp.NetSnmp.v2c;
import static io.kilowatch.agent.snmp.NetSnmp.v3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.agent.ship.RecordingCollector;
import io.kilowatch.agent.snmp.NetSnmp;
import io.kilowatch.agent.snmp.SnmpSubAgent;
import io.kilowatch.core.report.Report;
import io.kilowatch.core.testing.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's SNMP sub-agent read with the real Net-SNMP tools (snmpget, snmpwalk, snmpbulkwalk) and
 * KILOWATCH-MIB: its answers equal the report the agent sent the collector at the same moment, for a
 * measured (fake RAPL tree) and a modelled device, and only the configured users and communities get in.
 */
class AgentSnmpTest {
    private static final String NOC_AUTH = "noc-auth-pass-256";
    private static final String NOC_PRIV = "noc-priv-pass-256";
    private static final String LEGACY_AUTH = "legacy-auth-pass";
    private static final String LEGACY_PRIV = "legacy-priv-pass";
    private static final String COMMUNITY = "estate-monitoring-ro";
    /** The largest factor and PUE config allows, so a few hundred joules make whole grams to compare. */
    private static final double GRID_KG_PER_KWH = 5.0;
    private static final double PUE = 10.0;

    private static final String[] KILOWATCH_OBJECTS = {
        "KILOWATCH-MIB::kwDeviceId.0", "KILOWATCH-MIB::kwDeviceClass.0", "KILOWATCH-MIB::kwDeviceSite.0",
        "KILOWATCH-MIB::kwPowerMilliwatts.0", "KILOWATCH-MIB::kwPowerSource.0", "KILOWATCH-MIB::kwEnergyJoulesTotal.0",
        "KILOWATCH-MIB::kwEnergyCounterStart.0", "KILOWATCH-MIB::kwCarbonGramsTotal.0", "KILOWATCH-MIB::kwReportSequence.0",
        "KILOWATCH-MIB::kwReportTime.0"};

    private static Agent agent(RecordingCollector collector, Path dir, ManualClock clock, Map<String, String> env, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--set", "carbon.grid_factors_kgco2e_per_kwh." + clock.instant().atZone(ZoneOffset.systemDefault()).getYear() + "=" + GRID_KG_PER_KWH,
                "--set", "carbon.pue=" + PUE,
                "--set", "snmp.enabled=true",
                "--set", "snmp.port=0",
                "--set", "snmp.system.location=Server room 2",
                "--set", "snmp.system.contact=ict-ops@council.example"));
        args.addAll(List.of(extra));
        return AgentTest.agent(collector, dir.resolve("data"), dir.resolve("powercap"), clock, env, args.toArray(String[]::new));
    }

    /** Two SNMPv3 users: SHA-256 with AES-256 (secrets from the environment) and SHA-1 with AES-128 (from files). */
    private static String[] v3Users(Path dir) throws Exception {
        Files.writeString(dir.resolve("legacy-auth"), LEGACY_AUTH + "\n");
        Files.writeString(dir.resolve("legacy-priv"), LEGACY_PRIV + "\n");
        return new String[] {
            "--set", "snmp.users.noc.auth_protocol=sha-256", "--set", "snmp.users.noc.priv_protocol=aes-256",
            "--set", "snmp.users.legacy.auth_protocol=sha", "--set", "snmp.users.legacy.priv_protocol=aes",
            "--set", "snmp.users.legacy.auth_password_file=" + dir.resolve("legacy-auth"),
            "--set", "snmp.users.legacy.priv_password_file=" + dir.resolve("legacy-priv")};
    }

    private static final Map<String, String> NOC_ENV = Map.of(
            "KILOWATCH_AGENT_SNMP_USERS_NOC_AUTH_PASSWORD", NOC_AUTH,
            "KILOWATCH_AGENT_SNMP_USERS_NOC_PRIV_PASSWORD", NOC_PRIV);

    private static List<String> noc() {
        return v3("noc", "SHA-256", NOC_AUTH, "AES-256", NOC_PRIV);
    }

    private static List<String> legacy() {
        return v3("legacy", "SHA", LEGACY_AUTH, "AES", LEGACY_PRIV);
    }

    private static int port(Agent agent) {
        return ((SnmpSubAgent) agent.publishers().get(0)).port();
    }

    /** name = value lines from -OQUs output (short names, no types, no units), in order. */
    private static Map<String, String> values(NetSnmp.Result result) {
        assertEquals(0, result.exitCode(), result.err() + result.out());
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : result.lines()) {
            String[] p = line.split(" = ", 2);
            assertEquals(2, p.length, "unexpected output line: " + line);
            values.put(p[0], p[1].replaceAll("^\"|\"$", ""));
        }
        return values;
    }

    /** DateAndTime as Net-SNMP shows it with the MIB's DISPLAY-HINT "2d-1d-1d,1d:1d:1d.1d,1a1d:1d". */
    private static String dateAndTime(Instant t) {
        var u = t.atZone(ZoneOffset.UTC);
        return DateTimeFormatter.ofPattern("yyyy-M-d,H:m:s").format(u) + "." + (u.getNano() / 100_000_000) + ",+0:0";
    }

    /** What the MIB promises for the report the collector got, computed here from the report alone. */
    private static void assertAnswersMatch(Report r, Map<String, String> kw) {
        assertEquals(r.deviceId(), kw.get("kwDeviceId.0"));
        assertEquals(r.labels().get("class"), kw.get("kwDeviceClass.0"));
        assertEquals("County Hall", kw.get("kwDeviceSite.0"));
        assertEquals(Long.toString(Math.round(r.power().watts() * 1000)), kw.get("kwPowerMilliwatts.0"));
        assertEquals(r.power().source(), kw.get("kwPowerSource.0"));
        assertEquals(Long.toString((long) Math.floor(r.power().energyJoulesTotal())), kw.get("kwEnergyJoulesTotal.0"));
        assertEquals(dateAndTime(r.power().counterStart()), kw.get("kwEnergyCounterStart.0"));
        // gCO2e = J / 3.6e6 J/kWh x kgCO2e/kWh x 1000 g/kg x PUE, whole grams rounded down
        long grams = (long) Math.floor(r.power().energyJoulesTotal() / 3.6e6 * GRID_KG_PER_KWH * 1000 * PUE);
        assertEquals(Long.toString(grams), kw.get("kwCarbonGramsTotal.0"));
        assertEquals(Long.toString(r.sequence()), kw.get("kwReportSequence.0"));
        assertEquals(dateAndTime(r.timestamp()), kw.get("kwReportTime.0"));
    }

    @Test
    void measuredPowerServedOverSnmpV3MatchesTheReportForBothUsers(@TempDir Path dir) throws Exception {
        Path rapl = AgentTest.raplPackageZone(dir.resolve("powercap"));
        ManualClock clock = AgentTest.realNow();
        try (RecordingCollector collector = new RecordingCollector();
             Agent agent = agent(collector, dir, clock, NOC_ENV, v3Users(dir))) {
            int port = port(agent);
            assertEquals("noSuchInstance", values(query("snmpget", noc(), "QUs", port, "KILOWATCH-MIB::kwPowerMilliwatts.0"))
                    .get("kwPowerMilliwatts.0").replace("No Such Instance currently exists at this OID", "noSuchInstance"),
                    "no figures before the first report");
            for (int i = 1; i <= 3; i++) {
                AgentTest.raplStep(agent, clock, rapl, i); // 150 J a step: 30 W
            }
            agent.report();
            agent.awaitShipping();
            Report r = collector.stored.get(0);
            assertEquals("rapl", r.power().source());
            assertEquals(450.0, r.power().energyJoulesTotal(), 1e-9);

            Map<String, String> sha256 = values(query("snmpget", noc(), "QUs", port, KILOWATCH_OBJECTS));
            assertAnswersMatch(r, sha256);
            assertEquals("30000", sha256.get("kwPowerMilliwatts.0"));
            assertEquals("6", sha256.get("kwCarbonGramsTotal.0"), "450 J at 5 kg/kWh and PUE 10 is 6.25 g");
            assertEquals(sha256, values(query("snmpget", legacy(), "QUs", port, KILOWATCH_OBJECTS)), "SHA-1/AES-128 user sees the same");

            // a walk of the whole module finds every object, named from KILOWATCH-MIB
            Map<String, String> walk = values(query("snmpwalk", noc(), "QUs", port, "KILOWATCH-MIB::kilowatchMIB"));
            assertEquals(12, walk.size(), walk.toString());
            assertTrue(walk.keySet().containsAll(sha256.keySet()), walk.toString());

            // HOST-RESOURCES: memory from the same report; host uptime from its boot time at this clock's now
            String hr = ".1.3.6.1.2.1.25";
            Map<String, String> host = values(query("snmpget", noc(), "QUnt", port,
                    hr + ".2.3.1.3.1", hr + ".2.3.1.4.1", hr + ".2.3.1.5.1", hr + ".2.3.1.6.1", hr + ".2.2.0", hr + ".1.1.0"));
            assertEquals("Physical memory", host.get(hr + ".2.3.1.3.1"));
            assertEquals("1024", host.get(hr + ".2.3.1.4.1"));
            assertEquals(Long.toString(r.utilisation().memoryTotalBytes() / 1024), host.get(hr + ".2.3.1.5.1"));
            assertEquals(Long.toString(r.utilisation().memoryUsedBytes() / 1024), host.get(hr + ".2.3.1.6.1"));
            assertEquals(Long.toString(r.utilisation().memoryTotalBytes() / 1024), host.get(hr + ".2.2.0"));
            long uptimeCentis = Duration.between(r.host().bootTime(), clock.instant()).toMillis() / 10;
            assertEquals(Long.toString(uptimeCentis), host.get(hr + ".1.1.0"));
            Map<String, String> storage = values(query("snmpbulkwalk", noc(), "QUn", port, hr + ".2.3.1.3"));
            assertTrue(storage.size() >= 2, "memory and at least one file system: " + storage);

            // the system group names the product from KILOWATCH-MIB
            Map<String, String> system = values(query("snmpget", noc(), "QUs", port,
                    "SNMPv2-MIB::sysObjectID.0", "SNMPv2-MIB::sysName.0", "SNMPv2-MIB::sysLocation.0", "SNMPv2-MIB::sysContact.0",
                    "SNMPv2-MIB::sysDescr.0"));
            assertEquals("kwAgentProduct", system.get("sysObjectID.0"));
            assertEquals(r.host().hostname(), system.get("sysName.0"));
            assertEquals("Server room 2", system.get("sysLocation.0"));
            assertEquals("ict-ops@council.example", system.get("sysContact.0"));
            assertTrue(system.get("sysDescr.0").startsWith("Kilowatch agent "), system.toString());

            // the next report moves every figure on, and SNMP follows
            AgentTest.raplStep(agent, clock, rapl, 4);
            agent.report();
            agent.awaitShipping();
            Report second = collector.stored.get(1);
            assertNotEquals(r.power().energyJoulesTotal(), second.power().energyJoulesTotal());
            assertAnswersMatch(second, values(query("snmpget", noc(), "QUs", port, KILOWATCH_OBJECTS)));
        }
        assertTrue(Files.readString(dir.resolve("data/state-agent-test-1.properties")).contains("carbon_grams_total="),
                "the carbon counter is kept with the energy counter");
    }

    @Test
    void wrongCredentialsAndUnconfiguredV2cGetNoAnswer(@TempDir Path dir) throws Exception {
        ManualClock clock = AgentTest.realNow();
        try (RecordingCollector collector = new RecordingCollector();
             Agent agent = agent(collector, dir, clock, NOC_ENV, v3Users(dir))) {
            agent.sample();
            agent.report();
            int port = port(agent);
            String oid = "KILOWATCH-MIB::kwDeviceId.0";
            assertEquals(0, query("snmpget", noc(), "QUs", port, oid).exitCode(), "the right credentials work");

            NetSnmp.Result badAuth = query("snmpget", v3("noc", "SHA-256", "not-the-password", "AES-256", NOC_PRIV), "QUs", port, oid);
            assertNotEquals(0, badAuth.exitCode());
            assertTrue(badAuth.err().contains("Authentication fail"), badAuth.err());

            NetSnmp.Result wrongProtocol = NetSnmp.unanswered("snmpget", v3("noc", "SHA-512", NOC_AUTH, "AES-256", NOC_PRIV), "QUs", port, oid);
            assertNotEquals(0, wrongProtocol.exitCode());
            assertTrue(!wrongProtocol.out().contains("agent-test-1")
                    && (wrongProtocol.err().contains("Authentication fail") || wrongProtocol.err().contains("Timeout")), wrongProtocol.err());

            NetSnmp.Result unknownUser = NetSnmp.unanswered("snmpget", v3("intruder", "SHA-256", NOC_AUTH, "AES-256", NOC_PRIV), "QUs", port, oid);
            assertNotEquals(0, unknownUser.exitCode());
            assertTrue(!unknownUser.out().contains("agent-test-1")
                    && (unknownUser.err().contains("Unknown user name") || unknownUser.err().contains("Timeout")), unknownUser.err());

            // a privacy user may not drop to authNoPriv and read in clear
            NetSnmp.Result noPriv = NetSnmp.unanswered("snmpget", v3("noc", "SHA-256", NOC_AUTH, null, null), "QUs", port, oid);
            assertTrue(noPriv.exitCode() != 0 || !noPriv.out().contains("agent-test-1"), noPriv.out() + noPriv.err());

            // wrong privacy pass phrase: the agent cannot decrypt, so no answer
            NetSnmp.Result badPriv = NetSnmp.unanswered("snmpget", v3("noc", "SHA-256", NOC_AUTH, "AES-256", "not-the-priv-pass"), "QUs", port, oid);
            assertTrue(badPriv.exitCode() != 0 && !badPriv.out().contains("agent-test-1"), badPriv.out() + badPriv.err());

            NetSnmp.Result v2 = NetSnmp.unanswered("snmpget", v2c("public"), "QUs", port, oid);
            assertNotEquals(0, v2.exitCode());
            assertTrue(v2.err().contains("Timeout"), "v2c is not spoken unless a community is configured: " + v2.err());
        }
    }

    @Test
    void modelledPowerOverV2cWhenACommunityIsConfigured(@TempDir Path dir) throws Exception {
        ManualClock clock = AgentTest.realNow();
        Map<String, String> env = Map.of("KILOWATCH_AGENT_SNMP_COMMUNITIES_NMS_COMMUNITY", COMMUNITY);
        try (RecordingCollector collector = new RecordingCollector();
             Agent agent = agent(collector, dir, clock, env, "--set", "snmp.communities.nms.community_file=",
                     "--set", "power.model.idle_watts=40", "--set", "power.model.max_watts=40")) {
            agent.sample();
            clock.advance(Duration.ofSeconds(10));
            agent.sample();
            agent.report();
            agent.awaitShipping();
            Report r = collector.stored.get(0);
            assertEquals("model", r.power().source());
            assertEquals(400.0, r.power().energyJoulesTotal(), 1e-9);
            int port = port(agent);

            Map<String, String> kw = values(query("snmpget", v2c(COMMUNITY), "QUs", port, KILOWATCH_OBJECTS));
            assertAnswersMatch(r, kw);
            assertEquals("40000", kw.get("kwPowerMilliwatts.0"));
            assertEquals("model", kw.get("kwPowerSource.0"));
            assertEquals("5", kw.get("kwCarbonGramsTotal.0"), "400 J at 5 kg/kWh and PUE 10 is 5.56 g");

            NetSnmp.Result wrong = NetSnmp.unanswered("snmpget", v2c("public"), "QUs", port, "KILOWATCH-MIB::kwDeviceId.0");
            assertNotEquals(0, wrong.exitCode());
            assertTrue(wrong.err().contains("Timeout"), wrong.err());

            NetSnmp.Result set = NetSnmp.run(List.of("snmpset", "-v2c", "-c", COMMUNITY, "-t", "2", "-r", "0",
                    "127.0.0.1:" + port, "1.3.6.1.2.1.1.6.0", "s", "somewhere else"));
            assertNotEquals(0, set.exitCode(), "read-only: " + set.out());
            assertEquals("County Hall", values(query("snmpget", v2c(COMMUNITY), "QUs", port, "KILOWATCH-MIB::kwDeviceSite.0"))
                    .get("kwDeviceSite.0"));
        }
    }
}
