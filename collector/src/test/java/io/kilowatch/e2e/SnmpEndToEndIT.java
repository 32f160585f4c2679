package io.kilowatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.collector.snmp.Snmpd;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The collector jar, configured by a file as an operator would, polling real snmpd agents that emulate
 * a UPS, a PDU and a switch: they appear in the API, in /metrics (checked by promtool) and on the
 * dashboard with power, energy, carbon and availability, and a trap sent with snmptrap appears as an
 * event. Output is kept in collector/target/snmp-e2e/.
 */
class SnmpEndToEndIT {
    private static final List<AutoCloseable> AGENTS = new ArrayList<>();
    private static Process collector;
    private static String base;
    private static int trapPort;
    private static Path out;

    @BeforeAll
    static void start() throws Exception {
        Stack.run(List.of("bash", Stack.REPO.resolve("scripts/install-test-tools.sh").toString()), Duration.ofMinutes(10));
        out = Stack.outputDir("snmp-e2e");
        Snmpd ups = Snmpd.start("ups-civic-1", "1.3.6.1.4.1.318.1.3.2.12", "ups.rec");
        AGENTS.add(ups);
        Snmpd pdu = Snmpd.start("pdu-civic-1", "1.3.6.1.4.1.318.1.3.4.5", "pdu.rec");
        AGENTS.add(pdu);
        Snmpd sw = Snmpd.start("switch-depot-1", "1.3.6.1.4.1.11.2.3.7.11.181", "switch.rec");
        AGENTS.add(sw);
        Path work = Files.createTempDirectory("kilowatch-snmp-e2e");
        Files.writeString(work.resolve("auth"), Snmpd.AUTH_PASS);
        Files.writeString(work.resolve("priv"), Snmpd.PRIV_PASS);
        Files.writeString(work.resolve("community"), Snmpd.COMMUNITY);
        trapPort = Snmpd.freeUdpPort();
        Path config = work.resolve("kilowatch-collector.yaml");
        Files.writeString(config, """
                security:
                  read:
                    anonymous: true
                snmp:
                  enabled: true
                  interval: 1s
                  timeout: 500ms
                  auths:
                    netops:
                      version: v3
                      username: %s
                      auth_protocol: sha-256
                      priv_protocol: aes-256
                      auth_password_file: %s
                      priv_password_file: %s
                    legacy:
                      version: v2c
                      community_file: %s
                  targets:
                    ups-1:
                      address: 127.0.0.1
                      port: %d
                      auth: netops
                      class: ups
                      site: Civic Centre
                    pdu-1:
                      address: 127.0.0.1
                      port: %d
                      auth: legacy
                      class: pdu
                      site: Civic Centre
                    switch-1:
                      address: 127.0.0.1
                      port: %d
                      auth: netops
                      class: switch
                      site: Depot
                  traps:
                    enabled: true
                    port: %d
                    auths: legacy, netops
                """.formatted(Snmpd.USER_SHA256, work.resolve("auth"), work.resolve("priv"), work.resolve("community"),
                ups.port, pdu.port, sw.port, trapPort));
        int port = Stack.freePort();
        base = "http://127.0.0.1:" + port;
        collector = Stack.collector(port, work.resolve("data"), out.resolve("collector.log"), "--config", config.toString());
        Stack.waitUntil("collector healthy", Duration.ofSeconds(60), () -> Stack.status(base + "/health") == 200);
    }

    @AfterAll
    static void stop() throws Exception {
        if (collector != null) {
            Stack.stop(collector);
        }
        for (AutoCloseable a : AGENTS) {
            a.close();
        }
    }

