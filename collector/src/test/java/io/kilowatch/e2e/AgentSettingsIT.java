package io.kilowatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The real collector with an agent settings file and two real agents that list a dead collector first:
 * they fail over to the live one, take their interval and labels from the collector's rules, take up a
 * changed rule with the next report after the collector reloads the file, and keep what their own config
 * sets. A bad file (SIGHUP) is refused and the rules stay. The device page shows where each setting came from.
 */
class AgentSettingsIT {
    private static final String FIRST_RULES = """
            rules:
              10-desktops:
                match: {class: desktop}
                report_interval: 2s
            """;
    private static final String CHANGED_RULES = """
            rules:
              10-desktops:
                match: {class: desktop}
                report_interval: 1s
                labels: {department: Finance}
              20-servers:
                match: {class: server}
                report_interval: 30s
            """;

    @Test
    void agentsTakeTheCollectorsSettingsWithinAReportAndTheirOwnConfigWins() throws Exception {
        Stack.run(List.of("bash", Stack.REPO.resolve("scripts/install-test-tools.sh").toString()), Duration.ofMinutes(10));
        Path out = Stack.outputDir("agent-settings-it");
        Path work = Files.createTempDirectory("kilowatch-agent-settings-it");
        for (String old : List.of("collector.log", "managed.log", "own.log")) {
            Files.deleteIfExists(out.resolve(old));
        }
        Path rules = work.resolve("agent-settings.yaml");
        Files.writeString(rules, FIRST_RULES);
        int port = Stack.freePort();
        int dead = Stack.freePort();
        String base = "http://127.0.0.1:" + port;
        String collectors = "http://127.0.0.1:" + dead + "," + base;
        Path collectorData = work.resolve("collector");
        Process collector = Stack.collector(port, collectorData, out.resolve("collector.log"),
                "--set", "agents.settings_file=" + rules, "--set", "agents.settings_watch_interval=1s", "--set", "security.read.anonymous=true");
        Process managed = null;
        Process own = null;
        try {
            Stack.waitUntil("collector healthy", Duration.ofSeconds(60), () -> Stack.status(base + "/health") == 200);
            managed = Stack.managedAgent(collectors, collectorData, "managed-1", work.resolve("managed"), out.resolve("managed.log"));
            own = Stack.managedAgent(collectors, collectorData, "own-1", work.resolve("own"), out.resolve("own.log"),
                    "--interval", "3s", "--set", "device.labels.department=Housing");
            Stack.waitUntil("the managed agent on the rule's 2 s interval", Duration.ofSeconds(60),
                    () -> Stack.device(base, "managed-1").getDouble("report_interval_seconds", 0.0) == 2.0);
            Stack.waitUntil("the other agent reporting", Duration.ofSeconds(60), () -> Stack.device(base, "own-1").getLong("last_sequence", 0L) >= 2);
            assertTrue(Files.readString(out.resolve("managed.log")).contains("failing over to the next collector"), "the dead collector came first");

            Files.writeString(rules, CHANGED_RULES);
            Stack.waitUntil("collector reloaded the file", Duration.ofSeconds(30),
                    () -> Stack.body(base + "/api/v1/agent-settings").contains("20-servers"));
            long atReload = Stack.device(base, "managed-1").getLong("last_sequence");
            long[] firstWithRule = {0};
            Stack.waitUntil("the managed agent in Finance", Duration.ofSeconds(30), () -> {
                JsonObject d = Stack.device(base, "managed-1");
                if ("Finance".equals(d.getJsonObject("labels", new JsonObject()).getString("department"))) {
                    firstWithRule[0] = d.getLong("last_sequence");
                    return true;
                }
                return false;
            });
            // the answer to the next report after the reload carries the rule; the report after it is made with it
            assertTrue(firstWithRule[0] <= atReload + 2, "first report with the new rule: " + firstWithRule[0] + ", at reload: " + atReload);
            Stack.waitUntil("the managed agent on 1 s", Duration.ofSeconds(30),
                    () -> Stack.device(base, "managed-1").getDouble("report_interval_seconds", 0.0) == 1.0);

            JsonObject ownDevice = Stack.device(base, "own-1");
            assertEquals("Housing", ownDevice.getJsonObject("labels").getString("department"), "its own config wins");
            assertEquals(3.0, ownDevice.getDouble("report_interval_seconds"));
            JsonObject ownSettings = new JsonObject(Stack.body(base + "/api/v1/devices/own-1/settings")).getJsonObject("settings");
            assertEquals("agent_config", ownSettings.getJsonObject("device.labels.department").getString("source"));
            assertEquals("agent_config", ownSettings.getJsonObject("report_interval").getString("source"));
            JsonObject managedSettings = new JsonObject(Stack.body(base + "/api/v1/devices/managed-1/settings")).getJsonObject("settings");
            assertEquals(new JsonObject().put("value", 1.0).put("source", "rule").put("rule", "10-desktops").put("applied", true),
                    managedSettings.getJsonObject("report_interval"));
            assertEquals("agent_default", managedSettings.getJsonObject("device.labels.site").getString("source"));

            // a bad file is refused: the rules already loaded stay and the error is shown
            Files.writeString(rules, CHANGED_RULES.replace("report_interval: 1s", "report_interval: 2h"));
            Stack.run(List.of("kill", "-HUP", Long.toString(collector.pid())), Duration.ofSeconds(10));
            Stack.waitUntil("bad file refused", Duration.ofSeconds(20), () -> Stack.body(base + "/api/v1/agent-settings")
                    .contains("rules.10-desktops.report_interval must be"));
            assertTrue(Stack.body(base + "/api/v1/agent-settings").contains("\"report_interval_seconds\":1.0"));

            WebDriver browser = Stack.chromium();
            try {
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
                wait.ignoring(StaleElementReferenceException.class);
                browser.get(base + "/#/devices/managed-1");
                wait.until(b -> b.findElement(By.id("device-settings-rows")).getText().contains("rule 10-desktops"));
                String rows = browser.findElement(By.id("device-settings-rows")).getText();
                assertTrue(rows.contains("device.labels.department Finance rule 10-desktops"), rows);
            } finally {
                browser.quit();
            }
        } finally {
            for (Process p : new Process[] {managed, own}) {
                if (p != null) {
                    Stack.stop(p);
                }
            }
            Stack.stop(collector);
        }
    }

}
