package io.kilowatch.collector.carbon;

import io.kilowatch.core.carbon.AnnualGridFactors;
import io.kilowatch.core.carbon.CarbonPolicy;
import io.kilowatch.core.carbon.GridFactorSettings;
import io.kilowatch.core.carbon.NesoRegions;
import io.kilowatch.core.carbon.SiteCarbon;
import io.kilowatch.core.carbon.Tariff;
import io.kilowatch.core.carbon.WellToTank;
import io.kilowatch.core.config.ConfigException;
import io.kilowatch.core.config.Settings;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code carbon}, {@code tariff} and per-site carbon keys (docs/configuration.md): factors, T&D
 * losses, intensity region, PUE, tariff and the live intensity fetch.
 */
public final class CarbonConfig {
    /** NESO's national series: it has measured ("actual") values beside forecasts. */
    public static final String DEFAULT_FETCH_URL = "https://api.carbonintensity.org.uk/intensity/{from}/{to}";

    /**
     * Live fetch of half-hourly intensity in NESO's JSON format.
     *
     * @param url with {@code {from}} and {@code {to}} replaced by the window's UTC times (yyyy-MM-ddTHH:mmZ)
     */
    public record Fetch(boolean enabled, String url, Duration interval, Duration lookback, Duration lookahead, Duration timeout) {
    }

    private CarbonConfig() {
    }

    public static CarbonPolicy policy(Settings s, ZoneId zone) {
        AnnualGridFactors estateFactors = GridFactorSettings.readSet(s, "carbon.grid_factors", AnnualGridFactors.ukDesnz());
        AnnualGridFactors estateTd = GridFactorSettings.readSet(s, "carbon.td_losses", AnnualGridFactors.ukDesnzTdLosses());
        // Sites fall back to the estate's region as written, so "none" (no key) passes down as "none", not null.
        String estateGiven = s.string("carbon.region", NesoRegions.NATIONAL);
        String estateRegion = region(s, "carbon.region", estateGiven);
        Tariff estateTariff = tariff(s, "tariff", zone, null);
        Map<String, SiteCarbon> sites = new LinkedHashMap<>();
        // No built-in WTT figures: DESNZ's could not be verified (docs/carbon.md); they come from config only.
        WellToTank estateWtt = wellToTank(s, "carbon");
        Map<String, WellToTank> siteWtt = new LinkedHashMap<>();
        for (String site : s.children("sites")) {
            String key = "sites." + site;
            WellToTank ownWtt = wellToTank(s, key);
            if (ownWtt != null) {
                siteWtt.put(site, ownWtt);
            }
            AnnualGridFactors own = GridFactorSettings.readSet(s, key + ".grid_factors", null);
            // A site with its own grid factors is on another grid: the estate's T&D losses and region do not apply to it.
            AnnualGridFactors td = GridFactorSettings.readSet(s, key + ".td_losses", own == null ? estateTd : null);
            String region = region(s, key + ".region", own == null ? estateGiven : NesoRegions.NONE);
            sites.put(site, new SiteCarbon(own == null ? estateFactors : own, td, region, s.number(key + ".pue", 1.0, 1.0, 10.0),
                    tariff(s, key + ".tariff", zone, estateTariff)));
        }
        return new CarbonPolicy(new SiteCarbon(estateFactors, estateTd, estateRegion, 1.0, estateTariff), sites, zone, estateWtt, siteWtt);
    }

    /** {@code <section>.wtt_generation_kgco2e_per_kwh.<year>} and {@code .wtt_td_...}; null where neither is set. */
    private static WellToTank wellToTank(Settings s, String section) {
        AnnualGridFactors generation = GridFactorSettings.readSet(s, section + ".wtt_generation", null);
        AnnualGridFactors td = GridFactorSettings.readSet(s, section + ".wtt_td", null);
        return generation == null && td == null ? null : new WellToTank(generation, td);
    }

