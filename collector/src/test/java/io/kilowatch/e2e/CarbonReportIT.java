package io.kilowatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.collector.sustainability.CarbonFixture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.print.PrintOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The printable carbon report and the Sustainability section rendered by headless Chromium from the
 * collector jar, over a store holding the oracle tests' figures: every total on the page must equal the
 * API's JSON, and the page must print (to PDF) without the dashboard's chrome.
 */
class CarbonReportIT {
    @Test
    void theReportPageShowsTheApisTotalsAndPrints() throws Exception {
        Stack.run(List.of("bash", Stack.REPO.resolve("scripts/install-test-tools.sh").toString()), Duration.ofMinutes(10));
        Path out = Stack.outputDir("e2e");
        Path dataDir = Files.createTempDirectory("kilowatch-carbon-it");
        CarbonFixture.councils(dataDir).close();
        int port = Stack.freePort();
        String base = "http://127.0.0.1:" + port;
        Process collector = Stack.collector(port, dataDir, out.resolve("carbon-collector.log"),
                "--set", "security.read.anonymous=true", "--set", "time_zone=Europe/London", "--set", "sites.Leeds DC.pue=1.6",
                "--set", "sustainability.shared_services.Shared ICT.Council A=2", "--set", "sustainability.shared_services.Shared ICT.Council B=1",
                "--set", "sustainability.targets.baseline_year=2024", "--set", "sustainability.targets.baseline_kgco2e=5",
                "--set", "sustainability.targets.annual_reduction_percent=3",
                "--set", "carbon.windows.jobs.nightly-backup.duration=2h", "--set", "carbon.windows.jobs.nightly-backup.power_watts=300",
                "--set", "carbon.windows.jobs.nightly-backup.hours=22:00-06:00");
        try {
            Stack.waitUntil("collector healthy", Duration.ofSeconds(60), () -> Stack.status(base + "/health") == 200);
            JsonObject report = new JsonObject(Stack.body(base + "/api/v1/carbon/report?year=2025"));
            JsonObject totals = report.getJsonObject("totals");
            assertEquals(4.246, totals.getDouble("operational_kg"), 1e-9, "the oracle figure");

            checkPages(base, report, out);
        } finally {
            Stack.stop(collector);
        }
    }

