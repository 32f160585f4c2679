package io.kilowatch.collector.estate;

import io.kilowatch.core.carbon.AnnualGridFactors;
import io.kilowatch.core.carbon.CarbonCalculator;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;

/**
 * Which grid factors and PUE apply to a device, by its site. Sites not configured get the estate's
 * default factors and a PUE of 1.0 (an office: no facility overhead beyond the device).
 */
public final class CarbonPolicy {
    public record SiteCarbon(AnnualGridFactors factors, double pue) {
    }

    private final SiteCarbon defaults;
    private final Map<String, SiteCarbon> sites;
    private final CarbonCalculator calculator;

    public CarbonPolicy(AnnualGridFactors defaultFactors, Map<String, SiteCarbon> sites, ZoneId zone) {
        this.defaults = new SiteCarbon(defaultFactors, 1.0);
        this.sites = Map.copyOf(sites);
        this.calculator = new CarbonCalculator(zone);
    }

    public SiteCarbon forSite(String site) {
        return site == null ? defaults : sites.getOrDefault(site, defaults);
    }

    public double grams(double joules, Instant from, Instant to, String site) {
        SiteCarbon c = forSite(site);
        return calculator.grams(joules, from, to, c.factors(), c.pue());
    }

    /** How a figure for this site and year was made, for the API and exports. */
    public String method(String site, int year) {
        SiteCarbon c = forSite(site);
        return "location-based; " + c.factors().source(year) + "; PUE " + c.pue();
    }

    public int yearOf(Instant instant) {
        return calculator.yearOf(instant);
    }
}
