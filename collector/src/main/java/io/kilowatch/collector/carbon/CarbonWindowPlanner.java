package io.kilowatch.collector.carbon;

import io.kilowatch.collector.estate.DeviceRow;
import io.kilowatch.collector.service.ServiceDevices;
import io.kilowatch.core.carbon.CarbonPolicy;
import io.kilowatch.core.carbon.CarbonWindows;
import io.kilowatch.core.carbon.IntensitySeries;
import io.kilowatch.core.carbon.NesoRegions;
import io.kilowatch.core.carbon.SiteCarbon;
import io.kilowatch.core.service.ServiceDefinition;
import io.kilowatch.core.service.Span;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Lowest-carbon slots for the estate's flexible work: the job in each service's planned maintenance
 * windows, and the jobs declared under {@code carbon.windows.jobs}, from the half-hourly intensity the
 * collector holds (NESO's 48-hour forecast, fetched or imported) or, without it, the annual factor.
 * Answers as JSON and as an iCalendar feed (RFC 5545). Docs: docs/carbon.md.
 */
public final class CarbonWindowPlanner {
    private static final DateTimeFormatter ICAL_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(java.time.ZoneOffset.UTC);

    /** One plan and where its figures come from. */
    public record Entry(String kind, String service, String region, CarbonWindows.Plan plan) {
    }

    private final CarbonWindowsConfig config;
    private final CarbonPolicy policy;
    private final Function<String, IntensitySeries> intensity;
    private final Supplier<List<ServiceDefinition>> services;
    private final Function<String, DeviceRow> device;
    private final Supplier<List<DeviceRow>> devices;
    private final ZoneId zone;

    /**
     * @param device the latest row of a device by id (null if unknown), for a service's power and site
     * @param devices every device, for services made of label selectors
     */
    public CarbonWindowPlanner(CarbonWindowsConfig config, CarbonPolicy policy, Function<String, IntensitySeries> intensity,
                               Supplier<List<ServiceDefinition>> services, Function<String, DeviceRow> device,
                               Supplier<List<DeviceRow>> devices, ZoneId zone) {
        this.config = config;
        this.policy = policy;
        this.intensity = intensity;
        this.services = services;
        this.device = device;
        this.devices = devices;
        this.zone = zone;
    }

    public List<Entry> plans(Instant now) {
        Instant horizonEnd = now.plus(config.horizon());
        List<Entry> entries = new ArrayList<>();
        for (ServiceDefinition s : services.get()) {
            List<Span> windows = s.plannedMaintenance(Span.of(now, horizonEnd));
            if (windows.isEmpty()) {
                continue;
            }
            List<DeviceRow> rows = ServiceDevices.of(s, device, devices.get());
            double watts = config.serviceJobWatts() > 0 ? config.serviceJobWatts()
                    : rows.stream().mapToDouble(deviceRow -> deviceRow.power().watts()).sum();
            String site = rows.isEmpty() ? null : rows.get(0).identity().site();
            CarbonWindows.Job job = new CarbonWindows.Job(s.name(), config.serviceJobDuration(), watts, windows, now, horizonEnd,
                    windows.get(0).start());
            entries.add(entry("service", s.name(), site, null, job, now));
        }
        for (CarbonWindowsConfig.Job j : config.jobs()) {
            Instant deadline = now.plus(j.deadline());
            List<Span> allowed = j.hours().isEmpty() ? List.of(Span.of(now, deadline)) : allowed(j.hours(), now, deadline);
            Instant defaultStart = j.defaultStart().map(t -> nextLocal(t, now)).orElse(now);
            entries.add(entry("job", null, j.site(), j.region(), new CarbonWindows.Job(j.name(), j.duration(), j.watts(), allowed, now, deadline,
                    defaultStart), now));
        }
        return entries;
    }

    /** @param ownRegion a region the job names instead of its site's, or null */
    private Entry entry(String kind, String service, String site, String ownRegion, CarbonWindows.Job job, Instant now) {
        SiteCarbon carbon = policy.forSite(site);
        String region = ownRegion != null ? ownRegion : carbon.region();
        IntensitySeries series = region == null ? IntensitySeries.empty() : intensity.apply(region);
        CarbonWindows.Plan plan = CarbonWindows.plan(job, series, carbon.factors().gramsPerKwh(policy.yearOf(now)),
                region == null ? "no region (annual factors only)" : NesoRegions.describe(region));
        return new Entry(kind, service, region, plan);
    }

    /** Local-hour ranges as instants within [from, to). */
    private List<Span> allowed(List<CarbonWindowsConfig.Hours> hours, Instant from, Instant to) {
        List<Span> spans = new ArrayList<>();
        LocalDate last = to.atZone(zone).toLocalDate();
        for (LocalDate d = from.atZone(zone).toLocalDate().minusDays(1); !d.isAfter(last); d = d.plusDays(1)) {
            for (CarbonWindowsConfig.Hours h : hours) {
                if (!h.days().contains(d.getDayOfWeek())) {
                    continue;
                }
                ZonedDateTime start = d.atTime(h.from()).atZone(zone);
                ZonedDateTime end = (h.to().isAfter(h.from()) ? d : d.plusDays(1)).atTime(h.to()).atZone(zone);
                long s = Math.max(start.toInstant().toEpochMilli(), from.toEpochMilli());
                long e = Math.min(end.toInstant().toEpochMilli(), to.toEpochMilli());
                if (e > s) {
                    spans.add(new Span(s, e));
                }
            }
        }
        return spans;
    }

    /** The next time the local clock shows {@code t}, at or after now. */
    private Instant nextLocal(java.time.LocalTime t, Instant now) {
        ZonedDateTime today = now.atZone(zone).toLocalDate().atTime(t).atZone(zone);
        return today.toInstant().isBefore(now) ? today.plusDays(1).toInstant() : today.toInstant();
    }

    /** How far ahead plans look. */
    public Duration horizon() {
        return config.horizon();
    }

    /** An iCalendar (RFC 5545) feed: one event per plan at its best slot; its UID stays the same as the plan moves. */
    public String icalendar(Instant now) {
        StringBuilder out = new StringBuilder();
        line(out, "BEGIN:VCALENDAR");
        line(out, "VERSION:2.0");
        line(out, "PRODID:-//Kilowatch//Carbon-aware maintenance windows//EN");
        line(out, "CALSCALE:GREGORIAN");
        line(out, "X-WR-CALNAME:Kilowatch lowest-carbon slots");
        for (Entry e : plans(now)) {
            CarbonWindows.Plan p = e.plan();
            if (p.best().isEmpty()) {
                continue;
            }
            CarbonWindows.Slot best = p.best().get();
            line(out, "BEGIN:VEVENT");
            line(out, "UID:" + e.kind() + "-" + p.job().name() + "@kilowatch");
            line(out, "DTSTAMP:" + ICAL_TIME.format(now));
            line(out, "DTSTART:" + ICAL_TIME.format(best.start()));
            line(out, "DTEND:" + ICAL_TIME.format(best.end()));
            line(out, "SUMMARY:" + text("Lowest-carbon slot: " + (e.kind().equals("service") ? "maintenance of " : "") + p.job().name()));
            line(out, "DESCRIPTION:" + text(String.format(Locale.ROOT, "%.3f kgCO2e, saving %.3f kgCO2e against %s (%s). %s.",
                    best.grams() / 1000, p.savingGrams() / 1000, p.atDefault().start(), e.kind().equals("service")
                            ? "the window's start" : "its default start", p.basis())));
            line(out, "TRANSP:TRANSPARENT");
            line(out, "END:VEVENT");
        }
        line(out, "END:VCALENDAR");
        return out.toString();
    }

    /** RFC 5545 3.3.11: backslash, semicolon, comma and line breaks escaped. */
    static String text(String s) {
        return s.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n");
    }

    /** RFC 5545 3.1: lines end in CRLF and are folded at 75 octets, continuation lines starting with a space. */
    static void line(StringBuilder out, String content) {
        byte[] bytes = content.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int start = 0;
        int limit = 75;
        while (bytes.length - start > limit) {
            int end = start + limit;
            while ((bytes[end] & 0xC0) == 0x80) {
                end--; // never split a UTF-8 sequence
            }
            out.append(new String(bytes, start, end - start, java.nio.charset.StandardCharsets.UTF_8)).append("\r\n ");
            start = end;
            limit = 74;
        }
        out.append(new String(bytes, start, bytes.length - start, java.nio.charset.StandardCharsets.UTF_8)).append("\r\n");
    }
}
