package io.kilowatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.collector.carbon.IntensityCache;
import io.kilowatch.collector.estate.ReportAccounting;
import io.kilowatch.collector.store.JdbcStore;
import io.kilowatch.collector.estate.EstateStore;
import io.kilowatch.core.carbon.AnnualGridFactors;
import io.kilowatch.core.carbon.CarbonPolicy;
import io.kilowatch.core.carbon.SiteCarbon;
import io.kilowatch.core.report.Report;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The Devices page of an estate of 20,000 devices in headless Chromium: the collector jar as a real
 * process over a store seeded with 20,000 devices (every seventh called just "vm", as virtual machines
 * often are). The list opens with only the rows in view in the page, scrolls to the last device,
 * filters and searches on the server, and tells apart rows whose hostnames repeat. The time to the first
 * rows (a fresh browser, a collector that has served the page query before) is written to
 * collector/target/device-list/first-render-ms.txt for bench/dashboard-devices.sh; it is a figure for the
 * bench, not a pass mark.
 */
class DeviceListIT {
    private static final int DEVICES = 20_000;
    private static final Path OUT = outputDir();
    private static Process collector;
    private static String base;

    @BeforeAll
    static void startCollectorOverALargeEstate() throws Exception {
        Stack.run(List.of("bash", Stack.REPO.resolve("scripts/install-test-tools.sh").toString()), Duration.ofMinutes(10));
        Path data = Files.createTempDirectory("kilowatch-devices").resolve("collector");
        seed(data);
        int port = Stack.freePort();
        base = "http://127.0.0.1:" + port;
        collector = Stack.collector(port, data, OUT.resolve("collector.log"), "--set", "security.read.anonymous=true");
        Stack.waitUntil("collector healthy", Duration.ofSeconds(120), () -> Stack.status(base + "/health") == 200);
    }

    /** Stores one report for each device, in one transaction, before the collector starts. */
    private static void seed(Path data) {
        ZoneId utc = ZoneId.of("UTC");
        ReportAccounting accounting = new ReportAccounting(new CarbonPolicy(
                new SiteCarbon(AnnualGridFactors.ukDesnz(), AnnualGridFactors.ukDesnzTdLosses(), "national", 1.0, null), Map.of(), utc),
                utc, new IntensityCache());
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<EstateStore.Pending> reports = new ArrayList<>();
        for (int i = 1; i <= DEVICES; i++) {
            String id = id(i);
            Report r = new Report(1, id, 1L, now, 600.0,
                    Map.of("org", i % 4 == 0 ? "Corporate" : "Schools", "site", site(i), "class", i % 3 == 0 ? "laptop" : "desktop"),
                    new Report.Host(hostname(i), "Linux", now.minusSeconds(3600), 3600.0, 1),
                    new Report.Utilisation(0.1, 1L << 30, 8L << 30), new Report.Power(30.0 + i % 40, "model", 1_000.0, now.minusSeconds(3600)),
                    null, null);
            reports.add(new EstateStore.Pending(id, 1, now.minusSeconds(3600).toEpochMilli(), now.toEpochMilli(),
                    (previous, metered) -> accounting.plan(r, previous, now.toEpochMilli(), null)));
        }
        try (JdbcStore store = JdbcStore.sqlite(data)) {
            store.ingest(reports);
        }
    }

    private static String id(int i) {
        return String.format(Locale.ROOT, "d-%05d", i);
    }

    private static String hostname(int i) {
        return i % 7 == 0 ? "vm" : "pc-" + i;
    }

    private static String site(int i) {
        return "School " + (i % 750 + 1);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (collector != null) {
            Stack.stop(collector);
        }
    }

