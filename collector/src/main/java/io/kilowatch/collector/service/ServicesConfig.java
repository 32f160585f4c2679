package io.kilowatch.collector.service;

import io.kilowatch.core.config.ConfigException;
import io.kilowatch.core.config.Settings;
import io.kilowatch.core.service.CombineRule;
import io.kilowatch.core.service.ComponentRef;
import io.kilowatch.core.service.LabelSelector;
import io.kilowatch.core.service.MaintenanceWindow;
import io.kilowatch.core.service.NoDataPolicy;
import io.kilowatch.core.service.ServiceCalendar;
import io.kilowatch.core.service.ServiceCatalog;
import io.kilowatch.core.service.ServiceDefinition;
import io.kilowatch.core.service.SlaPeriod;
import java.net.URI;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The services file (services.file in the collector's config): probes and services, read whole and
 * checked whole, so a reload either takes all of a new file or none of it. Keys: docs/services.md.
 */
public record ServicesConfig(ServiceCatalog catalog, Map<String, ProbeDefinition> probes) {
    /** No dots: config keys are dotted paths, so a dot in a name would split it. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
    private static final Pattern STATUS = Pattern.compile("(\\d{3})(?:-(\\d{3}))?");
    private static final Map<String, DayOfWeek> DAYS = Map.of("mon", DayOfWeek.MONDAY, "tue", DayOfWeek.TUESDAY,
            "wed", DayOfWeek.WEDNESDAY, "thu", DayOfWeek.THURSDAY, "fri", DayOfWeek.FRIDAY, "sat", DayOfWeek.SATURDAY, "sun", DayOfWeek.SUNDAY);

    public static ServicesConfig empty() {
        return new ServicesConfig(new ServiceCatalog(List.of()), Map.of());
    }

    /**
     * Parses a services file. Throws {@link ConfigException} naming the key for anything wrong, unknown keys included.
     *
     * @param defaultZone the collector's time_zone, for services that set none
     */
    public static ServicesConfig parse(String yaml, String origin, ZoneId defaultZone) {
        Settings s = Settings.parse(yaml, origin, Map.of(), "");
        Map<String, ProbeDefinition> probes = new LinkedHashMap<>();
        for (String name : s.children("probes")) {
            probes.put(name, probe(s, name, origin));
        }
        List<ServiceDefinition> services = new ArrayList<>();
        for (String name : s.children("services")) {
            services.add(service(s, name, probes, defaultZone, origin));
        }
        try {
            s.requireAllKeysKnown();
        } catch (ConfigException e) {
            throw new ConfigException(e.getMessage().replace("docs/configuration.md", "docs/services.md"));
        }
        try {
            return new ServicesConfig(new ServiceCatalog(services), Map.copyOf(probes));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(origin + ": " + e.getMessage());
        }
    }

    private static ProbeDefinition probe(Settings s, String name, String origin) {
        String key = "probes." + name;
        checkName(name, key, origin);
        ProbeDefinition.Kind kind = choice(s, key + ".kind", "", ProbeDefinition.Kind.class, origin);
        String target = switch (kind) {
            case HTTP -> {
                String url = s.string(key + ".url", "");
                try {
                    URI uri = URI.create(url);
                    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                        throw new IllegalArgumentException();
                    }
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(origin + ": " + key + ".url must be an http:// or https:// URL, got '" + url + "'");
                }
                yield url;
            }
            case TCP -> {
                String host = s.string(key + ".host", "");
                int port = s.integer(key + ".port", 0, 1, 65535);
                if (host.isBlank() || port == 0) {
                    throw new ConfigException(origin + ": " + key + " needs host and port");
                }
                yield host + ":" + port;
            }
            case DNS -> {
                String host = s.string(key + ".name", "");
                if (host.isBlank()) {
                    throw new ConfigException(origin + ": " + key + ".name must be the host name to resolve");
                }
                yield host;
            }
        };
        Duration interval = s.duration(key + ".interval", Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofHours(1));
        Duration timeout = s.duration(key + ".timeout", Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofMinutes(5));
        if (timeout.compareTo(interval) > 0) {
            throw new ConfigException(origin + ": " + key + ".timeout must not be longer than its interval");
        }
        int statusFrom = 200;
        int statusTo = 399;
        Optional<Pattern> body = Optional.empty();
        Duration maxLatency = Duration.ZERO;
        int minDays = 0;
        int warnDays = 14;
        boolean verify = true;
        Optional<Path> ca = Optional.empty();
        if (kind == ProbeDefinition.Kind.HTTP) {
            String status = s.string(key + ".expect_status", "200-399");
            Matcher m = STATUS.matcher(status.trim());
            if (!m.matches()) {
                throw new ConfigException(origin + ": " + key + ".expect_status must be a status such as 200 or a range such as 200-399, got '" + status + "'");
            }
            statusFrom = Integer.parseInt(m.group(1));
            statusTo = m.group(2) == null ? statusFrom : Integer.parseInt(m.group(2));
            String regex = s.string(key + ".expect_body", "");
            try {
                body = regex.isEmpty() ? Optional.empty() : Optional.of(Pattern.compile(regex));
            } catch (PatternSyntaxException e) {
                throw new ConfigException(origin + ": " + key + ".expect_body is not a valid regular expression: " + e.getDescription());
            }
            maxLatency = s.duration(key + ".max_latency", Duration.ZERO, Duration.ZERO, Duration.ofMinutes(5));
            minDays = s.integer(key + ".tls_min_days_left", 0, 0, 3650);
            warnDays = s.integer(key + ".tls_warn_days", 14, 0, 3650);
            verify = s.bool(key + ".tls_verify", true);
            String caFile = s.string(key + ".tls_ca_file", "");
            ca = caFile.isBlank() ? Optional.empty() : Optional.of(Path.of(caFile));
        }
        return new ProbeDefinition(name, kind, target, interval, timeout, statusFrom, statusTo, body, maxLatency, minDays, warnDays, verify, ca);
    }

    private static ServiceDefinition service(Settings s, String name, Map<String, ProbeDefinition> probes, ZoneId defaultZone, String origin) {
        String key = "services." + name;
        checkName(name, key, origin);
        double targetPercent = s.number(key + ".target_percent", 99.85, 0.001, 99.9999);
        ZoneId zone;
        String zoneText = s.string(key + ".time_zone", defaultZone.getId());
        try {
            zone = ZoneId.of(zoneText);
        } catch (DateTimeException e) {
            throw new ConfigException(origin + ": " + key + ".time_zone must be an IANA time zone such as Europe/London, got '" + zoneText + "'");
        }
        Map<DayOfWeek, List<ServiceCalendar.Hours>> hours = new EnumMap<>(DayOfWeek.class);
        for (String day : s.children(key + ".hours")) {
            DayOfWeek dow = DAYS.get(day);
            if (dow == null) {
                throw new ConfigException(origin + ": " + key + ".hours." + day + ": days are mon, tue, wed, thu, fri, sat, sun");
            }
            String text = s.string(key + ".hours." + day, "");
            List<ServiceCalendar.Hours> ranges = new ArrayList<>();
            try {
                for (String part : text.split(",")) {
                    if (!part.isBlank()) {
                        ranges.add(ServiceCalendar.Hours.parse(part));
                    }
                }
            } catch (IllegalArgumentException e) {
                throw new ConfigException(origin + ": " + key + ".hours." + day + ": " + e.getMessage());
            }
            hours.put(dow, ranges);
        }
        Set<LocalDate> holidays = new LinkedHashSet<>();
        for (String d : list(s.string(key + ".holidays", ""))) {
            holidays.add(date(d, key + ".holidays", origin));
        }
        CombineRule rule = rule(s, key, origin);
        List<ComponentRef> components = new ArrayList<>();
        for (String c : s.children(key + ".components")) {
            components.add(component(s, key + ".components." + c, c, probes, origin));
        }
        List<MaintenanceWindow> maintenance = new ArrayList<>();
        for (String w : s.children(key + ".maintenance")) {
            maintenance.add(maintenance(s, key + ".maintenance." + w, w, origin));
        }
        NoDataPolicy noData = choice(s, key + ".no_data", "down", NoDataPolicy.class, origin);
        SlaPeriod budgetPeriod = choice(s, key + ".budget_period", "quarter", SlaPeriod.class, origin);
        try {
            return new ServiceDefinition(name, s.string(key + ".owner", ""), s.string(key + ".description", ""),
                    java.math.BigDecimal.valueOf(targetPercent).movePointLeft(2).doubleValue(), new ServiceCalendar(zone, hours, holidays), rule, components, maintenance, noData, budgetPeriod);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(origin + ": " + e.getMessage());
        }
    }

    private static CombineRule rule(Settings s, String key, String origin) {
        String text = s.string(key + ".rule", "all_of");
        return switch (text) {
            case "all_of" -> CombineRule.ALL_OF;
            case "any_of" -> CombineRule.ANY_OF;
            case "k_of_n" -> CombineRule.kOfN(s.integer(key + ".min_up", 1, 1, 10_000));
            default -> throw new ConfigException(origin + ": " + key + ".rule must be all_of, any_of or k_of_n, got '" + text + "'");
        };
    }

    private static ComponentRef component(Settings s, String key, String name, Map<String, ProbeDefinition> probes, String origin) {
        checkName(name, key, origin);
        Map<ComponentRef.Kind, String> refs = new EnumMap<>(ComponentRef.Kind.class);
        for (ComponentRef.Kind kind : ComponentRef.Kind.values()) {
            String value = s.string(key + "." + kind.name().toLowerCase(Locale.ROOT), "");
            if (!value.isBlank()) {
                refs.put(kind, value.trim());
            }
        }
        if (refs.size() != 1) {
            throw new ConfigException(origin + ": " + key + " needs exactly one of device, devices (a label selector), probe or service");
        }
        ComponentRef.Kind kind = refs.keySet().iterator().next();
        String ref = refs.get(kind);
        if (kind == ComponentRef.Kind.PROBE && !probes.containsKey(ref)) {
            throw new ConfigException(origin + ": " + key + ".probe: no probe named '" + ref + "' under probes");
        }
        CombineRule rule = CombineRule.ALL_OF;
        if (kind == ComponentRef.Kind.DEVICES) {
            try {
                LabelSelector.parse(ref);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(origin + ": " + key + ".devices: " + e.getMessage());
            }
            rule = rule(s, key, origin);
        }
        return new ComponentRef(name, kind, ref, rule);
    }

    private static MaintenanceWindow maintenance(Settings s, String key, String name, String origin) {
        String startText = s.string(key + ".start", "");
        LocalDateTime start;
        try {
            start = LocalDateTime.parse(startText.trim());
        } catch (DateTimeException e) {
            throw new ConfigException(origin + ": " + key + ".start must be a local date and time such as \"2026-11-10T22:00\", got '" + startText + "'");
        }
        Duration duration = s.duration(key + ".duration", Duration.ZERO, Duration.ofMinutes(1), Duration.ofDays(31));
        if (duration.isZero()) {
            throw new ConfigException(origin + ": " + key + ".duration is needed, e.g. 2h");
        }
        MaintenanceWindow.Recurrence recurrence = choice(s, key + ".every", "none", MaintenanceWindow.Recurrence.class, origin);
        String until = s.string(key + ".until", "");
        Optional<LocalDate> last = until.isBlank() ? Optional.empty() : Optional.of(date(until, key + ".until", origin));
        return new MaintenanceWindow(name, start, duration, recurrence, last, new LinkedHashSet<>(list(s.string(key + ".components", ""))));
    }

    /** One of an enum's constants, written in lower case. */
    private static <E extends Enum<E>> E choice(Settings s, String key, String defaultValue, Class<E> type, String origin) {
        String text = s.string(key, defaultValue);
        try {
            return Enum.valueOf(type, text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            String allowed = String.join(", ", java.util.Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT)).toList());
            throw new ConfigException(origin + ": " + key + " must be one of " + allowed + ", got '" + text + "'");
        }
    }

    private static LocalDate date(String text, String key, String origin) {
        try {
            return LocalDate.parse(text.trim());
        } catch (DateTimeException e) {
            throw new ConfigException(origin + ": " + key + ": dates are written \"2026-12-25\" (in quotes), got '" + text + "'");
        }
    }

    private static List<String> list(String text) {
        return java.util.Arrays.stream(text.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
    }

    private static void checkName(String name, String key, String origin) {
        if (!NAME.matcher(name).matches()) {
            throw new ConfigException(origin + ": " + key + ": names are letters, digits, '_' and '-', up to 64");
        }
    }
}
