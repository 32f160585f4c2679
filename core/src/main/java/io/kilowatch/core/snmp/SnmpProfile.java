package io.kilowatch.core.snmp;

import java.util.List;

/**
 * What Kilowatch reads from one kind of device, as data (docs/snmp.md): chosen by the longest
 * sysObjectID prefix that matches, or named by a target; the fallback profile serves anything else.
 *
 * @param origin the file it came from, for messages
 * @param includes other profiles whose metrics this one adds to its own (the host profile, say)
 */
public record SnmpProfile(String name, String origin, String description, List<String> sysObjectIdPrefixes, boolean fallback,
                          List<String> includes, List<ProfileMetric> metrics) {
    public SnmpProfile {
        sysObjectIdPrefixes = List.copyOf(sysObjectIdPrefixes);
        includes = List.copyOf(includes);
        metrics = List.copyOf(metrics);
    }
}
