package io.kilowatch.core.snmp;

import java.util.List;

/**
 * What Kilowatch reads from one kind of device, as data (docs/snmp.md). A device's readings are composed
 * from every profile that applies to it: those whose {@code probes} the device answers (capabilities),
 * those whose sysObjectID prefix matches (a hint), and the fallback profile, which serves every device.
 *
 * @param origin the file it came from, for messages
 * @param probes OIDs of which the device must answer at least one object at or under, for the profile to apply
 * @param powerRank when several applied profiles measure power, the highest rank's figure is the device's
 * @param includes other profiles whose metrics this one adds to its own (the host profile, say)
 */
public record SnmpProfile(String name, String origin, String description, List<String> sysObjectIdPrefixes, List<String> probes,
                          boolean fallback, int powerRank, List<String> includes, List<ProfileMetric> metrics) {
    public SnmpProfile {
        sysObjectIdPrefixes = List.copyOf(sysObjectIdPrefixes);
        probes = List.copyOf(probes);
        includes = List.copyOf(includes);
        metrics = List.copyOf(metrics);
    }
}