    @Test
    void snmpDevicesAreOrdinaryDevicesWithPowerEnergyCarbonAndAvailability() throws Exception {
        Stack.waitUntil("energy and carbon counted for the UPS and the switch", Duration.ofSeconds(60), () -> {
            JsonObject u = device("ups-1");
            JsonObject s = device("switch-1");
            return u != null && s != null && device("pdu-1") != null && u.getDouble("energy_joules_total") > 0
                    && u.getDouble("carbon_grams_total") > 0 && s.getDouble("energy_joules_total") > 0;
        });
        JsonObject ups = device("ups-1");
        assertEquals(412.0, ups.getDouble("power_watts"));
        assertEquals("snmp", ups.getString("power_source"));
        assertTrue(ups.getBoolean("up"));
        assertTrue(ups.getJsonObject("availability_ratio").getDouble("24h") > 0.99, ups.encode());
        assertEquals(870.0, device("pdu-1").getDouble("power_watts"));
        assertEquals(76.0, device("switch-1").getDouble("power_watts"));

        String metrics = Stack.body(base + "/metrics");
        Files.writeString(out.resolve("metrics.txt"), metrics);
        assertTrue(metrics.contains("kilowatch_device_power_watts{class=\"ups\",device=\"ups-1\",org=\"\",site=\"Civic Centre\",source=\"snmp\"} 412.0"), metrics);
        assertTrue(metrics.contains("kilowatch_device_up{class=\"switch\",device=\"switch-1\",org=\"\",site=\"Depot\"} 1.0"));
        assertTrue(metrics.contains("kilowatch_snmp_poll_success{device=\"pdu-1\"} 1.0"));
        assertTrue(metrics.contains("kilowatch_snmp_pdu_energy_kwh{device=\"pdu-1\",index=\"1\"} 12345.6"));
        assertTrue(metrics.contains("kilowatch_snmp_interface_up{device=\"switch-1\",interface=\"lo\"} 1.0"));
        Stack.assertPromtoolAccepts(metrics);
    }

    @Test
    void trapsShowAsEventsInTheApiAndTheDashboard() throws Exception {
        Stack.waitUntil("the switch polled", Duration.ofSeconds(60), () -> device("switch-1") != null);
        Stack.run(List.of("snmptrap", "-v2c", "-c", Snmpd.COMMUNITY, "127.0.0.1:" + trapPort, "",
                "1.3.6.1.6.3.1.1.5.3", "1.3.6.1.2.1.2.2.1.1.3", "i", "3"), Duration.ofSeconds(30));
        Stack.waitUntil("the link_down event", Duration.ofSeconds(30), () -> events().stream()
                .anyMatch(e -> "link_down".equals(((JsonObject) e).getString("kind"))));

        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage",
                "--user-data-dir=" + Files.createTempDirectory("kilowatch-chromium"), "--window-size=1280,1000");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver"))
                .usingAnyFreePort().build();
        WebDriver browser = new ChromeDriver(service, options);
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            browser.get(base + "/#/events");
            By row = By.cssSelector("#event-rows tr[data-kind='link_down']");
            String text = wait.ignoring(StaleElementReferenceException.class).until(b -> b.findElement(row).getText());
            assertTrue(text.contains("ifIndex=3") && text.contains("warning"), text);
            shot(browser, "events.png");
            browser.get(base + "/#/devices/ups-1");
            wait.until(b -> b.findElement(By.id("device-source")).getText().equals("source: snmp"));
            wait.until(b -> b.findElement(By.id("device-power")).getText().equals("412.0 W"));
            // the profiles matched, what each read, and where the power comes from
            wait.until(b -> b.findElement(By.id("device-snmp-from")).getText().equals("power from ups-mib"));
            String ups = browser.findElement(By.cssSelector("#device-snmp-rows tr[data-profile='ups-mib']")).getText();
            assertTrue(ups.contains("draws 412.0 W") && ups.contains("ups_output_power_watts.1 412"), ups);
            assertTrue(browser.findElements(By.cssSelector("#device-snmp-rows tr[data-profile='host']")).size() == 1, "host is composed with the UPS");
            shot(browser, "device-ups.png");
            assertTrue(browser.findElement(By.id("page-error")).getAttribute("hidden") != null, "no script error on the page");
        } finally {
            browser.quit();
        }
    }

    private static void shot(WebDriver browser, String name) throws Exception {
        Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), out.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    private static JsonArray events() {
        String body = Stack.body(base + "/api/v1/events/devices");
        return body.isEmpty() ? new JsonArray() : new JsonObject(body).getJsonArray("events");
    }

    private static JsonObject device(String id) {
        String body = Stack.body(base + "/api/v1/devices/" + id);
        return body.contains("\"device_id\"") ? new JsonObject(body) : null;
    }
}
