package io.kilowatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.kilowatch.collector.security.Users;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The whole path as a user runs it: the collector jar and the agent jar as real processes on loopback,
 * the agent's device seen in the API, in /metrics with growing energy (names checked by promtool), and on
 * the dashboard rendered by headless Chromium. Screenshots are kept in collector/target/e2e/.
 */
class EndToEndIT {
    private static final Path OUT = outputDir();
    private static final String DEVICE = "e2e-agent";
    private static final List<Process> PROCESSES = new ArrayList<>();
    private static String base;
    private static final String USER = "e2e-admin";
    private static final String PASSWORD = "correct horse battery staple";
    private static final String[] API_TOKEN = Users.newApiToken();

    @BeforeAll
    static void startCollectorAndAgent() throws Exception {
        Stack.run(List.of("bash", Stack.REPO.resolve("scripts/install-test-tools.sh").toString()), Duration.ofMinutes(10));
        Path work = Files.createTempDirectory("kilowatch-e2e");
        int port = Stack.freePort();
        base = "http://127.0.0.1:" + port;
        PROCESSES.add(Stack.collector(port, work.resolve("collector"), OUT.resolve("collector.log"), "--set", "dashboard.push_interval=500ms",
                "--set", "security.users." + USER + ".role=admin",
                "--set", "security.users." + USER + ".password_hash=" + Users.hashPassword(PASSWORD.toCharArray()),
                "--set", "security.api_tokens.promtool.sha256=" + API_TOKEN[1]));
        Stack.waitUntil("collector healthy", Duration.ofSeconds(60), () -> Stack.status(base + "/health") == 200);
        PROCESSES.add(Stack.agent(base, work.resolve("collector"), DEVICE, work.resolve("agent"), OUT.resolve("agent.log"),
                "--set", "device.labels.site=E2E Site", "--set", "device.labels.org=Test Council"));
        Stack.waitUntil("agent's device in /api/v1/devices", Duration.ofSeconds(60), () -> body("/api/v1/devices").contains("\"" + DEVICE + "\""));
    }

    @AfterAll
    static void stopProcesses() throws InterruptedException {
        Stack.stopAll(PROCESSES);
    }

    @Test
    void metricsShowTheDeviceWithGrowingEnergyAndPassPromtool() throws Exception {
        String first = body("/metrics");
        double energyBefore = energy(first);
        Stack.waitUntil("energy to grow", Duration.ofSeconds(30), () -> energy(body("/metrics")) > energyBefore);
        String metrics = body("/metrics");
        assertTrue(metrics.contains("kilowatch_device_up{class=\"desktop\",device=\"e2e-agent\",org=\"Test Council\",site=\"E2E Site\"} 1.0"), metrics);
        assertTrue(Pattern.compile("kilowatch_device_power_watts\\{[^}]*device=\"e2e-agent\"[^}]*source=\"model\"} [0-9.]+").matcher(metrics).find());
        Files.writeString(OUT.resolve("metrics.txt"), metrics);

        Stack.assertPromtoolAccepts(metrics);
    }

