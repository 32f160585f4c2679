package io.kilowatch.collector.carbon;

import io.kilowatch.collector.http.Responses;

import io.kilowatch.collector.http.ApiModule;

import io.kilowatch.collector.estate.EstateApi;

import io.kilowatch.collector.carbon.IntensityCache;
import io.kilowatch.collector.carbon.IntensityFile;
import io.kilowatch.collector.carbon.IntensityFormatException;
import io.kilowatch.collector.carbon.IntensityImports;
import io.kilowatch.collector.security.Role;
import io.kilowatch.collector.carbon.CarbonStore;
import io.kilowatch.core.carbon.CarbonPolicy;
import io.kilowatch.core.carbon.EnergyFootprint;
import io.kilowatch.core.carbon.IntensitySeries;
import io.kilowatch.core.carbon.NesoRegions;
import io.kilowatch.core.carbon.SiteCarbon;
import io.kilowatch.core.energy.Units;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code /api/v1/carbon/...}: half-hourly intensity (read and import) and carbon totals with every part apart (docs/api.md). */
public final class CarbonApi implements ApiModule {
    private static final Logger LOG = LoggerFactory.getLogger(CarbonApi.class);
    /** A year of every NESO region with generation mixes is about 100 MB; larger files go through the import command. */
    private static final int MAX_IMPORT_BYTES = 64 * 1024 * 1024;
    private static final Duration MAX_SERIES_RANGE = Duration.ofDays(31);

    private final CarbonStore store;
    private final CarbonPolicy policy;
    private final IntensityCache cache;
    private final IntensityImports imports;
    private final ZoneId zone;
    private final Clock clock;

    public CarbonApi(CarbonStore store, CarbonPolicy policy, IntensityCache cache, IntensityImports imports,
                     ZoneId zone, Clock clock) {
        this.store = store;
        this.policy = policy;
        this.cache = cache;
        this.imports = imports;
        this.zone = zone;
        this.clock = clock;
    }

    @Override
    public void mount(Router router, Function<Role, Handler<RoutingContext>> require) {
        router.get("/api/v1/carbon/*").handler(require.apply(Role.VIEWER));
        router.get("/api/v1/carbon/intensity").handler(this::intensity);
        router.get("/api/v1/carbon/regions").handler(this::regions);
        router.get("/api/v1/carbon/totals").handler(this::totals);
        router.post("/api/v1/carbon/intensity").handler(require.apply(Role.ADMIN));
        router.post("/api/v1/carbon/intensity").handler(BodyHandler.create(false).setBodyLimit(MAX_IMPORT_BYTES)).handler(this::importFile);
    }

    private void intensity(RoutingContext ctx) {
        String region = ctx.queryParams().get("region") == null ? NesoRegions.NATIONAL : ctx.queryParams().get("region");
        Instant now = clock.instant();
        try {
            String key = NesoRegions.key(region).orElseThrow(() -> new IllegalArgumentException("region must not be none"));
            Instant from = instant(ctx, "from", now.minus(Duration.ofHours(24)));
            Instant to = instant(ctx, "to", now.plus(Duration.ofHours(24)));
            if (!to.isAfter(from) || Duration.between(from, to).compareTo(MAX_SERIES_RANGE) > 0) {
                throw new IllegalArgumentException("to must be after from, and at most 31 days after it");
            }
            JsonArray points = new JsonArray();
            for (IntensitySeries.Point p : cache.apply(key).between(IntensitySeries.halfHourOf(from), to)) {
                points.add(pointJson(p));
            }
            Responses.json(ctx, 200, new JsonObject().put("region", key).put("description", NesoRegions.describe(key))
                    .put("from", from.toString()).put("to", to.toString()).put("points", points));
        } catch (IllegalArgumentException e) {
            Responses.error(ctx, 400, List.of(e.getMessage()));
        }
    }

    private static JsonObject pointJson(IntensitySeries.Point p) {
        return new JsonObject().put("from", p.start().toString()).put("to", p.start().plus(IntensitySeries.HALF_HOUR).toString())
                .put("gco2e_per_kwh", p.gramsPerKwh()).put("kind", p.kind()).put("source", p.source());
    }

    private void regions(RoutingContext ctx) {
        Instant now = clock.instant();
        JsonArray regions = new JsonArray();
        for (String region : policy.regions()) {
            IntensitySeries series = cache.apply(region);
            Optional<IntensitySeries.Point> current = series.at(now);
            SiteCarbon site = policy.siteForRegion(region);
            int year = policy.yearOf(now);
            regions.add(new JsonObject().put("region", region).put("description", NesoRegions.describe(region))
                    .put("half_hours_known", series.size())
                    .put("first", series.first().map(Instant::toString).orElse(null))
                    .put("last", series.last().map(Instant::toString).orElse(null))
                    .put("now", current.map(CarbonApi::pointJson).orElse(null))
                    .put("fallback_gco2e_per_kwh", site.factors().gramsPerKwh(year))
                    .put("fallback_source", site.factors().source(year))
                    .put("fallback_now", current.isEmpty()));
        }
        Responses.json(ctx, 200, new JsonObject().put("regions", regions));
    }

