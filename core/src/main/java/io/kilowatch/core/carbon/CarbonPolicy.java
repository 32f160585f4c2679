package io.kilowatch.core.carbon;

import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Which factors, intensity region, PUE and tariff apply to a device, by its site. Sites not configured
 * get the estate's defaults: its factors and region, a PUE of 1.0 (an office) and the estate's tariff.
 */
public final class CarbonPolicy {
    private final SiteCarbon defaults;
    private final Map<String, SiteCarbon> sites;
    private final CarbonCalculator calculator;
    private final WellToTank estateWellToTank;
    private final Map<String, WellToTank> siteWellToTank;

    public CarbonPolicy(SiteCarbon defaults, Map<String, SiteCarbon> sites, ZoneId zone) {
        this(defaults, sites, zone, null, Map.of());
    }

    /**
     * @param estateWellToTank WTT factors of sites that set none of their own, or null for none
     * @param siteWellToTank WTT factors by site, where a site sets its own; a site on another grid
     *     (its own grid factors) with none here gets none
     */
    public CarbonPolicy(SiteCarbon defaults, Map<String, SiteCarbon> sites, ZoneId zone, WellToTank estateWellToTank,
                        Map<String, WellToTank> siteWellToTank) {
        this.defaults = defaults;
        this.sites = Map.copyOf(sites);
        this.calculator = new CarbonCalculator(zone);
        this.estateWellToTank = estateWellToTank;
        this.siteWellToTank = Map.copyOf(siteWellToTank);
    }

    /** The well-to-tank factors for a site's electricity, or null where none apply. */
    public WellToTank wellToTank(String site) {
        if (site != null && siteWellToTank.containsKey(site)) {
            return siteWellToTank.get(site);
        }
        return forSite(site).factors() == defaults.factors() ? estateWellToTank : null;
    }

    public SiteCarbon forSite(String site) {
        return site == null ? defaults : sites.getOrDefault(site, defaults);
    }

    /**
     * @param intensity half-hourly series by region key (never null for a region; empty where nothing is known)
     */
    public EnergyFootprint footprint(double joules, Instant from, Instant to, String site, Function<String, IntensitySeries> intensity) {
        SiteCarbon c = forSite(site);
        return calculator.footprint(joules, from, to, c, c.region() == null ? null : intensity.apply(c.region()));
    }

    /** How figures for this site and year are made, for the API and exports. */
    public String method(String site, int year) {
        SiteCarbon c = forSite(site);
        StringBuilder m = new StringBuilder(EnergyFootprint.METHOD).append("; ");
        if (c.region() != null) {
            m.append("half-hourly intensity for ").append(NesoRegions.describe(c.region())).append(" where known, else ");
        }
        m.append(c.factors().source(year));
        if (c.tdLosses() != null) {
            m.append("; T&D losses apart: ").append(c.tdLosses().source(year));
        }
        WellToTank wtt = wellToTank(site);
        if (wtt != null) {
            m.append("; well-to-tank apart: ").append(String.join(", ", wtt.sources(year)));
        }
        m.append("; PUE ").append(c.pue()).append(c.pue() > 1 ? " (overhead apart)" : "");
        if (c.tariff() != null) {
            m.append("; ").append(c.tariff().description());
        }
        return m.toString();
    }

    /** The intensity regions some site uses. */
    public Set<String> regions() {
        Set<String> regions = new LinkedHashSet<>();
        if (defaults.region() != null) {
            regions.add(defaults.region());
        }
        sites.values().stream().map(SiteCarbon::region).filter(r -> r != null).forEach(regions::add);
        return regions;
    }

    /** The settings of the estate or first site that uses a region, for its annual fallback factor. */
    public SiteCarbon siteForRegion(String region) {
        if (region.equals(defaults.region())) {
            return defaults;
        }
        return sites.values().stream().filter(c -> region.equals(c.region())).findFirst().orElse(defaults);
    }

    public CarbonCalculator calculator() {
        return calculator;
    }

    public int yearOf(Instant instant) {
        return calculator.yearOf(instant);
    }
}