    private static void checkPages(String base, JsonObject report, Path out) throws Exception {
        JsonObject totals = report.getJsonObject("totals");
        // The report is printed through Chrome DevTools, so the driver is Chromium's own.
        ChromeDriver browser = (ChromeDriver) Stack.chromium();
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            browser.get(base + "/#/carbon-report?year=2025");
            wait.until(b -> "year=2025".equals(b.findElement(By.id("view-carbon-report")).getDomAttribute("data-loaded")));
            Map<String, String> shown = Map.of("carbon-report-scope2", "scope2_kg", "carbon-report-td", "scope3_td_kg", "carbon-report-operational", "operational_kg",
                    "carbon-report-embodied", "embodied_kg", "carbon-report-energy", "energy_kwh", "carbon-report-overhead-kwh", "overhead_energy_kwh",
                    "carbon-report-fallback-kwh", "fallback_energy_kwh", "carbon-report-overhead-kg", "scope2_overhead_kg");
            shown.forEach((id, key) -> assertEquals(String.format(Locale.ROOT, "%.3f", totals.getDouble(key)), text(browser, id), id));
            for (String kind : List.of("measured", "modelled", "imported", "unknown")) {
                assertEquals(String.format(Locale.ROOT, "%.3f", totals.getDouble(kind + "_energy_kwh")), text(browser, "carbon-report-" + kind + "-kwh"), kind);
            }
            assertEquals(String.format(Locale.ROOT, "%.2f", totals.getDouble("cost_gbp")), text(browser, "carbon-report-cost"));
            JsonArray orgs = report.getJsonArray("by_org");
            List<org.openqa.selenium.WebElement> orgRows = browser.findElements(By.cssSelector("#carbon-report-orgs tr"));
            assertEquals(orgs.size(), orgRows.size());
            for (int i = 0; i < orgs.size(); i++) {
                JsonObject org = orgs.getJsonObject(i);
                String row = orgRows.get(i).getText();
                assertTrue(row.startsWith(org.getString("org")) && row.contains(String.format(Locale.ROOT, "%.3f",
                        org.getJsonObject("total").getDouble("operational_kg"))), row + " vs " + org.encode());
            }
            assertEquals(report.getJsonArray("by_site").size(), browser.findElements(By.cssSelector("#carbon-report-sites tr")).size());
            assertEquals(report.getJsonArray("by_class").size(), browser.findElements(By.cssSelector("#carbon-report-classes tr")).size());
            assertTrue(text(browser, "carbon-report-target").contains(report.getJsonObject("target").getString("status")), text(browser, "carbon-report-target"));
            assertTrue(text(browser, "carbon-report-sources").contains("PUE 1.6"));
            Files.write(out.resolve("carbon-report.png"), browser.getScreenshotAs(OutputType.BYTES));

            // Printed, the page drops the dashboard's header and controls and keeps the report.
            browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("media", "print"));
            assertFalse(browser.findElement(By.cssSelector("header.top")).isDisplayed());
            assertFalse(browser.findElement(By.cssSelector(".report-controls")).isDisplayed());
            assertTrue(browser.findElement(By.id("carbon-report-operational")).isDisplayed());
            byte[] pdf = Base64.getDecoder().decode(browser.print(new PrintOptions()).getContent());
            assertEquals("%PDF", new String(pdf, 0, 4, java.nio.charset.StandardCharsets.US_ASCII));
            Files.write(out.resolve("carbon-report.pdf"), pdf);
            browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("media", ""));

            // The Sustainability section: this year against the path, from the same API.
            JsonObject summary = new JsonObject(Stack.body(base + "/api/v1/carbon/summary"));
            browser.get(base + "/#/sustainability");
            wait.until(b -> !b.findElements(By.cssSelector("#sus-chart canvas")).isEmpty());
            JsonObject q = summary.getJsonObject("totals").getJsonObject("data_quality");
            assertEquals(String.format(Locale.ROOT, "measured %.1f %% · modelled %.1f %% · imported %.1f %%", 100 * q.getDouble("measured_ratio"),
                    100 * q.getDouble("modelled_ratio"), 100 * q.getDouble("imported_ratio"))
                    + (q.getDouble("unknown_ratio") > 0 ? String.format(Locale.ROOT, " · unknown %.1f %%", 100 * q.getDouble("unknown_ratio")) : ""),
                    text(browser, "sus-quality"));
            assertEquals(String.format(Locale.ROOT, "%.3f kg", summary.getJsonObject("target").getDouble("target_kg")), text(browser, "sus-target"));
            assertEquals(String.format(Locale.ROOT, "%.3f", summary.getJsonObject("totals").getDouble("operational_kg")), text(browser, "sus-operational"));
            // Per organisation: Council A's own devices and its share of the shared service, on its measured 2024 baseline.
            JsonObject councilA = new JsonObject(Stack.body(base + "/api/v1/carbon/trajectory?org=Council%20A"));
            new Select(browser.findElement(By.id("sus-org"))).selectByVisibleText("Council A");
            wait.until(b -> text(b, "sus-path-note").startsWith("Council A:"));
            assertTrue(text(browser, "sus-path-note").contains(String.format(Locale.ROOT, "target %.3f kg", councilA.getDouble("target_kg"))),
                    text(browser, "sus-path-note"));
            // Carbon-aware windows: the declared backup job, as the API plans it.
            JsonObject plan = new JsonObject(Stack.body(base + "/api/v1/carbon/windows")).getJsonArray("plans").getJsonObject(0);
            wait.until(b -> !b.findElements(By.cssSelector("#sus-windows tr")).isEmpty());
            String windowRow = browser.findElement(By.cssSelector("#sus-windows tr")).getText();
            assertTrue(windowRow.startsWith("nightly-backup job") && windowRow.contains(plan.getString("basis")), windowRow);
            assertEquals(new JsonObject(Stack.body(base + "/api/v1/power-models")).getJsonArray("classes").size(),
                    browser.findElements(By.cssSelector("#sus-calibration tr")).size());
            Files.write(out.resolve("sustainability.png"), browser.getScreenshotAs(OutputType.BYTES));
            assertTrue(browser.findElement(By.id("page-error")).getDomAttribute("hidden") != null, "no script error on the page");
        } finally {
            browser.quit();
        }
    }

    private static String text(org.openqa.selenium.WebDriver b, String id) {
        return b.findElement(By.id(id)).getText().trim();
    }
}