    /** Admin: import a NESO JSON or CSV file; a bad one gets 400 naming the line or field, and nothing is stored. */
    private void importFile(RoutingContext ctx) {
        String body = ctx.body().asString();
        IntensityFile.Format format;
        try {
            format = IntensityFile.Format.of(ctx.queryParams().get("format") == null ? "neso" : ctx.queryParams().get("format"));
        } catch (IntensityFormatException e) {
            Responses.error(ctx, 400, List.of(e.getMessage()));
            return;
        }
        imports.importText(body == null ? "" : body, format, ctx.queryParams().get("region"), ctx.queryParams().get("source"), "api")
                .onComplete(r -> {
                    if (r.succeeded()) {
                        Responses.json(ctx, 200, new JsonObject().put("points", r.result().points()).put("stored", r.result().stored())
                                .put("recomputed_rollups", r.result().recomputedRollups()));
                    } else if (r.cause() instanceof IntensityFormatException e) {
                        Responses.error(ctx, 400, List.of(e.getMessage()));
                    } else {
                        LOG.atError().setCause(r.cause()).log("intensity import failed");
                        Responses.error(ctx, 500, List.of("the import could not be stored; nothing was changed; see the collector's log"));
                    }
                });
    }

    /** Totals over local days [from, to] (default: this year to date), for the estate or one device, by site. */
    private void totals(RoutingContext ctx) {
        LocalDate today = clock.instant().atZone(zone).toLocalDate();
        LocalDate from;
        LocalDate to;
        try {
            from = date(ctx, "from", today.withDayOfYear(1));
            to = date(ctx, "to", today);
        } catch (IllegalArgumentException e) {
            Responses.error(ctx, 400, List.of(e.getMessage()));
            return;
        }
        if (to.isBefore(from)) {
            Responses.error(ctx, 400, List.of("to must not be before from"));
            return;
        }
        String device = ctx.queryParams().get("device");
        long fromMs = from.atStartOfDay(zone).toInstant().toEpochMilli();
        long toMs = to.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
        store.breakdown("day", fromMs, toMs, device).onComplete(r -> {
            if (r.failed()) {
                LOG.atError().setCause(r.cause()).log("carbon totals failed");
                Responses.error(ctx, 500, List.of("internal error; see the collector's log"));
                return;
            }
            JsonArray sites = new JsonArray();
            EnergyFootprint sum = EnergyFootprint.ZERO;
            Set<String> allSources = new LinkedHashSet<>();
            for (CarbonStore.Breakdown b : r.result()) {
                List<String> sources = sources(b, from, to);
                allSources.addAll(sources);
                sites.add(figures(b.totals()).put("site", b.site()).put("method", policy.method(b.site(), to.getYear()))
                        .put("factor_sources", new JsonArray(sources)));
                sum = sum.plus(b.totals());
            }
            Responses.json(ctx, 200, figures(sum).put("from", from.toString()).put("to", to.toString()).put("time_zone", zone.getId())
                    .put("device", device).put("method", EnergyFootprint.METHOD).put("factor_sources", new JsonArray(List.copyOf(allSources)))
                    .put("sites", sites));
        });
    }

    /** The estate summary's figures and what follows from them. */
    private static JsonObject figures(EnergyFootprint t) {
        return EstateApi.totals(t)
                .put("facility_energy_kwh", Units.joulesToKwh(t.itJoules() + t.overheadJoules()))
                .put("it_carbon_kg", (t.carbonGrams() - t.overheadCarbonGrams()) / 1000)
                .put("half_hourly_energy_kwh", Units.joulesToKwh(t.itJoules() - t.fallbackJoules()));
    }

    /** The factor sets behind a site's figures over the period, fallback marked as such. */
    private List<String> sources(CarbonStore.Breakdown b, LocalDate from, LocalDate to) {
        SiteCarbon site = policy.forSite(b.site());
        Set<String> sources = new LinkedHashSet<>();
        EnergyFootprint t = b.totals();
        if (site.region() != null && t.itJoules() - t.fallbackJoules() > 0) {
            Instant start = from.atStartOfDay(zone).toInstant();
            Instant end = to.plusDays(1).atStartOfDay(zone).toInstant();
            cache.apply(site.region()).between(start, end).stream().map(IntensitySeries.Point::source).forEach(sources::add);
        }
        for (int year = from.getYear(); year <= to.getYear(); year++) {
            if (t.fallbackJoules() > 0) {
                sources.add(site.factors().source(year) + (site.region() == null ? "" : " (fallback: no half-hourly intensity)"));
            }
            if (site.tdLosses() != null) {
                sources.add(site.tdLosses().source(year));
            }
        }
        if (site.tariff() != null) {
            sources.add(site.tariff().description());
        }
        return List.copyOf(sources);
    }

    private static Instant instant(RoutingContext ctx, String name, Instant fallback) {
        return param(ctx, name, fallback, Instant::parse, "an RFC 3339 UTC time such as 2025-01-31T00:00:00Z");
    }

    private static LocalDate date(RoutingContext ctx, String name, LocalDate fallback) {
        return param(ctx, name, fallback, LocalDate::parse, "a date such as 2025-04-01");
    }

    private static <T> T param(RoutingContext ctx, String name, T fallback, Function<String, T> parse, String expected) {
        String value = ctx.queryParams().get(name);
        try {
            return value == null ? fallback : parse.apply(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be " + expected + ", got '" + value + "'");
        }
    }
}
