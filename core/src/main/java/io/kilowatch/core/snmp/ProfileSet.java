package io.kilowatch.core.snmp;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * All profiles known to a collector, checked as a whole: names unique (a user's profile replaces a
 * shipped one of the same name), includes resolvable and acyclic, exactly one fallback.
 */
public final class ProfileSet {
    /** Highest power rank first, then by name: of several profiles measuring power, the first one's counts. */
    public static final java.util.Comparator<SnmpProfile> POWER_ORDER =
            java.util.Comparator.comparingInt(SnmpProfile::powerRank).reversed().thenComparing(SnmpProfile::name);

    private final Map<String, SnmpProfile> byName;
    private final SnmpProfile fallback;
    /** Each profile's metrics with its includes', resolved once: every poll of every device asks. */
    private final Map<String, List<ProfileMetric>> resolved = new LinkedHashMap<>();

    /** @param shipped profiles that come with Kilowatch; {@code user} ones of the same name replace them */
    public ProfileSet(Collection<SnmpProfile> shipped, Collection<SnmpProfile> user) {
        Map<String, SnmpProfile> all = new LinkedHashMap<>();
        shipped.forEach(p -> all.put(p.name(), p));
        Map<String, SnmpProfile> seenUser = new LinkedHashMap<>();
        for (SnmpProfile p : user) {
            SnmpProfile twin = seenUser.put(p.name(), p);
            if (twin != null) {
                throw new ProfileException(p.origin() + ": name '" + p.name() + "' is also used by " + twin.origin());
            }
            all.put(p.name(), p);
        }
        List<SnmpProfile> fallbacks = all.values().stream().filter(SnmpProfile::fallback).toList();
        if (fallbacks.size() != 1) {
            throw new ProfileException("exactly one profile must have match.fallback: true, found "
                    + fallbacks.stream().map(SnmpProfile::origin).toList());
        }
        this.byName = Map.copyOf(all);
        this.fallback = fallbacks.get(0);
        all.values().forEach(p -> resolved.put(p.name(), List.copyOf(resolve(p.name()))));
        // profiles compose: one metric name is one Prometheus series shape, a row label or none, everywhere
        Map<String, SnmpProfile> shapeOf = new LinkedHashMap<>();
        for (SnmpProfile p : all.values()) {
            for (ProfileMetric m : p.metrics()) {
                String shape = m.name() + (m.table() ? "[]" : "");
                String opposite = m.table() ? m.name() : m.name() + "[]";
                if (shapeOf.containsKey(opposite)) {
                    throw new ProfileException(p.origin() + ": metric '" + m.name() + "' is a " + (m.table() ? "table" : "scalar")
                            + " here but not in " + shapeOf.get(opposite).origin() + "; give one of them another name");
                }
                shapeOf.putIfAbsent(shape, p);
            }
        }
    }

    public Optional<SnmpProfile> named(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public Set<String> names() {
        return new java.util.TreeSet<>(byName.keySet());
    }

    /** Every OID some profile probes, for one capability sweep of a device. */
    public List<String> probes() {
        return byName.values().stream().flatMap(p -> p.probes().stream()).distinct().sorted().toList();
    }

    /**
     * The profiles that apply to a device, highest power rank first (then by name): the fallback, those whose
     * sysObjectID prefix matches, and those with a probe among {@code answered} (the probes the device
     * answered objects for). Profiles only ever included by others (no prefix, no probe) never apply alone.
     */
    public List<SnmpProfile> applicable(String sysObjectId, Set<String> answered) {
        String oid = Oids.normalise(sysObjectId);
        return byName.values().stream().filter(p -> p.fallback()
                        || oid != null && p.sysObjectIdPrefixes().stream().anyMatch(prefix -> Oids.startsWith(oid, prefix))
                        || p.probes().stream().anyMatch(answered::contains))
                .sorted(POWER_ORDER).toList();
    }

    /** A profile's metrics with those of everything it includes, each metric name once (its own win). */
    public List<ProfileMetric> metrics(String name) {
        List<ProfileMetric> metrics = resolved.get(name);
        if (metrics == null) {
            throw new ProfileException("profiles: no profile '" + name + "'; known: " + String.join(", ", names()));
        }
        return metrics;
    }

    private List<ProfileMetric> resolve(String name) {
        Map<String, ProfileMetric> out = new LinkedHashMap<>();
        collect(name, new LinkedHashSet<>(), out, null);
        return new ArrayList<>(out.values());
    }

    private void collect(String name, Set<String> path, Map<String, ProfileMetric> out, SnmpProfile from) {
        SnmpProfile p = byName.get(name);
        if (p == null) {
            throw new ProfileException((from == null ? "profiles" : from.origin()) + ": include names profile '" + name
                    + "', which does not exist; known: " + String.join(", ", names()));
        }
        if (!path.add(name)) {
            throw new ProfileException(p.origin() + ": include makes a cycle: " + String.join(" -> ", path) + " -> " + name);
        }
        p.metrics().forEach(m -> out.putIfAbsent(m.name(), m));
        for (String include : p.includes()) {
            collect(include, path, out, p);
        }
        path.remove(name);
    }
}