    @Test
    void theDashboardShowsTheDeviceLive() throws Exception {
        WebDriver browser = Stack.chromium();
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            wait.ignoring(StaleElementReferenceException.class); // live updates re-render what a check may be reading
            browser.get(base + "/");
            wait.until(b -> b.findElement(By.id("login-form")).isDisplayed());
            browser.findElement(By.id("login-username")).sendKeys(USER);
            browser.findElement(By.id("login-password")).sendKeys("wrong password");
            browser.findElement(By.id("login-submit")).click();
            wait.until(b -> text(b, "login-error").contains("wrong"));
            screenshot(browser, "login.png");
            browser.findElement(By.id("login-password")).clear();
            browser.findElement(By.id("login-password")).sendKeys(PASSWORD);
            browser.findElement(By.id("login-submit")).click();
            wait.until(b -> "1".equals(text(b, "devices-up")));
            wait.until(b -> text(b, "estate-power").matches("[0-9.]+ k?W"));
            wait.until(b -> "live".equals(text(b, "live")));
            wait.until(b -> !b.findElements(By.cssSelector("#estate-chart canvas")).isEmpty());
            assertTrue(text(browser, "energy-today").matches("[0-9.]+ k?Wh"), text(browser, "energy-today"));
            // The agent models its power (no RAPL on the test machine): its energy is all modelled.
            wait.until(b -> text(b, "energy-quality").equals("This year: measured 0.0 % · modelled 100.0 % · imported 0.0 %"));
            assertTrue(text(browser, "carbon-method").contains("DESNZ"));
            screenshot(browser, "overview.png");

            browser.get(base + "/#/devices");
            By row = By.cssSelector("tr[data-device-id='" + DEVICE + "']");
            // Live updates redraw the rows, so each look at a row is retried if it was replaced meanwhile.
            String rowText = wait.until(b -> b.findElement(row).getText());
            assertTrue(rowText.contains("up") && rowText.contains("model") && rowText.contains("desktop") && rowText.contains("E2E Site"), rowText);
            screenshot(browser, "devices.png");

            wait.until(b -> {
                b.findElement(row).findElement(By.tagName("a")).click();
                return true;
            });
            wait.until(b -> b.getCurrentUrl().endsWith("#/devices/" + DEVICE));
            wait.until(b -> text(b, "device-power").matches("[0-9.]+ W"));
            wait.until(b -> !b.findElements(By.cssSelector("#device-chart canvas")).isEmpty());
            wait.until(b -> b.findElements(By.cssSelector("#inventory-rows tr")).size() >= 10);
            wait.until(b -> text(b, "device-avail-24h").endsWith("%"));
            wait.until(b -> "up".equals(b.findElement(By.cssSelector("#device-status .status")).getText()));
            screenshot(browser, "device.png");

            // The page follows the agent's reports without a reload.
            String before = text(browser, "device-uptime");
            wait.until(b -> !text(b, "device-uptime").equals(before));

            // Alerts page: nothing fires while the agent reports; an admin silences its device from the form and ends it.
            browser.get(base + "/#/alerts");
            wait.until(b -> b.findElement(By.id("no-alerts")).isDisplayed());
            assertFalse(browser.findElement(By.id("alerts-badge")).isDisplayed(), "no count beside Alerts while nothing fires");
            wait.until(b -> b.findElement(By.id("silence-form")).isDisplayed());
            browser.findElement(By.id("silence-matchers")).sendKeys("device=\"" + DEVICE + "\", site=~\"E2E.*\"");
            browser.findElement(By.id("silence-comment")).sendKeys("e2e maintenance");
            browser.findElement(By.id("silence-submit")).click();
            By silenceRow = By.cssSelector("#silence-rows tr");
            String silenceText = wait.until(b -> b.findElement(silenceRow).getText());
            assertTrue(silenceText.contains("active") && silenceText.contains("device=\"" + DEVICE + "\"") && silenceText.contains("site=~\"E2E.*\"")
                    && silenceText.contains(USER) && silenceText.contains("e2e maintenance"), silenceText);
            screenshot(browser, "alerts.png");
            wait.until(b -> {
                b.findElement(silenceRow).findElement(By.tagName("button")).click();
                return true;
            });
            wait.until(b -> b.findElement(silenceRow).getText().startsWith("expired"));
            assertTrue(Stack.body(base + "/api/v1/silences", API_TOKEN[0]).contains("\"status\":\"expired\""));
            wait.until(b -> text(b, "history-page").contains("No alert has fired yet"));

            browser.manage().window().setSize(new Dimension(390, 844));
            browser.get(base + "/");
            wait.until(b -> "1".equals(text(b, "devices-up")));
            long overflow = (Long) ((JavascriptExecutor) browser).executeScript(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
            assertTrue(overflow <= 1, "the overview must fit a phone's width; overflow " + overflow + " px");
            screenshot(browser, "overview-phone.png");
            assertTrue(browser.findElement(By.id("page-error")).getAttribute("hidden") != null, "no script error on the page");

            browser.findElement(By.id("logout")).click();
            wait.until(b -> b.findElement(By.id("login-form")).isDisplayed());
            assertEquals(401, Stack.status(base + "/api/v1/devices"), "reading needs a login or a token");
        } finally {
            browser.quit();
        }
    }

    private static String text(WebDriver b, String id) {
        return b.findElement(By.id(id)).getText().trim();
    }

    private static void screenshot(WebDriver browser, String name) throws IOException {
        Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, OUT.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    /** Reads the API as Prometheus or Grafana would: with an API token. */
    private static String body(String path) {
        return Stack.body(base + path, API_TOKEN[0]);
    }

    private static Path outputDir() {
        try {
            return Stack.outputDir("e2e");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static double energy(String metrics) {
        Matcher m = Pattern.compile("^kilowatch_device_energy_joules_total\\{[^}]*device=\"" + DEVICE + "\"[^}]*} (\\S+)$", Pattern.MULTILINE)
                .matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

}