    public static Fetch fetch(Settings s) {
        String key = "carbon.intensity.fetch.";
        Fetch fetch = new Fetch(s.bool(key + "enabled", false), s.string(key + "url", DEFAULT_FETCH_URL),
                s.duration(key + "interval", Duration.ofMinutes(30), Duration.ofMinutes(1), Duration.ofDays(1)),
                s.duration(key + "lookback", Duration.ofHours(24), Duration.ZERO, Duration.ofDays(12)),
                s.duration(key + "lookahead", Duration.ofHours(24), Duration.ZERO, Duration.ofDays(2)),
                s.duration(key + "timeout", Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofMinutes(5)));
        if (!fetch.url().startsWith("http://") && !fetch.url().startsWith("https://")) {
            throw new ConfigException(key + "url must be an http(s) URL, got '" + fetch.url() + "'");
        }
        return fetch;
    }

    private static String region(Settings s, String key, String fallback) {
        return regionKey(key, s.string(key, fallback));
    }

    /** A region's key (a NESO id, national, or an imported name), or null for none. */
    static String regionKey(String key, String given) {
        try {
            return NesoRegions.key(given).orElse(null);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key + ": " + e.getMessage());
        }
    }

    /** A tariff under {@code section}, or the fallback where it sets no rate. */
    private static Tariff tariff(Settings s, String section, ZoneId zone, Tariff fallback) {
        Set<String> bandNames = s.children(section + ".bands");
        String rate = s.string(section + ".gbp_per_kwh", null);
        if (rate == null) {
            if (!bandNames.isEmpty()) {
                throw new ConfigException(section + ".gbp_per_kwh must be set: it is the rate outside the bands");
            }
            return fallback;
        }
        double defaultRate = s.number(section + ".gbp_per_kwh", 0, 0, 10);
        String name = s.string(section + ".name", section.equals("tariff") ? "estate" : section);
        try {
            List<Tariff.Band> bands = new ArrayList<>();
            for (String band : bandNames) {
                String key = section + ".bands." + band;
                bands.add(new Tariff.Band(band, days(s, key + ".days"), time(s, key + ".from"), time(s, key + ".to"),
                        s.number(key + ".gbp_per_kwh", 0, 0, 10)));
            }
            return new Tariff(name, defaultRate, bands, zone);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(section + ": " + e.getMessage());
        }
    }

    private static LocalTime time(Settings s, String key) {
        return time(key, s.string(key, ""));
    }

    /** A local time HH:MM, where 24:00 is midnight (the end of a day). */
    static LocalTime time(String key, String value) {
        if (value.equals("24:00")) {
            return LocalTime.MIDNIGHT;
        }
        try {
            return LocalTime.parse(value);
        } catch (DateTimeParseException e) {
            throw new ConfigException(key + " must be a local time HH:MM (00:00 to 24:00), got '" + value + "'");
        }
    }

    /** {@code all}, {@code weekdays}, {@code weekends}, or days and ranges such as {@code mon-fri} or {@code sat,sun}. */
    static Set<DayOfWeek> days(Settings s, String key) {
        String value = s.string(key, "all").toLowerCase(Locale.ROOT).replace(" ", "");
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (String part : value.split(",")) {
            switch (part) {
                case "all" -> days.addAll(EnumSet.allOf(DayOfWeek.class));
                case "weekdays" -> days.addAll(EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY));
                case "weekends" -> days.addAll(EnumSet.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY));
                default -> {
                    String[] range = part.split("-", 2);
                    DayOfWeek first = day(key, range[0]);
                    DayOfWeek last = range.length == 2 ? day(key, range[1]) : first;
                    for (DayOfWeek d = first; ; d = d.plus(1)) {
                        days.add(d);
                        if (d == last) {
                            break;
                        }
                    }
                }
            }
        }
        return days;
    }

    private static DayOfWeek day(String key, String name) {
        for (DayOfWeek d : DayOfWeek.values()) {
            if (d.name().toLowerCase(Locale.ROOT).startsWith(name) && name.length() >= 3) {
                return d;
            }
        }
        throw new ConfigException(key + " must list days such as mon-fri, sat,sun, weekdays, weekends or all; got '" + name + "'");
    }
}
