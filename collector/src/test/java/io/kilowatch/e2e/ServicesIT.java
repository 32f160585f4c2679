package io.kilowatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.collector.security.Users;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The collector jar with a services file: its service metrics pass promtool, SIGHUP reloads the file
 * (and refuses a bad one), and headless Chromium shows the Services list, a service and its printable
 * SLA report.
 */
class ServicesIT {
    private static final String[] TOKEN = Users.newApiToken();

    @Test
    void servicesFromFileToDashboard() throws Exception {
        Stack.run(List.of("bash", Stack.REPO.resolve("scripts/install-test-tools.sh").toString()), Duration.ofMinutes(10));
        Path out = Stack.outputDir("services-it");
        Path work = Files.createTempDirectory("kilowatch-services-it");
        int port = Stack.freePort();
        String base = "http://127.0.0.1:" + port;
        Path file = work.resolve("services.yaml");
        String portal = """
                probes:
                  health:
                    kind: http
                    url: %s/health
                    expect_body: '"ok"'
                    interval: 2s
                    timeout: 2s
                services:
                  portal:
                    owner: Digital Services
                    target_percent: 99.85
                    components:
                      health: {probe: health}
                """.formatted(base);
        Files.writeString(file, portal);
        Process collector = Stack.collector(port, work.resolve("data"), out.resolve("collector.log"),
                "--set", "services.file=" + file, "--set", "services.evaluation_interval=1s", "--set", "services.watch_interval=1h",
                "--set", "security.read.anonymous=true", "--set", "security.api_tokens.it.sha256=" + TOKEN[1]);
        try {
            Stack.waitUntil("collector healthy", Duration.ofSeconds(60), () -> Stack.status(base + "/health") == 200);
            Stack.waitUntil("portal up", Duration.ofSeconds(30), () -> Stack.body(base + "/metrics", TOKEN[0])
                    .contains("kilowatch_service_up{service=\"portal\"} 1.0"));
            String metrics = Stack.body(base + "/metrics", TOKEN[0]);
            Stack.assertPromtoolAccepts(metrics);
            assertTrue(metrics.contains("kilowatch_probe_success{kind=\"http\",probe=\"health\"} 1.0"), metrics);

            // SIGHUP: a bad file is refused and portal keeps running; a good one adds a service.
            Files.writeString(file, portal.replace("target_percent: 99.85", "target_percent: 101"));
            hangUp(collector);
            Stack.waitUntil("bad file refused", Duration.ofSeconds(20), () -> Stack.body(base + "/api/v1/services", TOKEN[0])
                    .contains("services.portal.target_percent must be a number"));
            assertTrue(Stack.body(base + "/api/v1/services", TOKEN[0]).contains("\"name\":\"portal\""));
            Files.writeString(file, portal + """
                      intranet:
                        target_percent: 99.5
                        components:
                          health: {probe: health}
                    """);
            hangUp(collector);
            Stack.waitUntil("intranet loaded", Duration.ofSeconds(20), () -> Stack.body(base + "/api/v1/services", TOKEN[0])
                    .contains("\"name\":\"intranet\""));

            browse(base, out);
        } finally {
            Stack.stop(collector);
        }
    }

    private static void hangUp(Process collector) throws Exception {
        Stack.run(List.of("kill", "-HUP", Long.toString(collector.pid())), Duration.ofSeconds(10));
    }

    private static void browse(String base, Path out) throws Exception {
        WebDriver browser = Stack.chromium();
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            wait.ignoring(StaleElementReferenceException.class);
            browser.get(base + "/#/services");
            wait.until(b -> b.findElements(By.cssSelector("#service-rows tr")).size() == 2);
            String rows = browser.findElement(By.id("service-rows")).getText();
            assertTrue(rows.contains("portal") && rows.contains("Digital Services") && rows.contains("up") && rows.contains("99.85 %"), rows);
            shot(browser, out, "services.png");

            browser.findElement(By.linkText("portal")).click();
            wait.until(b -> b.getCurrentUrl().endsWith("#/services/portal"));
            wait.until(b -> b.findElement(By.id("service-components")).getText().contains("health"));
            assertEquals("up", browser.findElement(By.cssSelector("#service-state .status")).getText());
            assertTrue(browser.findElement(By.id("service-burn")).getText().contains("1h"));
            shot(browser, out, "service.png");

            browser.findElement(By.id("service-report-link")).click();
            wait.until(b -> b.findElement(By.id("report-title")).getText().startsWith("SLA report: portal, 20"));
            wait.until(b -> !b.findElement(By.id("report-verdict")).getText().isEmpty());
            assertTrue(browser.findElement(By.id("report-summary")).getText().contains("Availability"));
            assertTrue(browser.findElement(By.id("report-summary")).getText().contains("gCO2e per month"),
                    browser.findElement(By.id("report-summary")).getText());
            wait.until(b -> b.findElement(By.id("report-components")).getText().contains("health"));
            assertTrue(browser.findElement(By.id("report-csv")).getAttribute("href").contains("format=csv"));
            // Another period by the form: the address carries it, so the page can be bookmarked and printed.
            new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("report-period"))).selectByValue("month");
            browser.findElement(By.cssSelector("#report-form button[type=submit]")).click();
            wait.until(b -> b.getCurrentUrl().contains("period=month"));
            wait.until(b -> b.findElement(By.id("report-title")).getText().matches("SLA report: portal, \\d{4}-\\d{2}"));
            shot(browser, out, "sla-report.png");
            assertTrue(browser.findElement(By.id("page-error")).getAttribute("hidden") != null, "no script error on the page");
        } finally {
            browser.quit();
        }
    }

    private static void shot(WebDriver browser, Path out, String name) throws Exception {
        Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, out.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
}
