package io.kilowatch.collector.snmp;

import io.kilowatch.core.snmp.ComposedReading;
import io.kilowatch.core.snmp.Oids;
import io.kilowatch.core.snmp.ProfileReading;
import io.kilowatch.core.snmp.ProfileSet;
import io.kilowatch.core.snmp.SnmpProfile;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** The shipped profiles applied to a walk as the poller applies them: matching, each profile's reading, composition. */
final class ShippedProfiles {
    static final ProfileSet SET = new ProfileSet(ProfileLoader.shipped(), List.of());

    private ShippedProfiles() {
    }

    /** The profiles a device of this sysObjectID with this walk gets: the probes it answers are those a GETNEXT lands under. */
    static List<SnmpProfile> applicable(String sysObjectId, Map<String, Object> walk) {
        Set<String> answered = SET.probes().stream().filter(probe -> walk.keySet().stream().anyMatch(oid -> Oids.startsWith(oid, probe)
                && !oid.equals(probe))).collect(Collectors.toSet());
        return SET.applicable(sysObjectId, answered);
    }

    /** What the poller composes from this walk of a device of this sysObjectID. */
    static ComposedReading poll(String sysObjectId, Map<String, Object> walk) {
        return compose(applicable(sysObjectId, walk), walk);
    }

    /** These profiles' readings of the walk, composed (a target's {@code profiles:} override, ranked). */
    static ComposedReading read(Map<String, Object> walk, String... profiles) {
        return compose(java.util.Arrays.stream(profiles).map(p -> SET.named(p).orElseThrow()).sorted(ProfileSet.POWER_ORDER).toList(), walk);
    }

    static ComposedReading compose(List<SnmpProfile> applied, Map<String, Object> walk) {
        Map<String, ProfileReading> parts = new LinkedHashMap<>();
        applied.forEach(p -> parts.put(p.name(), ProfileReading.evaluate(SET.metrics(p.name()), walk)));
        return ComposedReading.compose(parts);
    }

    static List<String> names(List<SnmpProfile> profiles) {
        return profiles.stream().map(SnmpProfile::name).toList();
    }

    /** A profile metric's samples as "index value", in index order. */
    static List<String> samples(ComposedReading r, String metric) {
        return r.samples().stream().filter(s -> s.metric().equals(metric)).map(s -> s.index() + " " + s.value()).toList();
    }
}