    @Test
    void theDeviceListOfTwentyThousandDevicesIsPagedVirtualisedAndFiltered() throws Exception {
        WebDriver browser = Stack.chromium();
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30), Duration.ofMillis(10));
            wait.ignoring(StaleElementReferenceException.class);
            By rows = By.cssSelector("#device-rows tr.device-row");
            // A collector that has been running: its page query compiled, as when a user opens the page.
            for (int i = 0; i < 20; i++) {
                Stack.body(base + "/api/v1/devices?offset=0&limit=200");
            }
            long start = System.nanoTime();
            browser.get(base + "/#/devices");
            wait.until(b -> !b.findElements(rows).isEmpty());
            long firstRenderMillis = (System.nanoTime() - start) / 1_000_000;
            Files.writeString(OUT.resolve("first-render-ms.txt"), firstRenderMillis + "\n");
            System.out.println("first render of the device list with " + DEVICES + " devices: " + firstRenderMillis + " ms");

            wait.until(b -> text(b, "device-count").equals("20,000 devices"));
            int inPage = browser.findElements(rows).size();
            assertTrue(inPage > 0 && inPage < 200, "only the rows in view are in the page, not all 20,000: " + inPage);
            // Rows are redrawn when a live event arrives: read through the wait, which retries a row replaced meanwhile.
            String vmRow = wait.until(b -> b.findElement(By.cssSelector("tr[data-device-id='" + id(7) + "']")).getText());
            assertTrue(vmRow.contains("vm") && vmRow.contains(id(7)), "a repeated hostname shows the device id: " + vmRow);

            ((JavascriptExecutor) browser).executeScript("const s = document.getElementById('device-scroll'); s.scrollTop = s.scrollHeight;");
            String last = wait.until(b -> b.findElement(By.cssSelector("tr[data-device-id='" + id(DEVICES) + "']")).getText());
            assertTrue(last.contains(site(DEVICES)), last);
            assertTrue(browser.findElements(rows).size() < 200, "scrolled, still only the rows in view");

            browser.findElement(By.id("filter-q")).sendKeys("PC-1999");
            long named = java.util.stream.IntStream.rangeClosed(1, DEVICES).filter(i -> hostname(i).contains("pc-1999")).count();
            wait.until(b -> text(b, "device-count").equals(named + " devices"));
            assertEquals(id(1999), wait.until(b -> b.findElements(rows).get(0).getAttribute("data-device-id")));
            browser.findElement(By.id("filter-q")).clear();
            ((JavascriptExecutor) browser).executeScript("document.getElementById('filter-q').dispatchEvent(new Event('input', {bubbles: true}));");

            new Select(browser.findElement(By.id("filter-site"))).selectByVisibleText("School 2");
            new Select(browser.findElement(By.id("filter-class"))).selectByVisibleText("laptop");
            // School 2 holds devices 1, 751, 1501, ...: 27 of them, and every third device is a laptop
            long expected = java.util.stream.IntStream.rangeClosed(1, DEVICES).filter(i -> site(i).equals("School 2") && i % 3 == 0).count();
            wait.until(b -> text(b, "device-count").equals(expected + " devices"));
            List<String> shown = wait.until(b -> b.findElements(rows).stream().map(WebElement::getText).toList());
            for (String row : shown) {
                assertTrue(row.contains("School 2") && row.contains("laptop"), row);
            }
            new Select(browser.findElement(By.id("filter-state"))).selectByValue("down");
            wait.until(b -> text(b, "device-count").equals("0 devices"));
            // every seeded device reported just now: none is asleep or off either, and the API takes the choice
            new Select(browser.findElement(By.id("filter-state"))).selectByVisibleText("Asleep or off");
            wait.until(b -> text(b, "device-count").equals("0 devices"));
            new Select(browser.findElement(By.id("filter-state"))).selectByValue("up");
            wait.until(b -> text(b, "device-count").equals(expected + " devices"));
            assertTrue(browser.findElement(By.id("page-error")).getAttribute("hidden") != null, "no script error on the page");
        } finally {
            browser.quit();
        }
    }

    private static String text(WebDriver b, String id) {
        return b.findElement(By.id(id)).getText().trim();
    }

    private static Path outputDir() {
        try {
            return Stack.outputDir("device-list");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
